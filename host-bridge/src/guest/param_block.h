// A checked view of one guest parameter block of known size.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstdint>
#include <optional>

#include "guest/pb_layout.h"
#include "mactcp_bridge/guest_memory.h"

namespace mtb {

// Built only after the whole block [address, address + size) was checked against RAM, so field
// access cannot leave RAM; fields beyond `size` (e.g. bytes 52..57 of an old 52-byte UDPiopb)
// are refused rather than touched.
class ParamBlock {
public:
    static std::optional<ParamBlock> at(GuestMemory &memory, uint32_t address, uint32_t size) {
        if (!memory.contains(address, size)) return std::nullopt;
        return ParamBlock(memory, address, size);
    }

    uint32_t address() const { return address_; }
    uint32_t size() const { return size_; }
    GuestMemory &memory() const { return *memory_; }

    uint8_t get(layout::U8 f) const { return covers(f) ? memory_->read8(address_ + f.offset).value_or(0) : 0; }
    uint16_t get(layout::U16 f) const { return covers(f) ? memory_->read16(address_ + f.offset).value_or(0) : 0; }
    uint32_t get(layout::U32 f) const { return covers(f) ? memory_->read32(address_ + f.offset).value_or(0) : 0; }
    int16_t get_signed(layout::U16 f) const { return static_cast<int16_t>(get(f)); }

    void set(layout::U8 f, uint8_t v) const { if (covers(f)) memory_->write8(address_ + f.offset, v); }
    void set(layout::U16 f, uint16_t v) const { if (covers(f)) memory_->write16(address_ + f.offset, v); }
    void set(layout::U32 f, uint32_t v) const { if (covers(f)) memory_->write32(address_ + f.offset, v); }

    template <typename T>
    bool covers(layout::Field<T> f) const { return f.end() <= size_; }

    // Re-checks that the block is still in RAM (guest reset can shrink nothing, but a host may
    // hand us a new RAM region between calls).
    bool still_valid() const { return memory_->contains(address_, size_); }

private:
    ParamBlock(GuestMemory &memory, uint32_t address, uint32_t size)
        : memory_(&memory), address_(address), size_(size) {}

    GuestMemory *memory_;
    uint32_t address_;
    uint32_t size_;
};

}  // namespace mtb
