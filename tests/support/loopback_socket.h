// A host socket bound to loopback on a port the kernel picks: the peer, listener or echo server
// a test puts opposite the bridge. Tests never use a fixed port (others run at the same time)
// and never leave loopback.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>

namespace mtb::test {

struct LoopbackSocket {
    int fd = -1;
    uint16_t port = 0;  // host order
};

// `family` AF_INET (127.0.0.1) or AF_INET6 (::1); `type` SOCK_DGRAM or SOCK_STREAM (not yet
// listening). Close-on-exec.
inline LoopbackSocket bind_loopback(int family, int type) {
    LoopbackSocket out;
    out.fd = ::socket(family, type | SOCK_CLOEXEC, 0);
    sockaddr_storage address{};
    socklen_t length = 0;
    if (family == AF_INET6) {
        auto &v6 = reinterpret_cast<sockaddr_in6 &>(address);
        v6.sin6_family = AF_INET6;
        v6.sin6_addr = in6addr_loopback;
        length = sizeof v6;
    } else {
        auto &v4 = reinterpret_cast<sockaddr_in &>(address);
        v4.sin_family = AF_INET;
        v4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        length = sizeof v4;
    }
    ::bind(out.fd, reinterpret_cast<sockaddr *>(&address), length);
    ::getsockname(out.fd, reinterpret_cast<sockaddr *>(&address), &length);
    out.port = ntohs(family == AF_INET6 ? reinterpret_cast<sockaddr_in6 &>(address).sin6_port
                                        : reinterpret_cast<sockaddr_in &>(address).sin_port);
    return out;
}

}  // namespace mtb::test
