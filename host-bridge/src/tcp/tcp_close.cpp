// TCPClose, TCPAbort, the end of connections (graceful, reset, abort, ULP timeout) and the
// ULP timer.
// SPDX-License-Identifier: GPL-2.0-or-later
#include <chrono>

#include "driver/mactcp_codes.h"
#include "guest/pb_layout.h"
#include "dnr/ipv6_mapping_pool.h"
#include "tcp/tcp_service.h"
#include "tcp/ulp_settings.h"

namespace mtb {

namespace L = layout::tcp;

// Half-close: "no more data from me" (mactcp-reference 7.7). State matrix: no connection ->
// connectionDoesntExist; while opening -> connectionDoesntExist (CHOICE, unconfirmed in the
// reference: there is no connection to half-close yet; clients cancel opens with TCPAbort);
// second TCPClose -> connectionClosing; Established and Close Wait -> the FIN goes out after
// every pending send.
//
// CHOICE (the reference says "completes when the FIN is acknowledged"): like TCPSend, TCPClose
// completes when the host socket has taken the FIN (shutdown(SHUT_WR) after the last pending
// send went out). amtUnackedData keeps reporting what the peer has not acknowledged.
Outcome TcpService::close(Call &call, TcpStream &stream) {
    const ParamBlock &pb = call.pb;
    if (!stream.connected()) return stream.ended_gracefully ? err::connectionClosing : err::connectionDoesntExist;
    if (stream.close_issued) return err::connectionClosing;
    if (pb.get(L::close::validityFlags) & 0xC0) {
        const auto ulp = ulp_settings(pb, L::close::ulpTimeoutValue, L::close::ulpTimeoutAction, L::close::validityFlags);
        stream.ulp_timeout_seconds = ulp.seconds;
        stream.ulp_timeout_abort = ulp.abort;
    }
    stream.close_issued = true;
    stream.close_request = core_->begin_pending(call);
    Outbox out;
    pump(stream, out);
    return kPending;
}

// Abort: immediate reset (linger 0), unread data dropped, TCPTerminate reason 6, every pending
// request completes with connectionTerminated (mactcp-reference 7.7, "presumed"). On a pending
// open (Listen/SYN sent) it cancels the open, which completes with connectionTerminated (7.4's
// suggestion); no TCPTerminate then, as no connection came up.
Outcome TcpService::abort(Call &, TcpStream &stream) {
    if (!stream.connected() && !stream.opening()) return err::connectionDoesntExist;
    Outbox out;
    terminate(stream, termin_reason::ulpAbort, err::connectionTerminated, out);
    return err::noErr;
}

void TcpService::finish_close(TcpStream &stream, Outbox &out) {
    if (stream.close_issued && !stream.fin_sent && stream.sends.empty()) {
        core_->io().shutdown_send(stream.socket);
        stream.fin_sent = true;
        if (stream.close_request) {
            complete_later(*stream.close_request, err::noErr, out);
            stream.close_request.reset();
        }
    }
    // Both directions done and every byte delivered: the graceful end, reason 7.
    if (stream.fin_sent && stream.peer_fin && stream.ring.unread() == 0)
        terminate(stream, termin_reason::ulpClose, err::connectionClosing, out, true);
}

void TcpService::terminate(TcpStream &stream, uint16_t reason, int16_t pending_result, Outbox &out, bool graceful) {
    const bool had_connection = stream.established;
    // The open gets `pending_result` (openFailed, commandTimeout, connectionTerminated); the
    // other requests connectionTerminated, or connectionClosing at a graceful end.
    const int16_t others = graceful ? err::connectionClosing : err::connectionTerminated;
    if (stream.open_request) complete_later(*stream.open_request, pending_result, out);
    if (stream.listen_port != 0) listeners_.leave(stream.listen_port, {stream.stream_ptr, stream.connection});
    for (const PendingSend &send : stream.sends) complete_later(send.id, others, out);
    for (const PendingReceive &receive : stream.receives) complete_later(receive.id, others, out);
    for (const RequestId id : stream.deferred)
        if (core_->is_deferred(id)) complete_later(id, others, out);
    if (stream.close_request) complete_later(*stream.close_request, others, out);
    if (stream.ulp_timer) core_->cancel_timer(*stream.ulp_timer);
    close_socket(stream, graceful);
    stream.ring.discard_unread();

    // Back to "no connection"; the same stream may open again (mactcp-reference 7.1). A new
    // connection number makes every event still on its way for the old one stale.
    stream.connection = next_connection_++;
    stream.open_request.reset();
    stream.close_request.reset();
    stream.ulp_timer.reset();
    stream.sends.clear();
    stream.receives.clear();
    stream.deferred.clear();
    stream.established = stream.passive = false;
    stream.listen_port = 0;
    stream.close_issued = stream.fin_sent = stream.peer_fin = stream.closing_reported = false;
    stream.peer_closed_first = false;
    stream.urgent_begin.reset();
    stream.urgent_end.reset();
    stream.urgent_announced = false;
    stream.resume_scheduled = false;
    stream.data_arrival_armed = true;
    stream.ended_gracefully = graceful;

    if (had_connection) {
        if (graceful)
            ++totals_.closed;
        else
            ++totals_.aborted;
        // Exactly one TCPTerminate per connection that came up.
        queue_asr(stream, tcp_event::terminate, reason, out);
    }
}

// Closed at once (the host layer owns the socket); events still queued for it are dropped, as
// the socket no longer routes to this stream.
void TcpService::close_socket(TcpStream &stream, bool graceful) {
    stream.attached = false;
    if (stream.ipv6_stand_in != 0) {
        if (ipv6_pool_ != nullptr) ipv6_pool_->release(stream.ipv6_stand_in);
        stream.ipv6_stand_in = 0;
    }
    if (stream.socket == net::kNoSocket) return;
    core_->router().forget(stream.socket);
    by_socket_.erase(stream.socket);
    core_->io().close(stream.socket, !graceful);
    stream.socket = net::kNoSocket;
}

// The ULP timer runs while data waits to be sent (mactcp-reference 7.3). Expiry with action
// abort: the connection ends with reason 5; with report: TCPULPTimeout and the timer restarts.
void TcpService::update_ulp_timer(TcpStream &stream) {
    const bool wanted = !stream.sends.empty();
    if (wanted && !stream.ulp_timer) {
        const uint32_t stream_ptr = stream.stream_ptr;
        const uint64_t connection = stream.connection;
        stream.ulp_timer = core_->schedule(std::chrono::seconds(stream.ulp_timeout_seconds),
                                           [this, stream_ptr, connection] { on_ulp_timeout(stream_ptr, connection); });
    } else if (!wanted && stream.ulp_timer) {
        core_->cancel_timer(*stream.ulp_timer);
        stream.ulp_timer.reset();
    }
}

void TcpService::on_ulp_timeout(uint32_t stream_ptr, uint64_t connection) {
    TcpStream *stream = find(stream_ptr, connection);
    if (stream == nullptr) return;
    stream->ulp_timer.reset();
    Outbox out;
    if (stream->ulp_timeout_abort) {
        terminate(*stream, termin_reason::ulpTimeoutTerminate, err::connectionTerminated, out);
        return;
    }
    queue_asr(*stream, tcp_event::ulpTimeout, 0, out);
    update_ulp_timer(*stream);
}

}  // namespace mtb
