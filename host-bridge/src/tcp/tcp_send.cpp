// TCPSend: WDS validation and the send path, guest RAM -> socket with one copy (sendmsg with an
// iovec over the WDS buffers, non-blocking, on the emulation thread).
// SPDX-License-Identifier: GPL-2.0-or-later
#include <sys/socket.h>
#include <sys/uio.h>

#include <cerrno>
#include <climits>
#include <variant>

#include "driver/mactcp_codes.h"
#include "guest/pb_layout.h"
#include "tcp/host_errors.h"
#include "tcp/tcp_service.h"
#include "tcp/ulp_settings.h"

namespace mtb {

namespace L = layout::tcp;
namespace E = layout::data_entry;

namespace {

constexpr uint32_t kMaxSendTotal = 65535;  // mactcp-reference 4

// Walks the WDS: entries until a zero length, each entry and each buffer inside RAM. Any
// number of entries; since every entry adds at least one byte, the walk ends after at most
// 65,536 entries (a longer list is invalidLength).
std::variant<int16_t, std::vector<RingPiece>> read_wds(const GuestMemory &memory, uint32_t wds) {
    if (wds == 0) return err::invalidWDS;
    std::vector<RingPiece> pieces;
    uint32_t total = 0;
    for (uint64_t entry = wds;; entry += E::size) {
        if (entry > UINT32_MAX) return err::invalidWDS;
        const auto length = memory.read16(static_cast<uint32_t>(entry));
        if (!length) return err::invalidWDS;
        if (*length == 0) break;
        const auto ptr = memory.read32(static_cast<uint32_t>(entry) + E::ptr.offset);
        if (!ptr || !memory.contains(*ptr, *length)) return err::invalidWDS;
        total += *length;
        if (total > kMaxSendTotal) return err::invalidLength;
        pieces.push_back({*ptr, *length});
    }
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
void TcpService::push_sends(TcpStream &stream, Outbox &out) {
    bool progress = false;
    while (!stream.sends.empty() && stream.connected()) {
        PendingSend &send = stream.sends.front();
        if (!core_->is_pending(send.id)) {  // KillIO ended it: the rest of its data is dropped
            stream.sends.pop_front();
            continue;
        }
        iovec iov[64];
        int count = 0;
        uint32_t skip = send.sent;
        bool memory_ok = true;
        for (const RingPiece &piece : send.pieces) {
            if (skip >= piece.length) {
                skip -= piece.length;
                continue;
            }
            auto bytes = core_->memory().bytes(piece.address + skip, piece.length - skip);
            if (!bytes) {
                memory_ok = false;
                break;
            }
            iov[count++] = {const_cast<uint8_t *>(bytes->data()), bytes->size()};  // sendmsg only reads
            skip = 0;
            if (count == 64) break;
        }
        if (!memory_ok) {  // guest RAM changed under a pending send
            complete_later(send.id, err::invalidWDS, out);
            stream.sends.pop_front();
            continue;
        }
        msghdr message{};
        message.msg_iov = iov;
        message.msg_iovlen = static_cast<std::size_t>(count);
        const int flags = MSG_DONTWAIT | MSG_NOSIGNAL | (send.urgent ? MSG_OOB : 0);
        const ssize_t sent = ::sendmsg(stream.fd, &message, flags);
        if (sent > 0) {
            if (core_->trace().enabled()) core_->trace().data("to_host", stream.stream_ptr, static_cast<uint32_t>(sent));
            progress = true;
            send.sent += static_cast<uint32_t>(sent);
            stream.bytes_sent += static_cast<uint64_t>(sent);
            totals_.bytes_out += static_cast<uint64_t>(sent);
            if (send.sent >= send.total) {
                ++stream.sends_done;
                complete_later(send.id, err::noErr, out);
                stream.sends.pop_front();
            }
            continue;
        }
        if (sent < 0 && errno == EINTR) continue;
        if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            wait_writable(stream);
            break;
        }
        // The peer reset the connection (EPIPE, ECONNRESET) or the host gave up on it.
        const int error = sent < 0 ? errno : EPIPE;
        const int16_t result = mactcp_result_for(boost::system::error_code(error, boost::system::system_category()),
                                                 HostOperation::send, core_->log());
        terminate(stream, termin_reason::remoteAbort, result, out);
        return;
    }
    // Progress restarts the ULP timer (it measures how long data stays unsendable).
    if (progress && stream.ulp_timer) {
        core_->cancel_timer(*stream.ulp_timer);
        stream.ulp_timer.reset();
    }
}

}  // namespace mtb
