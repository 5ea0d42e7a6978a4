// Host events of TCP connections, the data path driver of one stream, ASR delivery.
// SPDX-License-Identifier: GPL-2.0-or-later
#include "driver/mactcp_codes.h"
#include "guest/pb_layout.h"
#include "net/host_errors.h"
#include "tcp/tcp_service.h"

#include "driver/scratch_layout.h"

namespace mtb {

namespace {
constexpr uint32_t kIcmpReportOffset = scratch::icmpReport;
}  // namespace

void TcpService::on_socket_event(const net::Event &event) {
    const auto owner = by_socket_.find(event.socket);
    if (owner == by_socket_.end()) return;
    TcpStream *stream = find(owner->second);
    if (stream == nullptr || stream->socket != event.socket) return;
    if (event.kind == net::Event::Kind::connected) {
        // Errors are mapped (and unknown ones logged) here, on the emulation thread.
        const int16_t result = mactcp_result_for_errno(event.error, HostOperation::connect, core_->log());
        on_connected(stream->stream_ptr, stream->connection, result);
        return;
    }
    Outbox out;
    pump(*stream, out);
}

// Order matters: sends first (they may find the connection reset), then the receive side
// (which may see the peer's FIN), then our own FIN once every send is out, then the ULP timer.
// Every step leaves the stream consistent; guest-visible effects go to `out`.
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

// Receives held back because the drain that found their data had spent its budget.
void TcpService::resume_next_drain(TcpStream &stream) {
    if (stream.resume_scheduled) return;
    stream.resume_scheduled = true;
    core_->at_next_drain([this, stream_ptr = stream.stream_ptr, connection = stream.connection] {
        TcpStream *s = find(stream_ptr, connection);
        if (s == nullptr) return;
        s->resume_scheduled = false;
        Outbox out;
        pump(*s, out);
    });
}

// A pump stopped at its bound while the socket can still give or take more: no new readiness
// event will come for what is already recorded, so the rest runs at the next interrupt.
void TcpService::resume_soon(TcpStream &stream) {
    if (stream.resume_scheduled) return;
    stream.resume_scheduled = true;
    core_->schedule(std::chrono::microseconds(0), [this, stream_ptr = stream.stream_ptr, connection = stream.connection] {
        TcpStream *s = find(stream_ptr, connection);
        if (s == nullptr) return;
        s->resume_scheduled = false;
        Outbox out;
        pump(*s, out);
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

void TcpService::complete_transfer_later(const TcpStream &stream, RequestId id, Outbox &out,
                                         std::function<void(const ParamBlock &)> outputs) {
    out.add([this, stream_ptr = stream.stream_ptr, connection = stream.connection, id, outputs = std::move(outputs)] {
        core_->complete(id, err::noErr, outputs);
        if (!core_->is_deferred(id)) return;
        if (TcpStream *s = find(stream_ptr, connection)) {
            std::erase_if(s->deferred, [this](RequestId done) { return !core_->is_deferred(done); });
            s->deferred.push_back(id);
        }
    });
}

}  // namespace mtb
