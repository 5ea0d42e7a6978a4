// SPDX-License-Identifier: GPL-2.0-or-later
#include "udp/udp_socket.h"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <linux/errqueue.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <sys/socket.h>
#include <unistd.h>

namespace mtb::udp_socket {

namespace {

sockaddr_in endpoint(uint32_t host, uint16_t port) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(host);
    address.sin_port = htons(port);
    return address;
}

}  // namespace

Arrival take(int fd, std::span<uint8_t> into) {
    Arrival arrival;
    sockaddr_in from{};
    iovec part{into.data(), into.size()};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(in_pktinfo))];
    msghdr message{};
    message.msg_name = &from;
    message.msg_namelen = sizeof from;
    message.msg_iov = &part;
    message.msg_iovlen = 1;
    message.msg_control = control;
    message.msg_controllen = sizeof control;
    // MSG_TRUNC: the return value is the datagram's real length even when `into` is shorter.
    const ssize_t length = ::recvmsg(fd, &message, MSG_DONTWAIT | MSG_TRUNC);
    if (length < 0) {
        arrival.error = errno;
        return arrival;
    }
    arrival.length = length;
    arrival.remote_host = ntohl(from.sin_addr.s_addr);
    arrival.remote_port = ntohs(from.sin_port);
    for (cmsghdr *c = CMSG_FIRSTHDR(&message); c != nullptr; c = CMSG_NXTHDR(&message, c)) {
        if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
            in_pktinfo info;
            std::memcpy(&info, CMSG_DATA(c), sizeof info);
            arrival.local_host = ntohl(info.ipi_addr.s_addr);
        }
    }
    return arrival;
}

Opened open_bound(uint32_t local_address, uint16_t port) {
    Opened opened;
    const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        opened.error = errno;
        return opened;
    }
    const int on = 1;
    ::setsockopt(fd, IPPROTO_IP, IP_RECVERR, &on, sizeof on);
    ::setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof on);
    // A released stream's socket is closed by the network thread a moment later; SO_REUSEADDR
    // lets an app re-create a stream on the same port at once (UdpService refuses duplicates
    // among its own streams itself; other host sockets still refuse us unless they share too).
    // For port 0 it is set after binding, or the kernel could pick a port another
    // SO_REUSEADDR socket holds.
    if (port != 0) ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    ::setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &on, sizeof on);  // MacTCP sends broadcasts freely
    sockaddr_in address = endpoint(local_address, port);
    socklen_t length = sizeof address;
    if (::bind(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr *>(&address), &length) != 0) {
        opened.error = errno;
        ::close(fd);
        return opened;
    }
    if (port == 0) ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    opened.fd = fd;
    opened.port = ntohs(address.sin_port);
    return opened;
}

void close_fd(int fd) {
    if (fd >= 0) ::close(fd);
}

bool is_icmp_error(int error) {
    return error == ECONNREFUSED || error == EHOSTUNREACH || error == ENETUNREACH || error == EHOSTDOWN ||
           error == ENONET || error == EPROTO || error == ETIMEDOUT;
}

int send(int fd, std::span<const iovec> parts, uint32_t host, uint16_t port) {
    sockaddr_in to = endpoint(host, port);
    msghdr message{};
    message.msg_name = &to;
    message.msg_namelen = sizeof to;
    message.msg_iov = const_cast<iovec *>(parts.data());
    message.msg_iovlen = parts.size();
    return ::sendmsg(fd, &message, MSG_DONTWAIT | MSG_NOSIGNAL) < 0 ? errno : 0;
}

bool set_no_checksum(int fd, bool off) {
#ifdef SO_NO_CHECK
    const int value = off ? 1 : 0;
    return ::setsockopt(fd, SOL_SOCKET, SO_NO_CHECK, &value, sizeof value) == 0;
#else
    (void)fd;
    return !off;
#endif
}

std::optional<IcmpError> take_error(int fd) {
    sockaddr_in offender_destination{};
    alignas(cmsghdr) char control[512];
    uint8_t ignored[64];
    iovec part{ignored, sizeof ignored};
    msghdr message{};
    message.msg_name = &offender_destination;
    message.msg_namelen = sizeof offender_destination;
    message.msg_iov = &part;
    message.msg_iovlen = 1;
    message.msg_control = control;
    message.msg_controllen = sizeof control;
    if (::recvmsg(fd, &message, MSG_ERRQUEUE | MSG_DONTWAIT) < 0) return std::nullopt;
    for (cmsghdr *c = CMSG_FIRSTHDR(&message); c != nullptr; c = CMSG_NXTHDR(&message, c)) {
        if (c->cmsg_level != IPPROTO_IP || c->cmsg_type != IP_RECVERR) continue;
        sock_extended_err extended;
        std::memcpy(&extended, CMSG_DATA(c), sizeof extended);
        IcmpError error;
        error.origin = extended.ee_origin;
        error.type = extended.ee_type;
        error.code = extended.ee_code;
        error.info = extended.ee_info;
        // For IP_RECVERR, msg_name is the destination of the datagram that caused the error.
        error.remote_host = ntohl(offender_destination.sin_addr.s_addr);
        error.remote_port = ntohs(offender_destination.sin_port);
        return error;
    }
    return IcmpError{};  // an error without extended information: consumed, nothing to report
}

}  // namespace mtb::udp_socket
