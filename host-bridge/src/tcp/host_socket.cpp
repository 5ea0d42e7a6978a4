// SPDX-License-Identifier: GPL-2.0-or-later
#include "tcp/host_socket.h"

#include <cerrno>

namespace mtb {

namespace {

net::SocketId try_bind(net::HostIo &io, uint32_t address, uint16_t port, bool listener, net::SocketKind kind, int &error) {
    const net::Opened opened = io.open(kind);
    if (opened.id == net::kNoSocket) {
        error = opened.error;
        return net::kNoSocket;
    }
    if (listener) io.set_option(opened.id, net::Option::reuse_address, true);
    net::Endpoint local{address, port};
    if (kind == net::SocketKind::tcp6) local.ipv6 = net::Ipv6Address{};  // ::
    if (const int failed = io.bind(opened.id, local); failed != 0) {
        error = failed;
        io.close(opened.id, false);
        return net::kNoSocket;
    }
    return opened.id;
}

}  // namespace

BindResult bind_tcp_socket(net::HostIo &io, uint32_t address, uint16_t guest_port, const ListenConfig &config,
                           bool listener, net::SocketKind kind) {
    BindResult result;
    result.socket = try_bind(io, address, guest_port, listener, kind, result.error);
    if (result.socket == net::kNoSocket && result.error == EACCES) {
        if (const auto host_port = config.mapped(guest_port)) {
            result.socket = try_bind(io, address, *host_port, listener, kind, result.error);
            result.mapped = result.socket != net::kNoSocket;
        }
    }
    if (result.socket != net::kNoSocket) {
        result.error = 0;
        result.host_port = io.local_endpoint(result.socket).value_or(net::Endpoint{}).port;
    }
    return result;
}

void configure_connection(net::HostIo &io, net::SocketId socket) {
    io.set_option(socket, net::Option::no_delay, true);
    io.set_option(socket, net::Option::oob_inline, true);
}

}  // namespace mtb
