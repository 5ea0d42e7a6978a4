// SPDX-License-Identifier: GPL-2.0-or-later
#include "tcp/host_socket.h"

#include <arpa/inet.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <linux/tcp.h>  // struct tcp_info with the RFC 4898 segment counters
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace mtb {

namespace {

int try_bind(uint32_t address, uint16_t port, bool listener, int &error) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        error = errno;
        return -1;
    }
    if (listener) {
        const int one = 1;
        ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    }
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(address);
    sa.sin_port = htons(port);
    if (::bind(fd, reinterpret_cast<sockaddr *>(&sa), sizeof sa) != 0) {
        error = errno;
        ::close(fd);
        return -1;
    }
    return fd;
}

uint16_t bound_port(int fd) {
    sockaddr_in sa{};
    socklen_t length = sizeof sa;
    if (::getsockname(fd, reinterpret_cast<sockaddr *>(&sa), &length) != 0) return 0;
    return ntohs(sa.sin_port);
}

}  // namespace

BindResult bind_tcp_socket(uint32_t address, uint16_t guest_port, const ListenConfig &config, bool listener) {
    BindResult result;
    result.fd = try_bind(address, guest_port, listener, result.error);
    if (result.fd < 0 && result.error == EACCES) {
        if (const auto host_port = config.mapped(guest_port)) {
            result.fd = try_bind(address, *host_port, listener, result.error);
            result.mapped = result.fd >= 0;
        }
    }
    if (result.fd >= 0) {
        result.error = 0;
        result.host_port = bound_port(result.fd);
    }
    return result;
}

void configure_connection(int fd) {
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    ::setsockopt(fd, SOL_SOCKET, SO_OOBINLINE, &one, sizeof one);
}

uint32_t unacked_bytes(int fd) {
    int queued = 0;
    if (fd < 0 || ::ioctl(fd, SIOCOUTQ, &queued) != 0 || queued < 0) return 0;
    return static_cast<uint32_t>(queued);
}

// Linux doubles SO_SNDBUF for its bookkeeping; half of it is what data can fill.
uint32_t send_space(int fd) {
    if (fd < 0) return 0;
    int buffer = 0;
    socklen_t length = sizeof buffer;
    if (::getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buffer, &length) != 0 || buffer <= 0) return 0;
    const uint32_t usable = static_cast<uint32_t>(buffer) / 2;
    const uint32_t queued = unacked_bytes(fd);
    return usable > queued ? usable - queued : 0;
}

TcpInfoSummary tcp_info(int fd) {
    TcpInfoSummary s;
    struct tcp_info info{};
    socklen_t length = sizeof info;
    if (fd < 0 || ::getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &length) != 0) return s;
    s.rtt_ms = info.tcpi_rtt / 1000;
    s.rtt_var_ms = info.tcpi_rttvar / 1000;
    s.mss = info.tcpi_snd_mss;
    s.cwnd_bytes = info.tcpi_snd_cwnd * info.tcpi_snd_mss;
    s.retransmits = info.tcpi_retransmits;
    s.total_retrans = info.tcpi_total_retrans;
    s.segs_out = info.tcpi_segs_out;
    s.segs_in = info.tcpi_segs_in;
    s.data_segs_out = info.tcpi_data_segs_out;
    s.data_segs_in = info.tcpi_data_segs_in;
    return s;
}

}  // namespace mtb
