// SPDX-License-Identifier: GPL-2.0-or-later
#include "udp/receive_area.h"

#include <algorithm>
#include <iterator>

namespace mtb {

namespace {
uint64_t align_up(uint64_t value) { return (value + ReceiveArea::kAlignment - 1) & ~uint64_t{ReceiveArea::kAlignment - 1}; }
}  // namespace

// First aligned start in the free range [from, to) that holds `size` bytes.
std::optional<uint32_t> ReceiveArea::fit(uint64_t from, uint64_t to, uint32_t size) const {
    const uint64_t start = align_up(from);
    if (start + size <= to) return static_cast<uint32_t>(start);
    return std::nullopt;
}

std::optional<uint32_t> ReceiveArea::allocate(uint32_t size) {
    if (size == 0 || size > length_) return std::nullopt;
    const uint64_t end = uint64_t{base_} + length_;
    if (cursor_ < base_ || cursor_ >= end) cursor_ = base_;
    // Gaps from the cursor to the end, then from the start to the cursor.
    for (int pass = 0; pass < 2; ++pass) {
        uint64_t from = pass == 0 ? cursor_ : base_;
        const uint64_t limit = pass == 0 ? end : cursor_;
        auto next = used_.lower_bound(static_cast<uint32_t>(from));
        if (next != used_.begin()) {
            const auto previous = std::prev(next);
            from = std::max<uint64_t>(from, uint64_t{previous->first} + previous->second);
        }
        while (from < limit) {
            const uint64_t gap_end = next == used_.end() ? end : std::min<uint64_t>(next->first, end);
            if (auto start = fit(from, gap_end, size)) {
                used_.emplace(*start, size);
                bytes_in_use_ += size;
                cursor_ = uint64_t{*start} + size;
                return start;
            }
            if (next == used_.end()) break;
            from = uint64_t{next->first} + next->second;
            ++next;
        }
    }
    return std::nullopt;
}

ReceiveArea::Gap ReceiveArea::largest_gap() const {
    const uint64_t end = uint64_t{base_} + length_;
    const uint64_t start = cursor_ < base_ || cursor_ >= end ? base_ : cursor_;
    Gap best;
    auto consider = [&](uint64_t from, uint64_t to) {
        const uint64_t aligned = align_up(from);
        if (aligned < to && to - aligned > best.size) best = {static_cast<uint32_t>(aligned), static_cast<uint32_t>(to - aligned)};
    };
    // Gaps from the cursor to the end, then from the start up to the cursor (next-fit's order).
    auto next = used_.lower_bound(static_cast<uint32_t>(start));
    uint64_t from = start;
    if (next != used_.begin()) {
        const auto previous = std::prev(next);
        from = std::max<uint64_t>(from, uint64_t{previous->first} + previous->second);
    }
    for (auto it = next; it != used_.end(); ++it) {
        consider(from, it->first);
        from = std::max<uint64_t>(from, uint64_t{it->first} + it->second);
    }
    consider(from, end);
    // The gap the cursor lies in runs on past the cursor: taken whole here.
    from = base_;
    for (auto it = used_.begin(); it != next; ++it) {
        consider(from, it->first);
        from = uint64_t{it->first} + it->second;
    }
    if (from < start) consider(from, next == used_.end() ? end : next->first);
    return best;
}

bool ReceiveArea::claim(uint32_t address, uint32_t size) {
    const uint64_t end = uint64_t{address} + size;
    if (size == 0 || address < base_ || end > uint64_t{base_} + length_) return false;
    const auto next = used_.lower_bound(address);
    if (next != used_.end() && next->first < end) return false;
    if (next != used_.begin()) {
        const auto previous = std::prev(next);
        if (uint64_t{previous->first} + previous->second > address) return false;
    }
    used_.emplace_hint(next, address, size);
    bytes_in_use_ += size;
    cursor_ = end;
    return true;
}

bool ReceiveArea::release(uint32_t address) {
    const auto found = used_.find(address);
    if (found == used_.end()) return false;
    bytes_in_use_ -= found->second;
    used_.erase(found);
    if (used_.empty()) cursor_ = base_;  // an empty buffer starts over at its beginning
    return true;
}

}  // namespace mtb
