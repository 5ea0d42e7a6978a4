// Issue 5, item 5: UDP and ICMP echo on the 68k test machine through the real plugin, with
// host-side peers on loopback.
// SPDX-License-Identifier: GPL-2.0-or-later
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "guest_harness.h"

namespace mtb::guest {

namespace {

// A UDP socket on 127.0.0.1 served by a thread: `on_datagram(bytes, from)` for each datagram.
class UdpPeer {
public:
    using Handler = std::function<void(const std::string &, const sockaddr_in &)>;

    explicit UdpPeer(Handler handler) : handler_(std::move(handler)) {
        fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::bind(fd_, reinterpret_cast<sockaddr *>(&address), sizeof address);
        socklen_t length = sizeof address;
        ::getsockname(fd_, reinterpret_cast<sockaddr *>(&address), &length);
        port_ = ntohs(address.sin_port);
        thread_ = std::thread([this] { serve(); });
    }
    ~UdpPeer() {
        stop_ = true;
        thread_.join();
        ::close(fd_);
    }
    uint16_t port() const { return port_; }
    void send(const std::string &bytes, const sockaddr_in &to) const {
        ::sendto(fd_, bytes.data(), bytes.size(), 0, reinterpret_cast<const sockaddr *>(&to), sizeof to);
    }

private:
    void serve() {
        std::vector<char> buffer(70000);
        while (!stop_) {
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, 50) != 1) continue;
            sockaddr_in from{};
            socklen_t length = sizeof from;
            const ssize_t n = ::recvfrom(fd_, buffer.data(), buffer.size(), 0, reinterpret_cast<sockaddr *>(&from), &length);
            if (n >= 0) handler_(std::string(buffer.data(), static_cast<size_t>(n)), from);
        }
    }

    Handler handler_;
    int fd_ = -1;
    uint16_t port_ = 0;
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

uint16_t closed_udp_port() {
    UdpPeer gone([](const std::string &, const sockaddr_in &) {});
    return gone.port();
}

// Datagram `seq` of the flood (same layout as flood.c's make()).
std::string flood_datagram(char tag, uint32_t seq) {
    const size_t length = 8 + seq % 120;
    std::string bytes(length, '\0');
    bytes[0] = tag;
    bytes[4] = static_cast<char>(seq >> 24);
    bytes[5] = static_cast<char>(seq >> 16);
    bytes[6] = static_cast<char>(seq >> 8);
    bytes[7] = static_cast<char>(seq);
    for (size_t i = 8; i < length; ++i) bytes[i] = static_cast<char>(seq * 7 + i);
    return bytes;
}

bool host_allows_icmp_sockets() {
    for (int type : {SOCK_DGRAM, SOCK_RAW}) {
        const int fd = ::socket(AF_INET, type | SOCK_CLOEXEC, IPPROTO_ICMP);
        if (fd >= 0) {
            ::close(fd);
            return true;
        }
    }
    return false;
}

}  // namespace

TEST(Udp, BasicsToOurselvesAndToAHostPeer) {
    // The host peer answers "ping N" with "pong N" from its own socket.
    std::atomic<UdpPeer *> self{nullptr};
    UdpPeer echo([&](const std::string &bytes, const sockaddr_in &from) {
        if (bytes.rfind("ping ", 0) == 0 && self.load()) self.load()->send("pong " + bytes.substr(5), from);
    });
    self = &echo;
    const auto result = run("udp_basics", {{"peer_port", std::to_string(echo.port())},
                                           {"closed_port", std::to_string(closed_udp_port())}});
    EXPECT_NE(result.output.find(" 0 failed"), std::string::npos) << result.output;
    std::printf("%s(%.1f s)\n", result.output.c_str(), result.seconds);
}

// `count` datagrams each way (to ourselves, host to guest, guest to host) with sequence numbers,
// the host sending in bursts of `burst`.
static void flood_each_way(uint32_t count, uint32_t burst) {
    std::atomic<UdpPeer *> self{nullptr};
    std::atomic<uint32_t> sent{0}, received{0}, bad{0};
    UdpPeer peer([&](const std::string &bytes, const sockaddr_in &from) {
        UdpPeer *me = self.load();
        if (me == nullptr || bytes.empty()) return;
        if (bytes == "A" || bytes == "a") {  // start, or the guest took the last burst
            for (uint32_t i = 0; i < burst && sent < count; ++i) me->send(flood_datagram('H', sent++), from);
        } else if (bytes[0] == 'G') {
            if (bytes != flood_datagram('G', received)) ++bad;
            ++received;
            if (received % burst == 0 || received == count) me->send("b", from);
        }
    });
    self = &peer;
    const auto result = run("udp_flood", {{"peer_port", std::to_string(peer.port())},
                                          {"count", std::to_string(count)},
                                          {"burst", std::to_string(burst)}},
                            options(std::chrono::seconds(300)));
    EXPECT_NE(result.output.find(" 0 failed"), std::string::npos) << result.output;
    EXPECT_EQ(sent.load(), count);
    EXPECT_EQ(received.load(), count);
    EXPECT_EQ(bad.load(), 0u);
    std::printf("%s(%.1f s for %u datagrams each way)\n", result.output.c_str(), result.seconds, count);
}

TEST(Udp, TenThousandDatagramsEachWayInOrder) { flood_each_way(10000, 32); }

// A slice of the flood small enough to keep as a recorded trace (tests/traces/udp_flood_slice).
TEST(Udp, FloodSliceOfThirtyTwoDatagramsEachWay) { flood_each_way(32, 8); }

// MacTCP Ping of 127.0.0.1; where the host forbids ICMP sockets the guest checks the logged
// timeout result instead, and says so.
TEST(Udp, PingOfLoopback) {
    const bool available = host_allows_icmp_sockets();
    if (!available)
        std::printf("NOTE: this host forbids ICMP datagram and raw sockets; the guest checks the "
                    "icmpEchoTimeoutErr answer instead of a real echo\n");
    const auto result = run("udp_ping", {{"icmp_available", available ? "1" : "0"}});
    EXPECT_NE(result.output.find(" 0 failed"), std::string::npos) << result.output;
    std::printf("%s", result.output.c_str());
}

}  // namespace mtb::guest
