// The host side of the demo: small loopback servers and a client, each on its own thread.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <thread>

namespace mtb::demo {

// Accepts connections on 127.0.0.1 (ephemeral port) and hands each to `serve` on the server's
// thread, until destroyed. Bounded: a connection that sends nothing for 20 s is dropped.
class LoopbackServer {
public:
    using Handler = std::function<void(int fd)>;
    explicit LoopbackServer(Handler serve);
    ~LoopbackServer();
    uint16_t port() const { return port_; }

private:
    int listen_fd_ = -1;
    uint16_t port_ = 0;
    std::atomic<bool> stopping_{false};
    std::thread thread_;
};

// Reads until the peer closes, `limit` bytes or 20 s of silence; returns what arrived.
std::string read_all(int fd, std::size_t limit = 1 << 16);
bool write_all(int fd, const std::string &data);
// Reads one line (up to \n, included) with the same bounds.
std::string read_line(int fd);

// Connects to 127.0.0.1:port, retrying for up to `seconds` while nothing listens yet.
int connect_with_retry(uint16_t port, int seconds);

}  // namespace mtb::demo
