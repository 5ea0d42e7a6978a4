// Host UDP socket system calls, non-blocking, for the emulation thread (addresses and ports in
// host byte order; errors as errno values).
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <sys/uio.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace mtb::udp_socket {

struct Opened {
    int fd = -1;
    int error = 0;
    uint16_t port = 0;  // the bound port (the kernel's choice when asked for 0)
};
// A socket bound to `address` (0 = every local address) on `port` (0 = any free port), with
// ICMP errors queued (IP_RECVERR) and arrival addresses reported (IP_PKTINFO).
Opened open_bound(uint32_t address, uint16_t port);
void close_fd(int fd);

struct Arrival {
    long length = -1;  // the datagram's full length; -1 on error
    int error = 0;     // EAGAIN/EWOULDBLOCK when nothing is queued
    uint32_t remote_host = 0;
    uint16_t remote_port = 0;
    uint32_t local_host = 0;
};
// Takes the next datagram into `into` (empty: discards it). `length` is its full length even
// when `into` was shorter (MSG_TRUNC): the part that did not fit is lost.
Arrival take(int fd, std::span<uint8_t> into);

// Errors an ICMP message leaves on the socket (IP_RECVERR sets sk_err, which the next recvmsg
// or sendmsg answers once, whatever it was for): the message itself waits in the error queue.
bool is_icmp_error(int error);

// Sends one datagram gathered from `parts`; 0 or errno.
int send(int fd, std::span<const iovec> parts, uint32_t host, uint16_t port);

// SO_NO_CHECK: send without a UDP checksum (Linux). False if the host refuses.
bool set_no_checksum(int fd, bool off);

// One ICMP error queued on the socket by IP_RECVERR.
struct IcmpError {
    uint8_t origin = 0;  // SO_EE_ORIGIN_*
    uint8_t type = 0, code = 0;
    uint32_t info = 0;
    uint32_t remote_host = 0;  // destination of the datagram that provoked it
    uint16_t remote_port = 0;
};
std::optional<IcmpError> take_error(int fd);

}  // namespace mtb::udp_socket
