// SPDX-License-Identifier: GPL-2.0-or-later
#include "net/linux_queries.h"

#include <arpa/inet.h>
#include <linux/errqueue.h>
#include <linux/icmp.h>
#include <linux/tcp.h>  // struct tcp_info with tcpi_notsent_bytes and the RFC 4898 counters
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>

namespace mtb::net::linux_queries {

TcpInfo tcp_info(int fd, uint64_t written, uint64_t syn_acked) {
    TcpInfo s;
    struct tcp_info info{};
    socklen_t length = sizeof info;
    if (::getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &length) != 0) return s;
    // Bytes the socket took minus the bytes the peer acknowledged (tcpi_bytes_acked, Linux 4.1,
    // counts an active open's SYN too): what SIOCOUTQ reports, without a second syscall.
    const uint64_t acked = info.tcpi_bytes_acked > syn_acked ? info.tcpi_bytes_acked - syn_acked : 0;
    s.unacked = written > acked ? static_cast<uint32_t>(std::min<uint64_t>(written - acked, UINT32_MAX)) : 0;
    s.unsent = info.tcpi_notsent_bytes;
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


std::optional<IcmpError> take_error(int fd) {
    sockaddr_storage offender{};  // sockaddr_in6 on udp6 sockets
    alignas(cmsghdr) char control[512];
    uint8_t ignored[64];
    iovec part{ignored, sizeof ignored};
    msghdr message{};
    message.msg_name = &offender;
    message.msg_namelen = sizeof offender;
    message.msg_iov = &part;
    message.msg_iovlen = 1;
    message.msg_control = control;
    message.msg_controllen = sizeof control;
    if (::recvmsg(fd, &message, MSG_ERRQUEUE | MSG_DONTWAIT) < 0) return std::nullopt;
    for (cmsghdr *c = CMSG_FIRSTHDR(&message); c != nullptr; c = CMSG_NXTHDR(&message, c)) {
        const bool v4 = c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_RECVERR;
        const bool v6 = c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_RECVERR;
        if (!v4 && !v6) continue;
        sock_extended_err extended;
        std::memcpy(&extended, CMSG_DATA(c), sizeof extended);
        IcmpError error;
        error.origin = extended.ee_origin;
        error.type = extended.ee_type;
        error.code = extended.ee_code;
        error.info = extended.ee_info;
        // For IP_RECVERR, msg_name is the destination of the datagram that caused the error.
        if (offender.ss_family == AF_INET6) {
            sockaddr_in6 v6address;
            std::memcpy(&v6address, &offender, sizeof v6address);
            Ipv6Address bytes;
            std::memcpy(bytes.data(), &v6address.sin6_addr, 16);
            error.offender = Endpoint{0, ntohs(v6address.sin6_port), bytes};
        } else {
            sockaddr_in v4address;
            std::memcpy(&v4address, &offender, sizeof v4address);
            error.offender = Endpoint{ntohl(v4address.sin_addr.s_addr), ntohs(v4address.sin_port)};
        }
        return error;
    }
    return IcmpError{};
}


int echo_reply_only(int fd, bool on) {
    icmp_filter filter{on ? ~(1u << ICMP_ECHOREPLY) : 0u};
    return ::setsockopt(fd, SOL_RAW, ICMP_FILTER, &filter, sizeof filter) == 0 ? 0 : errno;
}

}  // namespace mtb::net::linux_queries
