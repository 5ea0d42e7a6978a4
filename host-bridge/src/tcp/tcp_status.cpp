// TCPStatus, TCPGlobalInfo, TCPExtendedStat and the TCPConnectionStats block.
// SPDX-License-Identifier: GPL-2.0-or-later
#include <algorithm>

#include "driver/mactcp_codes.h"
#include "guest/pb_layout.h"
#include "tcp/tcp_service.h"

#include "driver/scratch_layout.h"

namespace mtb {

namespace L = layout::tcp;
namespace CS = layout::tcp_connection_stats;

namespace {
constexpr uint32_t kGlobalInfoOffset = scratch::tcpGlobalInfo;
constexpr uint16_t kHistogramBuckets[CS::histoBuckets] = {0, 64, 128, 256, 512, 1024, 1460};

uint16_t cap16(uint64_t value) { return static_cast<uint16_t>(std::min<uint64_t>(value, 65535)); }
}  // namespace

uint8_t connection_state(const TcpStream &s) {
    if (!s.connected()) {
        if (!s.open_request) return tcp_state::closed;
        return s.passive ? tcp_state::listen : tcp_state::synSent;
    }
    if (!s.fin_sent && !s.peer_fin) return s.close_issued ? tcp_state::finWait1 : tcp_state::established;
    if (s.fin_sent && !s.peer_fin) return tcp_state::finWait2;
    if (!s.fin_sent) return s.close_issued ? tcp_state::lastAck : tcp_state::closeWait;
    // Both FINs are through but the app has not read everything yet.
    return s.peer_closed_first ? tcp_state::lastAck : tcp_state::timeWait;
}

// With no connection the reference recommends connectionDoesntExist while still reporting
// state 0 with every other field zeroed (Tcl reads the state after teardown); a pending passive
// open reports noErr with state 2 (mactcp-reference 7.2).
//
// sendWindow - amtUnackedData is what can be sent now without blocking: amtUnackedData is the
// host's unacknowledged queue plus bytes of pending TCPSends not yet handed over; sendWindow
// adds the free room of the host send queue when no send is waiting (else 0 room). One
// TCP_INFO read serves the whole call (the send queue's size is read once per connection).
Outcome TcpService::status(Call &call, TcpStream &stream) {
    const ParamBlock &pb = call.pb;
    {
        Outbox out;
        pump(stream, out);  // what the socket recorded as ready since the last event (no syscall otherwise)
    }
    TcpStream *s = find(call.pb.get(L::stream));  // the pump's callbacks may have released it
    if (s == nullptr) return err::invalidStreamPtr;
    pb.memory().fill(pb.address() + L::status::ulpTimeoutValue.offset, 0,
                     L::status::userDataPtr.offset - L::status::ulpTimeoutValue.offset);
    const uint8_t state = connection_state(*s);
    pb.set(L::status::connectionState, state);
    if (state == tcp_state::closed) return err::connectionDoesntExist;

    uint64_t waiting = 0;
    for (const PendingSend &send : s->sends) waiting += send.total - send.sent;
    net::HostIo &io = core_->io();
    const net::TcpInfo info = s->connected() ? io.tcp_info(s->socket) : net::TcpInfo{};
    if (s->connected() && s->send_buffer == 0) s->send_buffer = io.send_buffer_size(s->socket);
    const uint32_t queued = info.unacked;
    const uint32_t room = s->sends.empty() && s->send_buffer > queued ? s->send_buffer - queued : 0;
    const uint16_t unacked = cap16(queued + waiting);

    pb.set(L::status::ulpTimeoutValue, s->ulp_timeout_seconds);
    pb.set(L::status::ulpTimeoutAction, s->ulp_timeout_abort ? 1 : 0);
    pb.set(L::status::remoteHost, s->remote_host);
    pb.set(L::status::remotePort, s->remote_port);
    pb.set(L::status::localHost, s->local_host);
    pb.set(L::status::localPort, s->local_port);
    pb.set(L::status::tosFlags, s->tos);
    pb.set(L::status::precedence, s->precedence);
    pb.set(L::status::sendWindow, cap16(uint64_t{unacked} + (s->connected() ? room : 0)));
    pb.set(L::status::rcvWindow, cap16(s->ring.free_space()));
    pb.set(L::status::amtUnackedData, unacked);
    pb.set(L::status::amtUnreadData, cap16(s->ring.unread()));
    pb.set(L::status::sendUnacked, static_cast<uint32_t>(s->bytes_sent - queued));
    pb.set(L::status::sendNext, static_cast<uint32_t>(s->bytes_sent));
    pb.set(L::status::congestionWindow, info.cwnd_bytes);
    pb.set(L::status::rcvNext, static_cast<uint32_t>(s->bytes_received));
    pb.set(L::status::srtt, info.rtt_ms);
    pb.set(L::status::lastRTT, info.rtt_ms);
    pb.set(L::status::sendMaxSegSize, info.mss);
    pb.set(L::status::connStatPtr, s->rcv_buff);
    write_connection_stats(*s, info);
    return err::noErr;
}

// TCPConnectionStats lives in the first bytes of the stream's own receive buffer (reserved at
// TCPCreate, never part of the ring), so its pointer stays valid until TCPRelease. The bucket
// count and values are set once; apps may modify the counters (mactcp-reference 3.2).
void TcpService::init_connection_stats(const TcpStream &stream) {
    GuestMemory &memory = core_->memory();
    memory.fill(stream.rcv_buff, 0, CS::size);
    memory.write16(stream.rcv_buff + CS::numHistoBuckets.offset, CS::histoBuckets);
    for (uint32_t i = 0; i < CS::histoBuckets; ++i)
        memory.write16(stream.rcv_buff + CS::sentSizeHisto + i * CS::histoEntrySize, kHistogramBuckets[i]);
}

void TcpService::write_connection_stats(const TcpStream &stream, const net::TcpInfo &info) {
    GuestMemory &memory = core_->memory();
    const uint32_t base = stream.rcv_buff;
    memory.write32(base + CS::dataPktsRcvd.offset, info.data_segs_in);
    memory.write32(base + CS::dataPktsSent.offset, info.data_segs_out);
    memory.write32(base + CS::dataPktsResent.offset, info.total_retrans);
    memory.write32(base + CS::bytesRcvd.offset, static_cast<uint32_t>(stream.bytes_received));
    memory.write32(base + CS::bytesSent.offset, static_cast<uint32_t>(stream.bytes_sent));
    memory.write16(base + CS::lastRTT.offset, cap16(info.rtt_ms));
    memory.write16(base + CS::tmrSRTT.offset, cap16(info.rtt_ms));
    memory.write16(base + CS::rttVariance.offset, cap16(info.rtt_var_ms));
    memory.write16(base + CS::tmrRTO.offset, cap16(info.rtt_ms + 4 * info.rtt_var_ms));
    memory.write8(base + CS::sendTries.offset, static_cast<uint8_t>(std::min<uint32_t>(info.retransmits, 255)));
}

// TCPParam and TCPStats live in the driver's scratch RAM (pointers stay valid). CHOICE: the CDB
// table is NIL with maxTCPConnections = 0 — the bridge has no fixed stream table (design.md 4)
// and no guest RAM of its own that could hold one of unbounded size; no known client reads it
// (MacPython compiles GlobalInfo out). tcpMaxConn reports 65535 for "no fixed limit".
Outcome TcpService::global_info(Call &call) {
    GuestCallbacks &callbacks = core_->callbacks();
    if (!callbacks.has_driver()) return err::notOpenErr;
    GuestMemory &memory = core_->memory();
    const uint32_t param = callbacks.scratch() + kGlobalInfoOffset;
    const uint32_t stats = param + layout::tcp_param::size;
    memory.write32(param + layout::tcp_param::tcpRtoA.offset, 0);
    memory.write32(param + layout::tcp_param::tcpRtoMin.offset, 200);
    memory.write32(param + layout::tcp_param::tcpRtoMax.offset, 120000);
    memory.write32(param + layout::tcp_param::tcpMaxSegSize.offset, network_->mtu > 40 ? network_->mtu - 40 : 536);
    memory.write32(param + layout::tcp_param::tcpMaxConn.offset, 65535);
    memory.write32(param + layout::tcp_param::tcpMaxWindow.offset, 65535);
    const uint32_t counters[layout::tcp_stats::counters] = {
        totals_.attempted, totals_.opened, totals_.accepted, totals_.closed, totals_.aborted,
        static_cast<uint32_t>(totals_.bytes_in), static_cast<uint32_t>(totals_.bytes_out), 0, 0, 0, 0, 0, 0};
    for (uint32_t i = 0; i < layout::tcp_stats::counters; ++i) memory.write32(stats + 4 * i, counters[i]);
    call.pb.set(L::global_info::tcpParamPtr, param);
    call.pb.set(L::global_info::tcpStatsPtr, stats);
    call.pb.set(L::global_info::tcpCDBTable, 0);
    call.pb.set(L::global_info::maxTCPConnections, 0);
    return err::noErr;
}

// CHOICE: TCPExtendedStat (41) has no documented layout anywhere (mactcp-reference 2, 3.2).
// Writing a guessed layout could corrupt the caller's memory, so the call checks its stream and
// then answers controlErr, what an unsupported call gets, writing nothing.
Outcome TcpService::extended_stat(Call &, TcpStream &) { return err::controlErr; }

}  // namespace mtb
