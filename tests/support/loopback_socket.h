// A host socket bound to loopback on a port the kernel picks: the peer, listener or echo server
// a test puts opposite the bridge. Tests never use a fixed port (others run at the same time)
// and never leave loopback.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>

namespace mtb::test {

// 127.0.0.1 (`family` AF_INET) or ::1 (AF_INET6) and a port, ready for bind/connect/sendto.
struct LoopbackAddress {
    sockaddr_storage storage{};
    socklen_t length = 0;
    sockaddr *get() { return reinterpret_cast<sockaddr *>(&storage); }
    uint16_t port() const {  // host order
        return ntohs(storage.ss_family == AF_INET6 ? reinterpret_cast<const sockaddr_in6 &>(storage).sin6_port
                                                   : reinterpret_cast<const sockaddr_in &>(storage).sin_port);
    }
};

inline LoopbackAddress loopback_address(int family, uint16_t port) {
    LoopbackAddress out;
    if (family == AF_INET6) {
        auto &v6 = reinterpret_cast<sockaddr_in6 &>(out.storage);
        v6.sin6_family = AF_INET6;
        v6.sin6_addr = in6addr_loopback;
        v6.sin6_port = htons(port);
        out.length = sizeof v6;
    } else {
        auto &v4 = reinterpret_cast<sockaddr_in &>(out.storage);
        v4.sin_family = AF_INET;
        v4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        v4.sin_port = htons(port);
        out.length = sizeof v4;
    }
    return out;
}

struct LoopbackSocket {
    int fd = -1;
    uint16_t port = 0;  // host order
};

// `family` AF_INET (127.0.0.1) or AF_INET6 (::1); `type` SOCK_DGRAM or SOCK_STREAM (not yet
// listening). Close-on-exec.
inline LoopbackSocket bind_loopback(int family, int type) {
    LoopbackSocket out;
    out.fd = ::socket(family, type | SOCK_CLOEXEC, 0);
    LoopbackAddress address = loopback_address(family, 0);
    ::bind(out.fd, address.get(), address.length);
    ::getsockname(out.fd, address.get(), &address.length);
    out.port = address.port();
    return out;
}

}  // namespace mtb::test
