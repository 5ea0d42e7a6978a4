// The guest's write data structure (WDS, mactcp-reference 4): entries of a 2-byte length and a
// 4-byte pointer, ended by a zero length. One walker for TCPSend and UDPWrite/UDPMultiSend.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstdint>
#include <limits>

#include "driver/mactcp_codes.h"
#include "guest/pb_layout.h"
#include "mactcp_bridge/guest_memory.h"

namespace mtb {

struct WdsLimits {
    uint32_t max_entries = std::numeric_limits<uint32_t>::max();  // more: invalidWDS
    uint64_t max_total = std::numeric_limits<uint64_t>::max();    // passed: invalidLength, at once
};

// Walks the WDS at `wds`: `piece(address, length)` for each entry, in order, after checking the
// entry and its buffer lie in RAM (else invalidWDS, as for a NIL `wds`). Only the terminating
// entry's length word is read. `total` gets the bytes of every entry walked. Linear in the
// entries; every entry adds at least one byte, so `max_total` bounds the walk too.
template <typename OnPiece>
int16_t walk_wds(const GuestMemory &memory, uint32_t wds, const WdsLimits &limits, uint64_t &total, OnPiece &&piece) {
    namespace E = layout::data_entry;
    total = 0;
    if (wds == 0) return err::invalidWDS;
    for (uint64_t index = 0;; ++index) {
        const uint64_t entry = uint64_t{wds} + index * E::size;
        if (entry > UINT32_MAX) return err::invalidWDS;
        const auto length = memory.read16(static_cast<uint32_t>(entry) + E::length.offset);
        if (!length) return err::invalidWDS;
        if (*length == 0) return err::noErr;
        if (index == limits.max_entries) return err::invalidWDS;
        const auto pointer = memory.read32(static_cast<uint32_t>(entry) + E::ptr.offset);
        if (!pointer || !memory.contains(*pointer, *length)) return err::invalidWDS;
        total += *length;
        if (total > limits.max_total) return err::invalidLength;
        piece(*pointer, *length);
    }
}

}  // namespace mtb
