// The stream's receive buffer (given at TCPCreate) used as a ring in guest RAM: bytes taken from
// the host socket land here, TCPRcv copies them out, TCPNoCopyRcv lends pieces of it to the app
// until TCPRcvBfrReturn. The free space of this ring IS the receive window: the receive path
// never takes more from the socket than free_space() (design.md section 3).
// Pure bookkeeping: no guest memory access, so it is unit-tested on its own.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "tcp/lazy_fifo.h"

namespace mtb {

struct RingPiece {
    uint32_t address;  // guest address inside the ring
    uint32_t length;
};

class ReceiveRing {
public:
    ReceiveRing() = default;
    ReceiveRing(uint32_t start, uint32_t capacity) : start_(start), capacity_(capacity) {}

    uint32_t capacity() const { return capacity_; }
    // Bytes received and not yet handed to the app.
    uint32_t unread() const { return static_cast<uint32_t>(write_ - read_); }
    // Room for more bytes from the socket: everything not unread and not lent out.
    uint32_t free_space() const { return capacity_ - static_cast<uint32_t>(write_ - head_); }
    // Stream offsets (bytes since the stream was created), for urgent marks and statistics.
    uint64_t read_offset() const { return read_; }
    uint64_t write_offset() const { return write_; }

    // Where the next socket bytes go: one contiguous piece of at most `max` free bytes.
    RingPiece writable(uint32_t max) const;
    void commit_write(uint32_t length) { write_ += length; }

    // The unread bytes starting at the read position, in at most two contiguous pieces (the
    // ring wraps), limited to `max` bytes.
    std::vector<RingPiece> readable(uint32_t max) const;
    // Consumes `length` unread bytes that were copied out (TCPRcv).
    void consume(uint32_t length);
    // Consumes `length` unread bytes that stay in the ring, lent to the app under `rds`
    // (TCPNoCopyRcv), with the pieces written into that RDS.
    void lend(uint32_t length, uint32_t rds, std::vector<RingPiece> pieces);
    // TCPRcvBfrReturn: frees the loan made under `rds` whose pieces are exactly `pieces`.
    // False when no such loan is outstanding (returned twice, never lent, or altered).
    bool give_back(uint32_t rds, const std::vector<RingPiece> &pieces);
    // Discards every unread byte (abort, peer reset). Loans stay the app's until returned.
    void discard_unread() { read_ = write_; settle(); }
    std::size_t loans() const { return loans_.size(); }

private:
    struct Loan {
        uint32_t rds;
        std::vector<RingPiece> pieces;
        uint64_t begin, end;  // stream offsets
        bool returned = false;
    };
    void settle();  // moves head_ past loans already returned
    uint32_t offset_of(uint64_t position) const;  // where a stream offset lies in the ring

    uint32_t start_ = 0, capacity_ = 0;
    uint64_t head_ = 0;   // oldest byte still occupying the ring (lent or unread)
    uint64_t read_ = 0;   // oldest unread byte
    uint64_t write_ = 0;  // next byte from the socket
    uint32_t shift_ = 0;  // ring offset = (stream offset + shift_) mod capacity, set when empty
    LazyFifo<Loan> loans_;
};

}  // namespace mtb
