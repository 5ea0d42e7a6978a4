// SPDX-License-Identifier: GPL-2.0-or-later
#include "tcp/tcp_service.h"

#include <iterator>
#include <utility>

#include "driver/mactcp_codes.h"
#include "guest/pb_layout.h"

namespace mtb {

namespace L = layout::tcp;

namespace {
constexpr uint32_t kMinReceiveBuffer = 4096;  // mactcp-reference 7.1
}

TcpService::TcpService(DriverCore &core, const HostNetworkInfo &network)
    : core_(&core), network_(&network),
      listeners_(core, listen_config_, [this](uint16_t port, AcceptedConnection c) { on_accepted(port, std::move(c)); }) {
    listen_config_.address = core.listen().address();
    listen_config_.ipv6 = core.listen().ipv6();
    if (auto pref = core.host().pref("ippportmap")) {
        if (auto problem = listen_config_.set_port_map(*pref)) core.log().error("{}", *problem);
    }
}

TcpService::~TcpService() = default;

Outcome TcpService::handle(Call &call) {
    const auto cs = static_cast<CsCode>(call.cs_code);
    // 33 is only a commented-out "active open with data" in one third-party unit, 44..49 are
    // undefined: the conventional controlErr (mactcp-reference 2, unconfirmed).
    if (call.cs_code == 33 || call.cs_code > static_cast<uint16_t>(CsCode::tcpGlobalInfo)) return err::controlErr;
    if (cs == CsCode::tcpCreate) return create(call);
    // TCPGlobalInfo concerns the driver, not a stream: its tcpStream field is not read.
    if (cs == CsCode::tcpGlobalInfo) return global_info(call);
    TcpStream *stream = find(call.pb.get(L::stream));
    if (stream == nullptr) return err::invalidStreamPtr;
    switch (cs) {
    case CsCode::tcpPassiveOpen: return passive_open(call, *stream);
    case CsCode::tcpActiveOpen: return active_open(call, *stream);
    case CsCode::tcpSend: return send(call, *stream);
    case CsCode::tcpNoCopyRcv: return receive(call, *stream, true);
    case CsCode::tcpRcvBfrReturn: return buffer_return(call, *stream);
    case CsCode::tcpRcv: return receive(call, *stream, false);
    case CsCode::tcpClose: return close(call, *stream);
    case CsCode::tcpAbort: return abort(call, *stream);
    case CsCode::tcpStatus: return status(call, *stream);
    case CsCode::tcpExtendedStat: return extended_stat(call, *stream);
    case CsCode::tcpRelease: return release(call, *stream);
    default: return err::controlErr;
    }
}

TcpStream *TcpService::find(uint32_t stream_ptr) {
    if (last_found_ != nullptr && last_found_ptr_ == stream_ptr) return last_found_;
    const auto found = streams_.find(stream_ptr);
    if (found == streams_.end()) return nullptr;
    last_found_ptr_ = stream_ptr;
    last_found_ = &found->second;
    return last_found_;
}

TcpStream *TcpService::find(uint32_t stream_ptr, uint64_t connection) {
    TcpStream *stream = find(stream_ptr);
    return stream != nullptr && stream->connection == connection ? stream : nullptr;
}

bool TcpService::overlaps_existing(uint32_t start, uint32_t length) const {
    const uint64_t end = uint64_t{start} + length;
    auto next = streams_.lower_bound(start);
    if (next != streams_.end() && next->first < end) return true;
    if (next != streams_.begin()) {
        const TcpStream &previous = std::prev(next)->second;
        if (uint64_t{previous.rcv_buff} + previous.rcv_buff_len > start) return true;
    }
    return false;
}

// No cap on the number of streams (design.md 4): the guest's RAM is the limit, as every stream
// brings its own buffer. insufficientResources is therefore never returned here.
Outcome TcpService::create(Call &call) {
    const uint32_t buffer = call.pb.get(L::create::rcvBuff);
    const uint32_t length = call.pb.get(L::create::rcvBuffLen);
    if (buffer == 0) return err::invalidBufPtr;
    if (length < kMinReceiveBuffer) return err::invalidLength;
    if (!core_->memory().contains(buffer, length)) return err::invalidBufPtr;
    if (overlaps_existing(buffer, length)) return err::streamAlreadyOpen;

    TcpStream stream;
    stream.stream_ptr = buffer;
    stream.rcv_buff = buffer;
    stream.rcv_buff_len = length;
    stream.notify_proc = call.pb.get(L::create::notifyProc);
    stream.user_data = call.pb.get(L::create::userDataPtr);
    stream.a5 = call.a5;
    stream.ring = ReceiveRing(buffer + kConnectionStatsReserve, length - kConnectionStatsReserve);
    auto [it, inserted] = streams_.emplace(buffer, std::move(stream));
    init_connection_stats(it->second);
    call.pb.set(L::stream, buffer);
    core_->log().debug("TCPCreate stream 0x{:08x} ({} bytes)", buffer, length);
    return err::noErr;
}

// A live connection is aborted first (TCPTerminate reason 6, mactcp-reference 5.5: the reason
// for a release is unconfirmed; it is the app's own abort in effect). Every pending request ends
// with connectionTerminated; lent pieces of the buffer go back with the whole buffer.
Outcome TcpService::release(Call &call, TcpStream &stream) {
    Outbox out;
    const uint32_t stream_ptr = stream.stream_ptr;
    terminate(stream, termin_reason::ulpAbort, err::connectionTerminated, out);
    call.pb.set(L::release::rcvBuff, stream.rcv_buff);
    call.pb.set(L::release::rcvBuffLen, stream.rcv_buff_len);
    last_found_ = nullptr;
    streams_.erase(stream_ptr);
    core_->log().debug("TCPRelease stream 0x{:08x}", stream_ptr);
    return err::noErr;  // `out` flushes now: completion routines and the ASR are queued
}

// Every socket is closed abortively (RST), as close_socket(stream, false) would; the per-socket
// bookkeeping close_socket also does (router, by_socket_) is dropped wholesale instead: the
// driver clears the router right after, and by_socket_ here (issue 12: reset under 1 ms of CPU).
void TcpService::reset() {
    net::HostIo &io = core_->io();
    for (auto &[stream_ptr, stream] : streams_)
        if (stream.socket != net::kNoSocket) io.close(stream.socket, true);
    last_found_ = nullptr;
    streams_.clear();
    by_socket_.clear();
    listeners_.reset();
}

}  // namespace mtb
