// Host socket system calls the emulation thread may make: all non-blocking (socket, bind,
// listen, recv/send with MSG_DONTWAIT, ioctl queries). Waiting is the network thread's job.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstdint>

#include "tcp/listen_config.h"

namespace mtb {

struct BindResult {
    int fd = -1;             // a bound IPv4 TCP socket, or -1
    int error = 0;           // errno of the failure
    uint16_t host_port = 0;  // the port bound (differs from the guest's when mapped)
    bool mapped = false;
};

// A new socket bound to `address:guest_port` (host byte order). A guest port below 1024 that the
// host refuses (EACCES) is retried at its mapped port (`ippportmap`). Listeners get
// SO_REUSEADDR (so a guest server can re-listen at once after a close); connecting sockets never.
BindResult bind_tcp_socket(uint32_t address, uint16_t guest_port, const ListenConfig &config, bool listener);

// Per-connection options: TCP_NODELAY (a host socket cannot see TCPSend's push flag per byte,
// and MacTCP apps expect every send to go out now), SO_OOBINLINE (urgent data stays in the
// stream, marked with sockatmark).
void configure_connection(int fd);

// Bytes queued in the socket's send queue and not yet acknowledged (Linux SIOCOUTQ), the room
// left in it, and readable bytes waiting in the kernel.
uint32_t unacked_bytes(int fd);
uint32_t send_space(int fd);

struct TcpInfoSummary {
    uint32_t rtt_ms = 0, rtt_var_ms = 0, mss = 0, cwnd_bytes = 0, retransmits = 0;
    uint32_t segs_out = 0, segs_in = 0, data_segs_out = 0, data_segs_in = 0, total_retrans = 0;
};
TcpInfoSummary tcp_info(int fd);

}  // namespace mtb
