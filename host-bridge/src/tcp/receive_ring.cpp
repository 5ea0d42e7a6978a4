// SPDX-License-Identifier: GPL-2.0-or-later
#include "tcp/receive_ring.h"

#include <algorithm>
#include <utility>

namespace mtb {

RingPiece ReceiveRing::writable(uint32_t max) const {
    const uint32_t offset = offset_of(write_);
    const uint32_t length = std::min({max, free_space(), capacity_ - offset});
    return {start_ + offset, length};
}

std::vector<RingPiece> ReceiveRing::readable(uint32_t max) const {
    std::vector<RingPiece> pieces;
    uint64_t position = read_;
    uint32_t left = std::min(max, unread());
    while (left > 0) {
        const uint32_t offset = offset_of(position);
        const uint32_t length = std::min(left, capacity_ - offset);
        pieces.push_back({start_ + offset, length});
        position += length;
        left -= length;
    }
    return pieces;
}

void ReceiveRing::consume(uint32_t length) {
    read_ += std::min(length, unread());
    settle();
}

void ReceiveRing::lend(uint32_t length, uint32_t rds, std::vector<RingPiece> pieces) {
    length = std::min(length, unread());
    loans_.push_back({rds, std::move(pieces), read_, read_ + length});
    read_ += length;
    settle();
}

bool ReceiveRing::give_back(uint32_t rds, const std::vector<RingPiece> &pieces) {
    for (Loan &loan : loans_) {
        if (loan.returned || loan.rds != rds || loan.pieces.size() != pieces.size()) continue;
        bool same = true;
        for (std::size_t i = 0; i < pieces.size() && same; ++i)
            same = pieces[i].address == loan.pieces[i].address && pieces[i].length == loan.pieces[i].length;
        if (!same) continue;
        loan.returned = true;
        settle();
        return true;
    }
    return false;
}

// Loans are returned in any order, but ring space frees only from the oldest byte on: a loan
// returned early keeps its bytes until every older loan is back too.
void ReceiveRing::settle() {
    while (!loans_.empty() && loans_.front().returned) loans_.pop_front();
    head_ = loans_.empty() ? read_ : loans_.front().begin;
    // Empty (nothing unread, nothing lent): the next bytes start at the ring's beginning, so
    // that a read-ahead fills the whole free space with one recv() instead of two around the
    // wrap (a 4 KB buffer read 4 KB at a time would otherwise wrap on every fill).
    if (head_ == write_ && capacity_ > 0) shift_ = static_cast<uint32_t>((capacity_ - write_ % capacity_) % capacity_);
}

uint32_t ReceiveRing::offset_of(uint64_t position) const {
    return static_cast<uint32_t>((position % capacity_ + shift_) % capacity_);
}

}  // namespace mtb
