// The socket calls that need Linux's own headers (linux/tcp.h, linux/errqueue.h, linux/icmp.h),
// which clash with glibc's netinet/tcp.h and net/if.h pulled in elsewhere: kept in one file
// of their own, used by LiveHostIo only.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstdint>
#include <optional>

#include "net/host_io.h"

namespace mtb::net::linux_queries {

// One TCP_INFO read. `written` (bytes the socket took) and `syn_acked` (1 for an active open,
// whose SYN tcpi_bytes_acked counts) turn the acknowledged byte count into unacked bytes.
TcpInfo tcp_info(int fd, uint64_t written, uint64_t syn_acked);
// The next IP_RECVERR report from the socket's error queue.
std::optional<IcmpError> take_error(int fd);
// Raw ICMP sockets: let only echo replies through (0 or errno).
int echo_reply_only(int fd, bool on);

}  // namespace mtb::net::linux_queries
