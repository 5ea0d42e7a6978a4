// Space for datagrams inside a UDP stream's receive buffer (the guest's, given at UDPCreate).
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstdint>
#include <map>
#include <optional>

namespace mtb {

// Datagrams are handed to the guest as pointers into its own buffer and returned with
// UDPBfrReturn in any order, so the free space is a set of gaps: used extents sit in an ordered
// map and allocation is next-fit from where the last one ended (datagrams then follow each other
// round the buffer while the guest returns them in order). No fixed-size table: the number of
// extents is bounded by the buffer's size.
class ReceiveArea {
public:
    // Extents start on 4-byte guest addresses: apps cast datagrams to structs with words and
    // longs, which a 68000 cannot read at odd addresses.
    static constexpr uint32_t kAlignment = 4;

    ReceiveArea(uint32_t base, uint32_t length) : base_(base), length_(length) {}

    uint32_t base() const { return base_; }
    uint32_t length() const { return length_; }

    // Guest address of `size` (> 0) free bytes, or empty when no gap is large enough.
    std::optional<uint32_t> allocate(uint32_t size);

    // The largest free extent (aligned start; size 0 when the buffer is full), the first of
    // equals from where the last datagram ended: a datagram of unknown length is received
    // straight into it, then claim()ed at its real length (one recvmsg per datagram).
    struct Gap {
        uint32_t address = 0;
        uint32_t size = 0;
    };
    Gap largest_gap() const;
    // Marks `size` (> 0) bytes at `address`, inside a free gap, used; false (nothing changed)
    // if they are not all free.
    bool claim(uint32_t address, uint32_t size);
    // Frees the extent starting at `address`; false if no extent starts there.
    bool release(uint32_t address);
    bool in_use(uint32_t address) const { return used_.count(address) != 0; }
    std::size_t extents() const { return used_.size(); }
    uint64_t bytes_in_use() const { return bytes_in_use_; }

private:
    std::optional<uint32_t> fit(uint64_t from, uint64_t to, uint32_t size) const;

    uint32_t base_;
    uint32_t length_;
    std::map<uint32_t, uint32_t> used_;  // guest address -> size
    uint64_t cursor_ = 0;                // guest address where the next search starts
    uint64_t bytes_in_use_ = 0;
};

}  // namespace mtb
