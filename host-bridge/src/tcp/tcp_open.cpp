// TCPActiveOpen and TCPPassiveOpen, and connections coming up.
// SPDX-License-Identifier: GPL-2.0-or-later
#include <cerrno>
#include <chrono>

#include "dnr/ipv6_mapping_pool.h"
#include "dnr/dnr_text.h"
#include "driver/mactcp_codes.h"
#include "guest/pb_layout.h"
#include "net/host_errors.h"
#include "tcp/host_socket.h"
#include "tcp/tcp_service.h"
#include "tcp/ulp_settings.h"

namespace mtb {

namespace L = layout::tcp;

namespace {
constexpr uint8_t kValidTos = 0x20;
constexpr uint8_t kValidPrecedence = 0x10;

void take_open_options(TcpStream &stream, const ParamBlock &pb) {
    const auto ulp = ulp_settings(pb, L::open::ulpTimeoutValue, L::open::ulpTimeoutAction, L::open::validityFlags);
    stream.ulp_timeout_seconds = ulp.seconds;
    stream.ulp_timeout_abort = ulp.abort;
    const uint8_t validity = pb.get(L::open::validityFlags);
    stream.tos = (validity & kValidTos) ? pb.get(L::open::tosFlags) : 0;
    stream.precedence = (validity & kValidPrecedence) ? pb.get(L::open::precedence) : 0;
}
}  // namespace

Outcome TcpService::active_open(Call &call, TcpStream &stream) {
    const ParamBlock &pb = call.pb;
    if (stream.connected() || stream.open_request) return err::connectionExists;
    const uint32_t remote_host = pb.get(L::open::remoteHost);
    const uint16_t remote_port = pb.get(L::open::remotePort);
    // The reference requires a destination; a connection to nowhere can only fail to open.
    if (remote_host == 0 || remote_port == 0) return err::openFailed;
    if (!core_->outgoing().allows(remote_host)) {
        core_->log().warning("TCPActiveOpen to {}:{} refused by ippallow", format_ipv4(remote_host), remote_port);
        return err::openFailed;
    }
    // A stand-in the DNR gave for an IPv6-only host: the connection goes to its IPv6 address,
    // and the mapping is held (never given to another host) until the connection is gone.
    net::Endpoint remote{remote_host, remote_port};
    net::SocketKind kind = net::SocketKind::tcp;
    if (dnr::Ipv6MappingPool::in_pool(remote_host)) {
        // The DNR's clock is the seam's (a replay has the recorded one).
        const auto *mapping = ipv6_pool_ == nullptr ? nullptr : ipv6_pool_->find(remote_host, core_->now());
        if (mapping == nullptr) {
            core_->log().warning("TCPActiveOpen to {}:{}: no IPv6 host stands behind this address (its lookup expired)",
                                 format_ipv4(remote_host), remote_port);
            return err::openFailed;
        }
        remote.ipv6 = mapping->ipv6;
        kind = net::SocketKind::tcp6;
    }
    const uint16_t local_port = pb.get(L::open::localPort);

    // socket() and bind() never block, so a refused local port is answered at once.
    net::HostIo &io = core_->io();
    net::SocketId socket = net::kNoSocket;
    if (local_port != 0) {
        const BindResult bound = bind_tcp_socket(io, 0, local_port, listen_config_, false, kind);
        if (bound.socket == net::kNoSocket)
            return mactcp_result_for_errno(bound.error, HostOperation::bind, core_->log());
        if (bound.mapped)
            core_->log().warning("TCPActiveOpen: local port {} refused by the host; using {} (ippportmap)", local_port,
                                 bound.host_port);
        socket = bound.socket;
    } else {
        const net::Opened opened = io.open(kind);
        if (opened.id == net::kNoSocket)
            return mactcp_result_for_errno(opened.error, HostOperation::connect, core_->log());
        socket = opened.id;
    }
    if (remote.ipv6 && ipv6_pool_->acquire(remote_host, core_->now())) stream.ipv6_stand_in = remote_host;

    take_open_options(stream, pb);
    stream.ended_gracefully = false;
    stream.connection = next_connection_++;
    stream.passive = false;
    stream.remote_host = remote_host;
    stream.remote_port = remote_port;
    stream.local_host = network_->address;
    stream.local_port = local_port;
    own_socket(stream, socket);
    const RequestId request = core_->begin_pending(call);
    stream.open_request = request;
    ++totals_.attempted;

    // TCPActiveOpen has no command timeout: failing to connect within the ULP timeout ends it
    // with openFailed (what clients expect; exact code unconfirmed, mactcp-reference 7.3) when
    // the action is abort; with "report" the TCPULPTimeout ASR fires and the host's own SYN
    // timeout ends the attempt.
    const uint32_t stream_ptr = stream.stream_ptr;
    const uint64_t connection = stream.connection;
    std::function<void()> on_timeout;
    on_timeout = [this, stream_ptr, connection, request] {
        TcpStream *s = find(stream_ptr, connection);
        if (s == nullptr || s->open_request != request) return;
        if (s->ulp_timeout_abort) {
            on_connected(stream_ptr, connection, err::openFailed);
            return;
        }
        Outbox out;
        queue_asr(*s, tcp_event::ulpTimeout, 0, out);
        core_->set_request_timeout(request, std::chrono::seconds(s->ulp_timeout_seconds), [this, stream_ptr, connection] {
            on_connected(stream_ptr, connection, err::openFailed);
        });
    };
    core_->set_request_timeout(request, std::chrono::seconds(stream.ulp_timeout_seconds), on_timeout);

    // Connected at once (loopback may), refused at once, or Event{connected} follows.
    const int started = io.connect(socket, remote);
    if (started != EINPROGRESS)
        on_connected(stream_ptr, connection,
                     mactcp_result_for_errno(started, HostOperation::connect, core_->log()));
    return kPending;
}

void TcpService::on_connected(uint32_t stream_ptr, uint64_t connection, int16_t result) {
    TcpStream *stream = find(stream_ptr, connection);
    if (stream == nullptr || !stream->open_request || stream->connected()) return;
    Outbox out;
    if (result != err::noErr) {
        // Refused, unreachable or timed out: the open fails (requests queued behind it too)
        // and the stream is back to no connection. No TCPTerminate: none came up.
        terminate(*stream, 0, result, out);
        return;
    }
    const RequestId request = *stream->open_request;
    stream->open_request.reset();
    const uint16_t local_port = core_->io().local_endpoint(stream->socket).value_or(net::Endpoint{}).port;
    stream->local_port = local_port;
    ++totals_.opened;
    attach(*stream, stream->socket);
    complete_later(request, err::noErr, out,
                   [local_host = stream->local_host, local_port](const ParamBlock &pb) {
                       pb.set(L::open::localHost, local_host);
                       pb.set(L::open::localPort, local_port);
                   });
    pump(*stream, out);
}

void TcpService::attach(TcpStream &stream, net::SocketId socket) {
    stream.socket = socket;
    stream.attached = true;
    stream.established = true;
    stream.send_buffer = 0;
    configure_connection(core_->io(), socket);
}

// The stream owns `socket`: its events come to on_socket_event until close_socket.
void TcpService::own_socket(TcpStream &stream, net::SocketId socket) {
    stream.socket = socket;
    by_socket_[socket] = stream.stream_ptr;
    core_->router().route(socket, *this);
}

// The command timeout (byte 35) bounds the wait for a connection attempt; 0 = forever.
Outcome TcpService::passive_open(Call &call, TcpStream &stream) {
    const ParamBlock &pb = call.pb;
    if (stream.connected() || stream.open_request) return err::connectionExists;
    const uint32_t stream_ptr = stream.stream_ptr;
    const uint64_t connection = next_connection_++;
    uint16_t guest_port = pb.get(L::open::localPort);
    uint32_t local_host = 0;
    const int16_t joined = listeners_.join(guest_port, {stream_ptr, connection}, local_host);
    if (joined != err::noErr) return joined;
    if (local_host == 0) local_host = network_->address;  // listening on every interface

    take_open_options(stream, pb);
    stream.ended_gracefully = false;
    stream.connection = connection;
    stream.passive = true;
    stream.listen_port = guest_port;
    stream.filter_host = pb.get(L::open::remoteHost);
    stream.filter_port = pb.get(L::open::remotePort);
    stream.local_host = local_host;
    stream.local_port = guest_port;
    stream.remote_host = 0;
    stream.remote_port = 0;
    // Visible while the open is pending (NCSA `listen` spins on localPort, MacPython reads
    // both right after issuing the call: client-call-sequences 4.2).
    pb.set(L::open::localHost, local_host);
    pb.set(L::open::localPort, guest_port);
    const RequestId request = core_->begin_pending(call);
    stream.open_request = request;

    if (const auto timeout = command_timeout(pb.get(L::open::commandTimeoutValue))) {
        core_->set_request_timeout(request, *timeout, [this, stream_ptr, connection] {
            TcpStream *s = find(stream_ptr, connection);
            if (s == nullptr || !s->opening()) return;
            Outbox out;
            terminate(*s, 0, err::commandTimeout, out);
        });
    }
    return kPending;
}

// A connection reached a shared listener: the first pending open (in issue order) whose
// remote host/port filters accept it gets it; if none does, the connection is reset.
void TcpService::on_accepted(uint16_t guest_port, AcceptedConnection connection) {
    if (connection.remote_ipv6) {
        // An IPv6 client (`ipplisten any6`): the guest knows it by a stand-in from the pool
        // (the one it has, e.g. from a lookup, else a new one AddrToName answers with the IPv6
        // address as text).
        const auto stand_in = ipv6_pool_ == nullptr ? std::nullopt : ipv6_pool_->map_peer(*connection.remote_ipv6, core_->now());
        if (!stand_in) {
            core_->log().warning("TCP connection from {} to guest port {}: no stand-in address free; reset",
                                 dnr::format_ipv6(*connection.remote_ipv6), guest_port);
            core_->io().close(connection.socket, true);
            return;
        }
        connection.remote_host = *stand_in;
    }
    for (const ListenWaiter &waiter : listeners_.waiters(guest_port)) {
        TcpStream *stream = find(waiter.stream_ptr, waiter.connection);
        if (stream == nullptr || !stream->opening() || !core_->is_pending(*stream->open_request)) {
            listeners_.leave(guest_port, waiter);  // a stale waiter (KillIO, reset)
            continue;
        }
        if (stream->filter_host != 0 && stream->filter_host != connection.remote_host) continue;
        if (stream->filter_port != 0 && stream->filter_port != connection.remote_port) continue;
        listeners_.leave(guest_port, waiter);
        const RequestId request = *stream->open_request;
        stream->open_request.reset();
        stream->passive = false;
        stream->listen_port = 0;
        stream->remote_host = connection.remote_host;
        stream->remote_port = connection.remote_port;
        if (connection.local_host != 0) stream->local_host = connection.local_host;
        ++totals_.accepted;
        if (connection.remote_ipv6 && ipv6_pool_->acquire(connection.remote_host, core_->now()))
            stream->ipv6_stand_in = connection.remote_host;
        own_socket(*stream, connection.socket);
        attach(*stream, connection.socket);
        Outbox out;
        complete_later(request, err::noErr, out,
                       [remote_host = connection.remote_host, remote_port = connection.remote_port,
                        local_host = stream->local_host, local_port = stream->local_port](const ParamBlock &pb) {
                           pb.set(L::open::remoteHost, remote_host);
                           pb.set(L::open::remotePort, remote_port);
                           pb.set(L::open::localHost, local_host);
                           pb.set(L::open::localPort, local_port);
                       });
        pump(*stream, out);
        return;
    }
    core_->log().info("TCP connection from {}:{} to guest port {} matches no pending open: reset",
                      format_ipv4(connection.remote_host), connection.remote_port, guest_port);
    core_->io().close(connection.socket, true);
}

}  // namespace mtb
