// TCPSend: WDS validation and the send path, guest RAM -> socket with one copy (sendmsg with an
// iovec over the WDS buffers of the queued sends, non-blocking, on the emulation thread).
// SPDX-License-Identifier: GPL-2.0-or-later
#include <sys/socket.h>
#include <sys/uio.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <variant>

#include "driver/mactcp_codes.h"
#include "guest/pb_layout.h"
#include "guest/wds.h"
#include "net/host_errors.h"
#include "tcp/tcp_service.h"
#include "tcp/ulp_settings.h"

namespace mtb {

namespace L = layout::tcp;
namespace E = layout::data_entry;

namespace {

constexpr uint32_t kMaxSendTotal = 65535;  // mactcp-reference 4
// sendmsg calls per pump: bounds the time one busy stream holds the emulation thread.
constexpr int kMaxSendsPerPump = 64;

// The WDS as pieces: any number of entries (every entry adds at least one byte, so the walk
// ends after at most 65,536 of them: a longer list is invalidLength), at least one byte.
std::variant<int16_t, std::vector<RingPiece>> read_wds(const GuestMemory &memory, uint32_t wds) {
    std::vector<RingPiece> pieces;
    uint64_t total = 0;
    const int16_t result = walk_wds(memory, wds, {.max_total = kMaxSendTotal}, total,
                                    [&](uint32_t address, uint16_t length) { pieces.push_back({address, length}); });
    if (result != err::noErr) return result;
    if (total == 0) return err::invalidLength;
    return pieces;
}

}  // namespace

// State matrix (mactcp-reference 7.10): no connection -> connectionDoesntExist; while opening
// -> connectionDoesntExist (CHOICE: "likely" per the reference; there is nothing to send on);
// after our TCPClose -> connectionClosing; Established and Close Wait -> sent.
//
// CHOICE (mactcp-reference 7.5 says "sent and acknowledged"): a send completes when the host
// socket has taken all its bytes. From then on the host kernel guarantees delivery exactly as
// MacTCP would after the ACK; waiting for the ACK would cost a poll of SIOCOUTQ per send and a
// round trip of latency for every chunk. Clients that wait for the peer (NCSA close path) poll
// TCPStatus.amtUnackedData, which reports SIOCOUTQ, i.e. really unacknowledged bytes.
Outcome TcpService::send(Call &call, TcpStream &stream) {
    const ParamBlock &pb = call.pb;
    // After a graceful end our own TCPClose is still in effect: connectionClosing, as for
    // receives (tcp_receive.cpp), until the stream opens again.
    if (!stream.connected()) return stream.ended_gracefully ? err::connectionClosing : err::connectionDoesntExist;
    if (stream.close_issued) return err::connectionClosing;
    auto wds = read_wds(core_->memory(), pb.get(L::send::wdsPtr));
    if (auto *error = std::get_if<int16_t>(&wds)) return *error;
    auto &pieces = std::get<std::vector<RingPiece>>(wds);

    if (pb.get(L::send::validityFlags) & 0xC0) {
        const auto ulp = ulp_settings(pb, L::send::ulpTimeoutValue, L::send::ulpTimeoutAction, L::send::validityFlags);
        stream.ulp_timeout_seconds = ulp.seconds;
        stream.ulp_timeout_abort = ulp.abort;
    }
    PendingSend send;
    send.id = core_->begin_pending(call);
    for (const RingPiece &piece : pieces) send.total += piece.length;
    send.pieces = std::move(pieces);
    // Push: every byte is pushed (TCP_NODELAY); a host socket cannot withhold it. Urgent: all of
    // this call's data goes with MSG_OOB, which puts the urgent pointer at its last byte (BSD's
    // RFC 1122 reading; MacTCP 2.0's value 2 = RFC 793 cannot be expressed on a host socket).
    send.urgent = pb.get(L::send::urgentFlag) != 0;
    stream.sends.push_back(std::move(send));
    Outbox out;
    pump(stream, out);
    return kPending;
}

// Several sends may be in flight on one stream: they go out and complete strictly in order.
// Queued sends are gathered into one sendmsg (up to IOV_MAX pieces), each completing once the
// socket has taken its last byte; an urgent send goes alone (MSG_OOB marks the last byte of the
// whole call). Each send keeps a cursor, so gathering is linear in its WDS entries however
// often the socket fills up. A syscall only while the socket is recorded writable.
void TcpService::push_sends(TcpStream &stream, Outbox &out) {
    net::HostIo &io = core_->io();
    bool progress = false;
    int round = 0;
    for (; round < kMaxSendsPerPump && stream.connected(); ++round) {
        while (!stream.sends.empty() && !core_->is_pending(stream.sends.front().id))
            stream.sends.pop_front();  // KillIO ended it: the rest of its data is dropped
        if (stream.sends.empty()) break;
        if (!(io.readiness(stream.socket) & (net::ready::writable | net::ready::error))) break;

        std::size_t count = 0;
        bool urgent = false, memory_ok = true;
        for (auto it = stream.sends.begin(); it != stream.sends.end() && count < kMaxParts; ++it) {
            if (!core_->is_pending(it->id)) break;  // reached the head later, it is dropped
            if (it->urgent) {
                if (it != stream.sends.begin()) break;
                urgent = true;
            }
            uint32_t offset = it->piece_offset;
            for (std::size_t piece = it->next_piece; piece < it->pieces.size() && count < kMaxParts; ++piece, offset = 0) {
                auto bytes = core_->memory().bytes(it->pieces[piece].address + offset, it->pieces[piece].length - offset);
                if (!bytes) {
                    memory_ok = it != stream.sends.begin() || count > 0;
                    break;
                }
                gather_[count++] = {const_cast<uint8_t *>(bytes->data()), bytes->size()};  // sendmsg only reads
            }
            if (!memory_ok || urgent) break;
        }
        if (!memory_ok) {  // guest RAM changed under a pending send
            complete_later(stream.sends.front().id, err::invalidWDS, out);
            stream.sends.pop_front();
            continue;
        }
        if (count == 0) break;
        const net::IoResult sent = io.send(stream.socket, std::span<const iovec>(gather_.data(), count), urgent);
        if (sent.would_block()) break;
        if (!sent.ok() || sent.bytes == 0) {
            // The peer reset the connection (EPIPE, ECONNRESET) or the host gave up on it.
            const int16_t result = mactcp_result_for_errno(sent.ok() ? EPIPE : sent.error, HostOperation::send, core_->log());
            terminate(stream, termin_reason::remoteAbort, result, out);
            return;
        }
        if (core_->trace().enabled()) core_->trace().data("to_host", stream.stream_ptr, static_cast<uint32_t>(sent.bytes));
        progress = true;
        stream.bytes_sent += static_cast<uint64_t>(sent.bytes);
        totals_.bytes_out += static_cast<uint64_t>(sent.bytes);
        advance_sends(stream, static_cast<uint64_t>(sent.bytes), out);
    }
    if (round == kMaxSendsPerPump && !stream.sends.empty()) resume_soon(stream);
    // Progress restarts the ULP timer (it measures how long data stays unsendable).
    if (progress && stream.ulp_timer) {
        core_->cancel_timer(*stream.ulp_timer);
        stream.ulp_timer.reset();
    }
}

// The socket took `taken` bytes from the front of the queue: moves the cursors on and completes
// every send whose last byte went.
void TcpService::advance_sends(TcpStream &stream, uint64_t taken, Outbox &out) {
    while (taken > 0 && !stream.sends.empty()) {
        PendingSend &send = stream.sends.front();
        const uint32_t take = static_cast<uint32_t>(std::min<uint64_t>(taken, send.total - send.sent));
        send.sent += take;
        taken -= take;
        uint32_t left = take;
        while (left > 0 && send.next_piece < send.pieces.size()) {
            const uint32_t rest = send.pieces[send.next_piece].length - send.piece_offset;
            if (left < rest) {
                send.piece_offset += left;
                left = 0;
            } else {
                left -= rest;
                ++send.next_piece;
                send.piece_offset = 0;
            }
        }
        if (send.sent < send.total) break;
        ++stream.sends_done;
        complete_transfer_later(stream, send.id, out);
        stream.sends.pop_front();
    }
}

}  // namespace mtb
