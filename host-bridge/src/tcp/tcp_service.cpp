// SPDX-License-Identifier: GPL-2.0-or-later
#include "tcp/tcp_service.h"

#include <boost/asio/ip/address_v4.hpp>
#include <boost/asio/socket_base.hpp>
#include <algorithm>
#include <chrono>
#include <iterator>
#include <utility>

#include "driver/mactcp_codes.h"
#include "guest/pb_layout.h"
#include "tcp/host_errors.h"

namespace mtb {

namespace L = layout::tcp;
using boost::asio::ip::tcp;

namespace {

constexpr uint32_t kMinReceiveBuffer = 4096;  // mactcp-reference 7.1
constexpr uint8_t kDefaultUlpSeconds = 120;
constexpr uint8_t kMinTimeoutSeconds = 2;
constexpr uint8_t kValidTimeoutValue = 0x80;
constexpr uint8_t kValidTimeoutAction = 0x40;
constexpr uint8_t kValidTos = 0x20;
constexpr uint8_t kValidPrecedence = 0x10;

// ULP timeout and action from an open/send/close block: 0 or an invalid bit means the
// default (2 minutes, abort); values below the 2 s minimum are raised to it.
std::pair<uint8_t, bool> ulp_settings(const ParamBlock &pb, layout::U8 value, layout::U8 action, layout::U8 flags) {
    const uint8_t validity = pb.get(flags);
    uint8_t seconds = (validity & kValidTimeoutValue) ? pb.get(value) : 0;
    if (seconds == 0) seconds = kDefaultUlpSeconds;
    if (seconds < kMinTimeoutSeconds) seconds = kMinTimeoutSeconds;
    const bool abort = (validity & kValidTimeoutAction) ? pb.get(action) != 0 : true;
    return {seconds, abort};
}

}  // namespace

TcpService::~TcpService() = default;

Outcome TcpService::handle(Call &call) {
    const auto cs = static_cast<CsCode>(call.cs_code);
    if (call.cs_code == 33 || call.cs_code > static_cast<uint16_t>(CsCode::tcpGlobalInfo)) return err::controlErr;
    if (cs == CsCode::tcpCreate) return create(call);
    TcpStream *stream = find(call.pb.get(L::stream));
    if (stream == nullptr) return err::invalidStreamPtr;
    switch (cs) {
    case CsCode::tcpRelease: return release(call, *stream);
    case CsCode::tcpStatus: return status(call, *stream);
    case CsCode::tcpActiveOpen: return active_open(call, *stream);
    default: return err::controlErr;
    }
}

TcpStream *TcpService::find(uint32_t stream_ptr) {
    const auto found = streams_.find(stream_ptr);
    return found == streams_.end() ? nullptr : &found->second;
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
    streams_.emplace(buffer, std::move(stream));
    call.pb.set(L::stream, buffer);
    core_->log().debug("TCPCreate stream 0x{:08x} ({} bytes)", buffer, length);
    return err::noErr;
}

Outcome TcpService::release(Call &call, TcpStream &stream) {
    const uint32_t stream_ptr = stream.stream_ptr;
    if (stream.open_request) core_->complete(*stream.open_request, err::connectionTerminated);
    close_socket(stream);
    call.pb.set(L::release::rcvBuff, stream.rcv_buff);
    call.pb.set(L::release::rcvBuffLen, stream.rcv_buff_len);
    streams_.erase(stream_ptr);
    core_->log().debug("TCPRelease stream 0x{:08x}", stream_ptr);
    return err::noErr;
}

// With no connection the reference recommends connectionDoesntExist while still reporting
// state 0 with every other field zeroed (Tcl reads the state after teardown).
Outcome TcpService::status(Call &call, TcpStream &stream) {
    const ParamBlock &pb = call.pb;
    for (uint32_t offset = L::status::ulpTimeoutValue.offset; offset < L::status::userDataPtr.offset; ++offset)
        pb.memory().write8(pb.address() + offset, 0);
    pb.set(L::status::connectionState, stream.state);
    if (stream.state == tcp_state::closed) return err::connectionDoesntExist;
    pb.set(L::status::ulpTimeoutValue, stream.ulp_timeout_seconds);
    pb.set(L::status::ulpTimeoutAction, stream.ulp_timeout_abort ? 1 : 0);
    pb.set(L::status::remoteHost, stream.remote_host);
    pb.set(L::status::remotePort, stream.remote_port);
    pb.set(L::status::localHost, stream.local_host);
    pb.set(L::status::localPort, stream.local_port);
    pb.set(L::status::tosFlags, stream.tos);
    pb.set(L::status::precedence, stream.precedence);
    pb.set(L::status::sendWindow, 65535);
    pb.set(L::status::rcvWindow, static_cast<uint16_t>(std::min<uint32_t>(stream.rcv_buff_len, 65535)));
    pb.set(L::status::connStatPtr, 0);
    return err::noErr;
}

Outcome TcpService::active_open(Call &call, TcpStream &stream) {
    const ParamBlock &pb = call.pb;
    if (stream.state != tcp_state::closed) return err::connectionExists;
    const uint32_t remote_host = pb.get(L::open::remoteHost);
    const uint16_t remote_port = pb.get(L::open::remotePort);
    // The reference requires a destination; a connection to nowhere can only fail to open.
    if (remote_host == 0 || remote_port == 0) return err::openFailed;
    const uint16_t local_port = pb.get(L::open::localPort);
    const auto [ulp_seconds, ulp_abort] = ulp_settings(pb, L::open::ulpTimeoutValue, L::open::ulpTimeoutAction, L::open::validityFlags);
    const uint8_t validity = pb.get(L::open::validityFlags);

    stream.state = tcp_state::synSent;
    stream.remote_host = remote_host;
    stream.remote_port = remote_port;
    stream.local_host = network_->address;
    stream.ulp_timeout_seconds = ulp_seconds;
    stream.ulp_timeout_abort = ulp_abort;
    stream.tos = (validity & kValidTos) ? pb.get(L::open::tosFlags) : 0;
    stream.precedence = (validity & kValidPrecedence) ? pb.get(L::open::precedence) : 0;
    stream.socket = std::make_shared<HostTcpSocket>(core_->net().context());

    const RequestId request = core_->begin_pending(call);
    stream.open_request = request;
    const uint32_t stream_ptr = stream.stream_ptr;
    // TCPActiveOpen has no command timeout; failing to connect within the ULP timeout ends it.
    core_->set_request_timeout(request, std::chrono::seconds(ulp_seconds), [this, stream_ptr, request] {
        on_connected(stream_ptr, request, err::openFailed, 0, 0);
    });

    const tcp::endpoint remote(boost::asio::ip::address_v4(remote_host), remote_port);
    core_->net().post([this, socket = stream.socket, remote, local_port, stream_ptr, request] {
        boost::system::error_code ec;
        socket->socket.open(tcp::v4(), ec);
        if (!ec && local_port != 0) socket->socket.bind(tcp::endpoint(tcp::v4(), local_port), ec);
        if (ec) {
            const int16_t result = mactcp_result_for(ec, HostOperation::bind, core_->log());
            core_->post_event([this, stream_ptr, request, result] { on_connected(stream_ptr, request, result, 0, 0); });
            return;
        }
        socket->socket.async_connect(remote, [this, socket, stream_ptr, request](const boost::system::error_code &error) {
            int16_t result = mactcp_result_for(error, HostOperation::connect, core_->log());
            uint16_t port = 0;
            if (!error) {
                boost::system::error_code ignored;
                port = socket->socket.local_endpoint(ignored).port();
                socket->socket.set_option(tcp::no_delay(true), ignored);
            }
            core_->post_event([this, stream_ptr, request, result, port] {
                on_connected(stream_ptr, request, result, 0, port);
            });
        });
    });
    return kPending;
}

void TcpService::on_connected(uint32_t stream_ptr, RequestId request, int16_t result, uint32_t, uint16_t local_port) {
    TcpStream *stream = find(stream_ptr);
    if (stream == nullptr || stream->open_request != request || !core_->is_pending(request)) return;
    stream->open_request.reset();
    if (result != err::noErr) {
        close_socket(*stream);
        stream->state = tcp_state::closed;
        core_->complete(request, result);
        return;
    }
    stream->state = tcp_state::established;
    stream->local_port = local_port;
    const uint32_t local_host = stream->local_host;
    core_->complete(request, err::noErr, [local_host, local_port](const ParamBlock &pb) {
        pb.set(L::open::localHost, local_host);
        pb.set(L::open::localPort, local_port);
    });
}

// Closing happens on the network thread, which owns the socket object; pending waits end
// with operation_aborted and their events find no pending request.
void TcpService::close_socket(TcpStream &stream) {
    if (!stream.socket) return;
    core_->net().post([socket = std::move(stream.socket)] {
        boost::system::error_code ignored;
        socket->socket.set_option(boost::asio::socket_base::linger(true, 0), ignored);
        socket->socket.close(ignored);
    });
    stream.socket.reset();
    stream.state = tcp_state::closed;
}

void TcpService::reset() {
    for (auto &[stream_ptr, stream] : streams_) close_socket(stream);
    streams_.clear();
}

}  // namespace mtb
