// A listening socket on 127.0.0.1 with an ephemeral port, shared by the benchmarks.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>

namespace mtb::bench {

struct Listener {
    int fd;
    uint16_t port;
    explicit Listener(int backlog = 4) {
        fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::bind(fd, reinterpret_cast<sockaddr *>(&a), sizeof a);
        ::listen(fd, backlog);
        socklen_t l = sizeof a;
        ::getsockname(fd, reinterpret_cast<sockaddr *>(&a), &l);
        port = ntohs(a.sin_port);
    }
    ~Listener() { ::close(fd); }
    Listener(const Listener &) = delete;
    Listener &operator=(const Listener &) = delete;
};

}  // namespace mtb::bench
