// The data path driver of one stream, readiness waits on the network thread, ASR delivery.
// SPDX-License-Identifier: GPL-2.0-or-later
#include <poll.h>

#include "driver/mactcp_codes.h"
#include "guest/pb_layout.h"
#include "tcp/tcp_service.h"

#include "driver/scratch_layout.h"

namespace mtb {

namespace {
constexpr uint32_t kIcmpReportOffset = scratch::icmpReport;
}  // namespace

void TcpService::pump(uint32_t stream_ptr, uint64_t connection) {
    TcpStream *stream = find(stream_ptr, connection);
    if (stream == nullptr) return;
    Outbox out;
    pump(*stream, out);
}

// Order matters: sends first (they may find the connection reset), then the receive side
// (which may see the peer's FIN), then our own FIN once every send is out, then whatever waits
// are needed. Every step leaves the stream consistent; guest-visible effects go to `out`.
void TcpService::pump(TcpStream &stream, Outbox &out) {
    if (!stream.connected()) return;
    push_sends(stream, out);
    if (!stream.connected()) return;
    pull(stream, out);
    if (!stream.connected()) return;
    finish_close(stream, out);
    if (!stream.connected()) return;
    update_ulp_timer(stream);
}

void TcpService::wait_readable(TcpStream &stream) { wait_ready(stream, false); }
void TcpService::wait_writable(TcpStream &stream) { wait_ready(stream, true); }

// The network thread only waits. poll() with a zero timeout first: asio's epoll reactor is
// edge-triggered, so readiness that arrived before the wait was registered would otherwise be
// missed. Both run on the network thread, which is also the only thread reading epoll, so an
// edge after the poll is reported to the registered wait.
void TcpService::wait_ready(TcpStream &stream, bool for_write) {
    bool &waiting = for_write ? stream.write_wait : stream.read_wait;
    if (waiting || !stream.socket) return;
    waiting = true;
    const uint32_t stream_ptr = stream.stream_ptr;
    const uint64_t connection = stream.connection;
    auto ready = [this, stream_ptr, connection, for_write] {
        core_->post_event([this, stream_ptr, connection, for_write] {
            TcpStream *s = find(stream_ptr, connection);
            if (s == nullptr) return;
            (for_write ? s->write_wait : s->read_wait) = false;
            pump(stream_ptr, connection);
        });
    };
    core_->net().post([socket = stream.socket, ready, for_write] {
        if (!socket->socket.is_open()) return;
        pollfd p{socket->fd, static_cast<short>(for_write ? POLLOUT : (POLLIN | POLLPRI)), 0};
        if (::poll(&p, 1, 0) > 0) {
            ready();
            return;
        }
        const auto direction = for_write ? boost::asio::socket_base::wait_write : boost::asio::socket_base::wait_read;
        socket->socket.async_wait(direction, [ready](const boost::system::error_code &ec) {
            if (ec != boost::asio::error::operation_aborted) ready();
        });
    });
}

// ASRs always get a non-NIL icmpMsg (client-call-sequences 5.8: one client dereferences it for
// every event): for non-ICMP events a zeroed 24-byte report in the driver's scratch RAM.
// terminReason is 0 for events other than TCPTerminate (mactcp-reference 5.1).
void TcpService::queue_asr(const TcpStream &stream, uint16_t event, uint16_t reason, Outbox &out) {
    if (stream.notify_proc == 0) return;
    out.add([this, routine = stream.notify_proc, stream_ptr = stream.stream_ptr, user_data = stream.user_data,
             a5 = stream.a5, event, reason] {
        core_->deliver([this, routine, stream_ptr, user_data, a5, event, reason] {
            GuestCallbacks &callbacks = core_->callbacks();
            if (!callbacks.has_driver()) return;
            const uint32_t report = callbacks.scratch() + kIcmpReportOffset;
            core_->memory().fill(report, 0, layout::icmp_report::size);
            callbacks.tcp_asr(core_->memory(), routine, stream_ptr, event, user_data, reason, report, a5);
        });
    });
}

void TcpService::complete_later(RequestId id, int16_t result, Outbox &out,
                                std::function<void(const ParamBlock &)> outputs) {
    out.add([this, id, result, outputs = std::move(outputs)] { core_->complete(id, result, outputs); });
}

}  // namespace mtb
