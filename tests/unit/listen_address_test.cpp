// `ipplisten`: one parser (DriverCore::listen()), and every accepted spelling seen by each
// service that uses it: TCP listeners, UDP streams (multi-port binding, receive filter) and
// ICMP echo. Loopback only: 127.0.0.2 stands for "one named interface".
// SPDX-License-Identifier: GPL-2.0-or-later
#include <gtest/gtest.h>

#include <algorithm>

#include "policy/listen_address.h"
#include "driver/mactcp_codes.h"
#include "ip/host_network_info.h"
#include "tcp_test_support.h"
#include "udp_test_support.h"

namespace mtb::test {

namespace {

constexpr uint32_t kLoopback2 = 0x7F000002, kLoopback3 = 0x7F000003;
constexpr uint32_t kStream = 0x10000;
using Prefs = std::map<std::string, std::string>;

struct Spelling {
    const char *pref;
    uint32_t address;  // what it means; 0 = every interface
};
const Spelling kSpellings[] = {{"", kLoopback},          {"loopback", kLoopback}, {"localhost", kLoopback},
                               {"127.0.0.1", kLoopback}, {"any", 0},              {"all", 0},
                               {"0.0.0.0", 0},           {"127.0.0.2", kLoopback2}};

// An address of this host the listener must be reachable on, and one it must not be (0: none,
// every interface listens).
uint32_t reachable(uint32_t address) { return address == 0 ? kLoopback3 : address; }
uint32_t unreachable(uint32_t address) { return address == 0 ? 0 : address == kLoopback ? kLoopback2 : kLoopback; }

sockaddr_in endpoint(uint32_t address, uint16_t port) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(address);
    a.sin_port = htons(port);
    return a;
}

// A UDP socket bound to address:port without SO_REUSEADDR: binding fails iff a socket of the
// bridge holds that address (or every address) on the port.
bool host_can_bind_udp(uint32_t address, uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    const sockaddr_in a = endpoint(address, port);
    const bool bound = ::bind(fd, reinterpret_cast<const sockaddr *>(&a), sizeof a) == 0;
    ::close(fd);
    return bound;
}

void send_datagram(uint32_t from, uint32_t to, uint16_t port, const std::string &bytes) {
    const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    const sockaddr_in source = endpoint(from, 0), destination = endpoint(to, port);
    ASSERT_EQ(::bind(fd, reinterpret_cast<const sockaddr *>(&source), sizeof source), 0);
    ASSERT_EQ(::sendto(fd, bytes.data(), bytes.size(), 0, reinterpret_cast<const sockaddr *>(&destination), sizeof destination),
              static_cast<ssize_t>(bytes.size()));
    ::close(fd);
}

// UDPRead on the stream at kUdpBuffer: the datagram's bytes.
std::string read_datagram(BridgeHarness &h, uint16_t cs_code = kUdpRead) {
    constexpr uint32_t pb = 0x4200;
    prepare_read(h, pb, kUdpBuffer, 5);
    h.control(cs_code, pb);
    if (!h.pump_until([&] { return h.io_result(pb) <= 0; }) || h.io_result(pb) != 0) return "(no datagram)";
    return guest_string(h, h.host.get32(pb + U::receive::rcvBuff.offset), h.host.get16(pb + U::receive::rcvBuffLen.offset));
}

}  // namespace

TEST(ListenAddress, ParsesEverySpellingAndKeepsTheAddressOnAMalformedOne) {
    for (const Spelling &s : kSpellings) {
        ListenAddress listen;
        EXPECT_FALSE(listen.configure("192.0.2.7"));
        EXPECT_FALSE(listen.configure(s.pref)) << s.pref;
        EXPECT_EQ(listen.address(), s.address) << s.pref;
        EXPECT_EQ(listen.every_interface(), s.address == 0) << s.pref;
        EXPECT_EQ(listen.loopback_only(), s.address != 0) << s.pref;
        EXPECT_EQ(listen.names_an_interface(), s.address == kLoopback2) << s.pref;
    }
    ListenAddress listen;
    EXPECT_FALSE(listen.configure("192.0.2.7"));
    EXPECT_FALSE(listen.loopback_only());
    for (const char *bad : {"nonsense", "127.0.0", "1.2.3.4.5", " any", "::1"}) {
        EXPECT_TRUE(listen.configure(bad)) << bad;
        EXPECT_EQ(listen.address(), 0xC0000207u) << bad;
    }
}

TEST(ListenAddress, AMalformedPrefIsLoggedAndLeavesLoopback) {
    TcpHarness h(Prefs{{"ipplisten", "nonsense"}});
    EXPECT_TRUE(std::any_of(h.host.logs.begin(), h.host.logs.end(),
                            [](const std::string &line) { return line.find("ipplisten 'nonsense'") != std::string::npos; }));
    ASSERT_EQ(h.create(kStream), 0);
    h.passive_open(0x5000, kStream, 0);
    EXPECT_EQ(h.host.get32(0x5000 + T::open::localHost.offset), kLoopback);
}

