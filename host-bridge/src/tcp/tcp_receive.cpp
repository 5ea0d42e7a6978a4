// TCPRcv, TCPNoCopyRcv, TCPRcvBfrReturn and the receive path: socket -> guest RAM with one copy
// (recv() straight into a large TCPRcv's buffer when nothing is buffered, else into the stream's
// receive buffer, which reads ahead for small receives and which TCPNoCopyRcv lends out), never
// more than the buffer has room for.
// SPDX-License-Identifier: GPL-2.0-or-later
#include <algorithm>
#include <cerrno>
#include <cstring>

#include "driver/mactcp_codes.h"
#include "guest/pb_layout.h"
#include "net/host_errors.h"
#include "tcp/tcp_service.h"
#include "tcp/ulp_settings.h"

namespace mtb {

namespace L = layout::tcp;
namespace E = layout::data_entry;

namespace {
// Socket reads per pump: bounds the time one busy stream holds the emulation thread.
constexpr int kMaxReadsPerPump = 64;
constexpr uint32_t kMaxRdsPiece = 65535;  // rdsEntry.length is 16 bits

void write_flags(const ParamBlock &pb, bool urgent, bool mark) {
    // mactcp-reference 3.2.1 (unconfirmed positions): byte 33 = mark, 34 = urgent (UI headers),
    // 35 = mark too. Exact for UI-built apps and the Guide-89 tables, harmless to filler bytes.
    pb.set(L::receive::markFlag, mark ? 1 : 0);
    pb.set(L::receive::urgentFlag, urgent ? 1 : 0);
    pb.set(L::receive::markFlagOldHeaders, mark ? 1 : 0);
}
}  // namespace

// State matrix (mactcp-reference 7.10): no connection -> connectionDoesntExist. While opening
// (Listen/SYN) the receive waits until the connection is up (CHOICE: the reference calls this
// plausible; it lets a server queue its first TCPRcv right behind TCPPassiveOpen). After the
// peer's FIN with every byte delivered -> connectionClosing. After our own TCPClose receives
// stay legal (half-close).
Outcome TcpService::receive(Call &call, TcpStream &stream, bool no_copy) {
    const ParamBlock &pb = call.pb;
    // CHOICE: after a graceful end (both FINs, reason 7) receives keep answering
    // connectionClosing rather than connectionDoesntExist until the stream opens again: the
    // peer's FIN may arrive and finish the connection while no receive is pending, and clients
    // drain "until connectionClosing" after their TCPClose (NCSA library, mactcp-reference 7.6).
    if (!stream.connected() && !stream.opening())
        return stream.ended_gracefully ? err::connectionClosing : err::connectionDoesntExist;
    PendingReceive receive;
    receive.no_copy = no_copy;
    if (no_copy) {
        receive.rds = pb.get(L::receive::rdsPtr);
        receive.rds_entries = pb.get(L::receive::rdsLength);
        if (receive.rds_entries == 0) return err::invalidLength;
        if (receive.rds == 0) return err::invalidBufPtr;
        // Room for rdsLength entries plus the terminating zero word (mactcp-reference 4).
        if (!core_->memory().contains(receive.rds, uint32_t{receive.rds_entries} * E::size + 2)) return err::invalidBufPtr;
    } else {
        receive.buffer = pb.get(L::receive::rcvBuff);
        receive.length = pb.get(L::receive::rcvBuffLen);
        if (receive.length == 0) return err::invalidLength;
        if (receive.buffer == 0 || !core_->memory().contains(receive.buffer, receive.length)) return err::invalidBufPtr;
    }
    if (stream.connected() && stream.peer_fin && stream.ring.unread() == 0) return err::connectionClosing;

    receive.id = core_->begin_pending(call);
    if (const auto timeout = command_timeout(pb.get(L::receive::commandTimeoutValue))) {
        const uint32_t stream_ptr = stream.stream_ptr;
        core_->set_request_timeout(receive.id, *timeout, [this, stream_ptr, id = receive.id] {
            // No data within the command timeout (data would have completed it at once).
            if (TcpStream *s = find(stream_ptr)) s->data_arrival_armed = true;  // a receive completed
            core_->complete(id, err::commandTimeout);
        });
    }
    stream.receives.push_back(receive);
    Outbox out;
    pump(stream, out);
    return kPending;
}

// TCPRcvBfrReturn: the identical RDS a TCPNoCopyRcv filled. Pieces never lent, returned twice or
// altered -> invalidRDS, touching nothing. Pieces that were lent are taken back with noErr even
// when the connection has ended meanwhile: the app cannot order its BfrReturn before a peer's
// FIN, and clients treat an error here as a failed read (MacPython raises from Rcv; the NCSA
// close drain gives up). The Guide's connectionDoesntExist for a stream without a connection
// still answers an RDS that names no loan (invalidRDS comes first, as it touches nothing).
Outcome TcpService::buffer_return(Call &call, TcpStream &stream) {
    const uint32_t rds = call.pb.get(L::receive::rdsPtr);
    if (rds == 0) return err::invalidRDS;
    std::vector<RingPiece> pieces;
    for (uint64_t entry = rds;; entry += E::size) {
        if (entry > UINT32_MAX || pieces.size() > stream.ring.capacity()) return err::invalidRDS;
        const auto length = core_->memory().read16(static_cast<uint32_t>(entry));
        if (!length) return err::invalidRDS;
        if (*length == 0) break;
        const auto ptr = core_->memory().read32(static_cast<uint32_t>(entry) + E::ptr.offset);
        if (!ptr) return err::invalidRDS;
        pieces.push_back({*ptr, *length});
    }
    if (!stream.ring.give_back(rds, pieces)) return err::invalidRDS;
    if (!stream.connected()) return err::noErr;
    Outbox out;
    pump(stream, out);  // room again: take more from the socket
    return err::noErr;
}

// One copy: with nothing buffered, a TCPRcv at the head of the queue at least as large as the
// window (the buffer's free space) reads the socket straight into the caller's buffer, bounded
// by the window. Smaller receives go through the ring, which reads ahead up to the window, so
// that the next small receives are served from memory without a syscall.
bool TcpService::try_direct_receive(TcpStream &stream, Outbox &out) {
    if (stream.ring.unread() != 0 || stream.receives.empty() || stream.urgent_end) return false;
    const PendingReceive &receive = stream.receives.front();
    if (receive.no_copy || !core_->is_pending(receive.id) || !core_->completion_allowed()) return false;
    const uint32_t window = stream.ring.free_space();
    if (window == 0 || receive.length < window) return false;
    net::HostIo &io = core_->io();
    if ((io.readiness(stream.socket) & net::ready::urgent) && io.at_mark(stream.socket)) return false;  // through the ring
    auto bytes = core_->memory().writable(receive.buffer, window);
    if (!bytes) return false;
    const net::IoResult got = io.receive(stream.socket, std::span<uint8_t>(bytes->data(), bytes->size()));
    bytes->commit(got.ok() ? static_cast<uint32_t>(got.bytes) : 0);
    if (got.would_block()) return false;
    if (!got.ok()) {
        receive_failed(stream, got.error, out);
        return true;
    }
    if (got.bytes == 0) {
        end_of_stream(stream);
        return true;
    }
    const auto n = static_cast<uint32_t>(got.bytes);
    if (core_->trace().enabled()) core_->trace().data("to_guest", stream.stream_ptr, n);
    stream.bytes_received += n;
    totals_.bytes_in += n;
    ++stream.receives_done;
    stream.data_arrival_armed = true;
    complete_transfer_later(stream, receive.id, out, [n](const ParamBlock &pb) {
        pb.set(L::receive::rcvBuffLen, static_cast<uint16_t>(n));
        write_flags(pb, false, false);
    });
    stream.receives.pop_front();
    return true;
}

void TcpService::end_of_stream(TcpStream &stream) {
    stream.peer_fin = true;
    if (!stream.fin_sent) stream.peer_closed_first = true;
}

// ECONNRESET and friends: the peer reset the connection (TCPTerminate reason 2). A socket
// error is reported once only, so it is handled where it is seen.
void TcpService::receive_failed(TcpStream &stream, int error, Outbox &out) {
    const int16_t result = mactcp_result_for_errno(error, HostOperation::receive, core_->log());
    terminate(stream, termin_reason::remoteAbort, result, out);
}

// Reads only while the socket's recorded readiness says there is something to read.
void TcpService::pull(TcpStream &stream, Outbox &out) {
    net::HostIo &io = core_->io();
    constexpr uint8_t kReadable = net::ready::readable | net::ready::error;
    int round = 0;
    for (; round < kMaxReadsPerPump; ++round) {
        serve_receives(stream, out);
        if (!stream.connected() || stream.peer_fin) break;
        if (!(io.readiness(stream.socket) & kReadable)) break;
        if (try_direct_receive(stream, out)) continue;
        if (!stream.connected()) return;
        const uint8_t flags = io.readiness(stream.socket);
        if (!(flags & kReadable)) break;
        if (stream.ring.free_space() == 0) break;  // window closed: resumes when the app reads
        // SO_OOBINLINE: recv() stops in front of the urgent byte; at the mark it is read alone,
        // so its stream offset is known exactly.
        const bool at_mark = (flags & net::ready::urgent) && io.at_mark(stream.socket);
        const RingPiece piece = stream.ring.writable(at_mark ? 1 : UINT32_MAX);
        auto bytes = core_->memory().writable(piece.address, piece.length);
        if (!bytes) break;
        const net::IoResult got = io.receive(stream.socket, std::span<uint8_t>(bytes->data(), bytes->size()));
        bytes->commit(got.ok() ? static_cast<uint32_t>(got.bytes) : 0);
        if (got.would_block()) break;
        if (!got.ok()) {
            receive_failed(stream, got.error, out);
            return;
        }
        if (got.bytes == 0) {
            end_of_stream(stream);
            break;
        }
        const auto n = static_cast<uint32_t>(got.bytes);
        if (core_->trace().enabled()) core_->trace().data("to_guest", stream.stream_ptr, n);
        if (at_mark) {
            // Urgent data is everything unread up to and including the mark byte (a host
            // socket only marks the last urgent byte).
            if (!stream.urgent_end) {
                stream.urgent_begin = stream.ring.read_offset();
                stream.urgent_announced = false;
            }
            stream.urgent_end = stream.ring.write_offset() + n;
        }
        stream.ring.commit_write(n);
        stream.bytes_received += n;
        totals_.bytes_in += n;
    }
    if (!stream.connected()) return;
    serve_receives(stream, out);
    if (round == kMaxReadsPerPump && !stream.peer_fin) resume_soon(stream);

    // Notifications for data nobody asked for yet.
    const bool receive_pending = !stream.receives.empty();
    if (!receive_pending && stream.urgent_end && !stream.urgent_announced) {
        stream.urgent_announced = true;
        queue_asr(stream, tcp_event::urgent, 0, out);
    }
    if (!receive_pending && stream.ring.unread() > 0 && stream.data_arrival_armed) {
        stream.data_arrival_armed = false;  // edge-triggered: again after a receive completes
        queue_asr(stream, tcp_event::dataArrival, 0, out);
    }
    // TCPClosing: the peer is done AND all its data has been delivered (mactcp-reference 5.4).
    if (stream.peer_fin && stream.ring.unread() == 0 && !stream.closing_reported) {
        stream.closing_reported = true;
        queue_asr(stream, tcp_event::closing, 0, out);
    }
}

// Hands buffered data to the receives at the head of the queue, in order. Urgent data is never
// delivered together with normal data (mactcp-reference 7.6): a delivery stops at either edge of
// the urgent range; the first urgent delivery carries urgentFlag (unless TCPUrgent announced
// it), the one ending with the mark byte carries markFlag.
void TcpService::serve_receives(TcpStream &stream, Outbox &out) {
    while (!stream.receives.empty()) {
        const PendingReceive receive = stream.receives.front();
        if (!core_->is_pending(receive.id)) {  // timed out or killed
            stream.receives.pop_front();
            continue;
        }
        if (!core_->completion_allowed()) {  // this drain is spent: the receive waits for the next
            resume_next_drain(stream);
            break;
        }
        const uint32_t unread = stream.ring.unread();
        if (unread == 0) {
            if (!stream.peer_fin) break;
            complete_later(receive.id, err::connectionClosing, out);
            stream.receives.pop_front();
            continue;
        }
        uint32_t limit = unread;
        bool urgent = false;
        const uint64_t read = stream.ring.read_offset();
        if (stream.urgent_end) {
            if (*stream.urgent_begin > read) {
                limit = static_cast<uint32_t>(std::min<uint64_t>(limit, *stream.urgent_begin - read));
            } else {
                urgent = true;
                limit = static_cast<uint32_t>(std::min<uint64_t>(limit, *stream.urgent_end - read));
            }
        }
        uint32_t delivered = 0;
        if (receive.no_copy) {
            std::vector<RingPiece> pieces;
            for (RingPiece piece : stream.ring.readable(limit)) {
                while (piece.length > 0 && pieces.size() < receive.rds_entries) {
                    const uint32_t length = std::min(piece.length, kMaxRdsPiece);
                    pieces.push_back({piece.address, length});
                    piece.address += length;
                    piece.length -= length;
                }
            }
            // rdsLength entries at most, then the zero length word right after the last used.
            GuestMemory &memory = core_->memory();
            for (std::size_t i = 0; i < pieces.size(); ++i) {
                const uint32_t entry = receive.rds + static_cast<uint32_t>(i) * E::size;
                memory.write16(entry, static_cast<uint16_t>(pieces[i].length));
                memory.write32(entry + E::ptr.offset, pieces[i].address);
                delivered += pieces[i].length;
            }
            memory.write16(receive.rds + static_cast<uint32_t>(pieces.size()) * E::size, 0);
            stream.ring.lend(delivered, receive.rds, std::move(pieces));
        } else {
            limit = std::min<uint32_t>(limit, receive.length);
            for (const RingPiece &piece : stream.ring.readable(limit)) {
                auto from = core_->memory().bytes(piece.address, piece.length);
                if (!from || !core_->memory().write(receive.buffer + delivered, from->data(), piece.length)) break;
                delivered += piece.length;
            }
            stream.ring.consume(delivered);
        }
        bool urgent_flag = false, mark_flag = false;
        if (urgent) {
            urgent_flag = !stream.urgent_announced;
            stream.urgent_announced = true;
            if (stream.ring.read_offset() >= *stream.urgent_end) {
                mark_flag = true;
                stream.urgent_begin.reset();
                stream.urgent_end.reset();
            }
        }
        ++stream.receives_done;
        stream.data_arrival_armed = true;
        complete_transfer_later(stream, receive.id, out, [no_copy = receive.no_copy, delivered, urgent_flag, mark_flag](const ParamBlock &pb) {
            if (!no_copy) pb.set(L::receive::rcvBuffLen, static_cast<uint16_t>(delivered));
            write_flags(pb, urgent_flag, mark_flag);
        });
        stream.receives.pop_front();
    }
}

}  // namespace mtb
