// Bounds-checked, big-endian view of guest RAM.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <span>

namespace mtb {

// One contiguous range of guest RAM seen through a host pointer. Every access of a guest range
// goes through contains(), which is overflow-safe: the guest picks every address and length.
class GuestMemory {
public:
    GuestMemory() = default;
    GuestMemory(uint8_t *host, uint32_t guest_base, uint32_t size)
        : host_(host), base_(guest_base), size_(size) {}

    bool valid() const { return host_ != nullptr && size_ != 0; }
    uint32_t base() const { return base_; }
    uint32_t size() const { return size_; }

    // True when every byte of [addr, addr + len) is RAM. A zero-length range must still start
    // inside RAM or at its end.
    bool contains(uint32_t addr, uint32_t len) const {
        if (host_ == nullptr || addr < base_) return false;
        const uint64_t offset = uint64_t{addr} - base_;
        return offset + len <= size_;
    }

    // Host view of a checked range; empty optional when any byte is outside RAM.
    std::optional<std::span<uint8_t>> bytes(uint32_t addr, uint32_t len) {
        if (!contains(addr, len)) return std::nullopt;
        return std::span<uint8_t>(host_ + (addr - base_), len);
    }

    bool read(uint32_t addr, void *dst, uint32_t len) const {
        if (!contains(addr, len)) return false;
        std::memcpy(dst, host_ + (addr - base_), len);
        return true;
    }
    bool write(uint32_t addr, const void *src, uint32_t len) {
        if (!contains(addr, len)) return false;
        std::memcpy(host_ + (addr - base_), src, len);
        return true;
    }
    bool fill(uint32_t addr, uint8_t value, uint32_t len) {
        if (!contains(addr, len)) return false;
        std::memset(host_ + (addr - base_), value, len);
        return true;
    }

    std::optional<uint8_t> read8(uint32_t addr) const {
        if (!contains(addr, 1)) return std::nullopt;
        return host_[addr - base_];
    }
    std::optional<uint16_t> read16(uint32_t addr) const {
        if (!contains(addr, 2)) return std::nullopt;
        const uint8_t *p = host_ + (addr - base_);
        return static_cast<uint16_t>((p[0] << 8) | p[1]);
    }
    std::optional<uint32_t> read32(uint32_t addr) const {
        if (!contains(addr, 4)) return std::nullopt;
        const uint8_t *p = host_ + (addr - base_);
        return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
    }
    bool write8(uint32_t addr, uint8_t v) { return write(addr, &v, 1); }
    bool write16(uint32_t addr, uint16_t v) {
        const uint8_t b[2] = {static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v)};
        return write(addr, b, 2);
    }
    bool write32(uint32_t addr, uint32_t v) {
        const uint8_t b[4] = {static_cast<uint8_t>(v >> 24), static_cast<uint8_t>(v >> 16),
                              static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v)};
        return write(addr, b, 4);
    }

    // Length of the NUL-terminated string at addr (without the NUL), searching at most
    // max_len bytes; empty optional if no NUL lies within RAM and max_len.
    std::optional<uint32_t> c_string_length(uint32_t addr, uint32_t max_len) const {
        if (!contains(addr, 0)) return std::nullopt;
        const uint64_t available = uint64_t{size_} - (addr - base_);
        const uint32_t limit = static_cast<uint32_t>(std::min<uint64_t>(available, max_len));
        const void *nul = std::memchr(host_ + (addr - base_), 0, limit);
        if (nul == nullptr) return std::nullopt;
        return static_cast<uint32_t>(static_cast<const uint8_t *>(nul) - (host_ + (addr - base_)));
    }

private:
    uint8_t *host_ = nullptr;
    uint32_t base_ = 0;
    uint32_t size_ = 0;
};

}  // namespace mtb