TEST(ListenAddress, TcpListenersListenOnIt) {
    for (const Spelling &s : kSpellings) {
        SCOPED_TRACE(s.pref);
        TcpHarness h(Prefs{{"ipplisten", s.pref}});
        ASSERT_EQ(h.create(kStream), 0);
        h.passive_open(0x5000, kStream, 0);
        ASSERT_EQ(h.result(0x5000), err::inProgress);
        const uint16_t port = h.host.get16(0x5000 + T::open::localPort.offset);
        // Every interface: the guest is told the host's outward address.
        EXPECT_EQ(h.host.get32(0x5000 + T::open::localHost.offset), s.address ? s.address : discover_host_network().address);
        if (const uint32_t other = unreachable(s.address)) {
            EXPECT_LT(connect_to(port, other).fd, 0);
        }
        HostPeer client = connect_to(port, reachable(s.address));
        ASSERT_GE(client.fd, 0);
        ASSERT_TRUE(h.wait_done(0x5000));
        EXPECT_EQ(h.result(0x5000), 0);
    }
}

// A multi-port stream is bound on the listen address only: the rest of the host's addresses
// keep their ports.
TEST(ListenAddress, UdpMultiPortStreamsBindOnIt) {
    for (const Spelling &s : kSpellings) {
        SCOPED_TRACE(s.pref);
        BridgeHarness h(Prefs{{"ipplisten", s.pref}});
        uint16_t first = 0;
        for (int attempt = 0; attempt < 20 && first == 0; ++attempt) {
            const uint16_t base = static_cast<uint16_t>(LoopbackPeer().port + 1 + attempt * 7);
            if (base > 65000) continue;
            if (udp_create(h, kUdpBuffer, 4096, base, 0, 0, BridgeHarness::kPb, static_cast<uint16_t>(base + 1)) == 0)
                first = base;
        }
        ASSERT_NE(first, 0);
        const uint16_t second = static_cast<uint16_t>(first + 1);
        if (const uint32_t other = unreachable(s.address)) {
            EXPECT_TRUE(host_can_bind_udp(other, second));
        } else {
            EXPECT_FALSE(host_can_bind_udp(kLoopback3, second));  // every interface is ours
        }
        send_datagram(kLoopback, reachable(s.address), second, "to the listen address");
        EXPECT_EQ(read_datagram(h, kUdpMultiRead), "to the listen address");
    }
}

// UDP streams take datagrams from other hosts only when ipplisten reaches beyond this host. A
// datagram from the host's own outward address stands in for another host's.
TEST(ListenAddress, UdpStreamsFilterSendersByIt) {
    const HostNetworkInfo network = discover_host_network();
    if (!network.found_outward_interface) GTEST_SKIP() << "no non-loopback IPv4 address to send from";
    auto run = [&](const std::string &pref, uint32_t address) {
        SCOPED_TRACE(pref);
        BridgeHarness h(Prefs{{"ipplisten", pref}});
        ASSERT_EQ(udp_create(h, kUdpBuffer, 8192), 0);
        const uint16_t port = created_port(h);
        send_datagram(network.address, kLoopback, port, "from outside");
        send_datagram(kLoopback, kLoopback, port, "from loopback");
        const bool from_anyone = (address >> 24) != 127;
        EXPECT_EQ(read_datagram(h), from_anyone ? "from outside" : "from loopback");
    };
    for (const Spelling &s : kSpellings) run(s.pref, s.address);
    run(format_ipv4(network.address), network.address);  // an outward interface named
}

// ICMP echo: a named interface is where echoes leave from (and replies are taken); the other
// spellings leave the socket on every interface. Pinging loopback works either way.
TEST(ListenAddress, IcmpEchoUsesIt) {
    constexpr uint16_t kEcho = 17;
    constexpr uint32_t kEchoPb = 0x4400;
    namespace I = layout::icmp_echo;
    for (const Spelling &s : kSpellings) {
        SCOPED_TRACE(s.pref);
        BridgeHarness h(Prefs{{"ipplisten", s.pref}, {"ipplog", "info"}});
        clear_pb(h, kEchoPb, I::replySize);
        h.host.put32(kEchoPb + I::dest.offset, kLoopback);
        h.host.put16(kEchoPb + I::timeout.offset, 3);
        h.control(kEcho, kEchoPb, true);
        ASSERT_TRUE(h.pump_until([&] { return h.io_result(kEchoPb) <= 0; }, std::chrono::seconds(6)));
        auto logged = [&](const std::string &text) {
            return std::any_of(h.host.logs.begin(), h.host.logs.end(),
                               [&](const std::string &line) { return line.find(text) != std::string::npos; });
        };
        if (logged("ICMP echo unavailable")) {
            EXPECT_EQ(h.io_result(kEchoPb), err::icmpEchoTimeoutErr);
            continue;
        }
        EXPECT_EQ(h.io_result(kEchoPb), 0);
        EXPECT_TRUE(logged(s.address == kLoopback2 ? "ICMP socket on 127.0.0.2" : "ICMP socket on every interface"));
    }
}

}  // namespace mtb::test
