// Setting up host TCP sockets through the HostIo seam: binding with the port map, options.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstdint>

#include "net/host_io.h"
#include "tcp/listen_config.h"

namespace mtb {

struct BindResult {
    net::SocketId socket = net::kNoSocket;  // a bound TCP socket, or none
    int error = 0;                          // errno of the failure
    uint16_t host_port = 0;                 // the port bound (differs from the guest's when mapped)
    bool mapped = false;
};

// A new socket bound to `address:guest_port` (host byte order). A guest port below 1024 that the
// host refuses (EACCES) is retried at its mapped port (`ippportmap`). Listeners get
// SO_REUSEADDR (so a guest server can re-listen at once after a close); connecting sockets never.
// `kind` tcp6: an IPv6 socket bound to the IPv6 wildcard (`address` is then ignored).
BindResult bind_tcp_socket(net::HostIo &io, uint32_t address, uint16_t guest_port, const ListenConfig &config,
                           bool listener, net::SocketKind kind = net::SocketKind::tcp);

// Per-connection options: TCP_NODELAY (a host socket cannot see TCPSend's push flag per byte,
// and MacTCP apps expect every send to go out now), SO_OOBINLINE (urgent data stays in the
// stream, marked with sockatmark).
void configure_connection(net::HostIo &io, net::SocketId socket);

}  // namespace mtb
