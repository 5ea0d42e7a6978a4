// SPDX-License-Identifier: GPL-2.0-or-later
#include "tcp/host_socket.h"

#include <cerrno>

namespace mtb {

namespace {

net::SocketId try_bind(net::HostIo &io, uint32_t address, uint16_t port, bool listener, int &error) {
    const net::Opened opened = io.open(net::SocketKind::tcp);
    if (opened.id == net::kNoSocket) {
        error = opened.error;
        return net::kNoSocket;
    }
    if (listener) io.set_option(opened.id, net::Option::reuse_address, true);
    if (const int failed = io.bind(opened.id, {address, port}); failed != 0) {
        error = failed;
        io.close(opened.id, false);
        return net::kNoSocket;
    }
    return opened.id;
}

}  // namespace

BindResult bind_tcp_socket(net::HostIo &io, uint32_t address, uint16_t guest_port, const ListenConfig &config,
                           bool listener) {
    BindResult result;
    result.socket = try_bind(io, address, guest_port, listener, result.error);
    if (result.socket == net::kNoSocket && result.error == EACCES) {
        if (const auto host_port = config.mapped(guest_port)) {
            result.socket = try_bind(io, address, *host_port, listener, result.error);
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
