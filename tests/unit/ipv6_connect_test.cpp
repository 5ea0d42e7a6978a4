// IPv6-only hosts through the bridge (issue 15): a name with only AAAA records resolves to a
// stand-in from 198.18.0.0/15, and a TCPActiveOpen to the stand-in connects to the IPv6 address
// behind it (here ::1, served by the tests' DNS server), plain or over TLS, with data both ways,
// and the trace records the IPv6 address the connection went to.
// SPDX-License-Identifier: GPL-2.0-or-later
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <future>

#include "dnr/dnr_layout.h"
#include "dnr/ipv6_mapping_pool.h"
#include "dnr_harness.h"
#include "loopback_socket.h"
#include "tcp_test_support.h"
#include "test_dns_server.h"
#include "test_tls_server.h"

namespace mtb::test {
namespace {

constexpr uint32_t kStream = 0x10000;
constexpr uint32_t kData = 0x80000;

// A listener on [::1]:ephemeral.
struct HostListener6 {
    int fd = -1;
    uint16_t port = 0;
    HostListener6() {
        const LoopbackSocket bound = bind_loopback(AF_INET6, SOCK_STREAM);
        fd = bound.fd;
        port = bound.port;
        ::listen(fd, 8);
    }
    ~HostListener6() { ::close(fd); }
    HostPeer accept(int timeout_ms = 3000) const {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, timeout_ms) <= 0) return HostPeer();
        return HostPeer(::accept4(fd, nullptr, nullptr, SOCK_CLOEXEC));
    }
};

bool logged(const FakeHost &host, const std::string &text) {
    for (const std::string &line : host.logs)
        if (line.find(text) != std::string::npos) return true;
    return false;
}

uint32_t lookup(TcpHarness &h, const std::string &name) {
    return look_up_for_connect(h.host, h.bridge, name, [&](const std::function<bool()> &done) { return h.pump_until(done); });
}

TEST(Ipv6Connect, StandInConnectsToTheIpv6HostWithDataBothWays) {
    TestDnsServer dns;
    dns.add_standard_zone();  // v6only.test.example: AAAA ::1 only
    const std::string trace = "/tmp/mtb_ipv6_connect_" + std::to_string(::getpid()) + ".jsonl";
    HostListener6 listener;
    {
        TcpHarness h({{"ippdns", dns.pref(300)}, {"ipptrace", trace}});
        const uint32_t stand_in = lookup(h, "v6only.test.example");
        ASSERT_TRUE(dnr::Ipv6MappingPool::in_pool(stand_in)) << std::hex << stand_in;
        ASSERT_EQ(h.create(kStream), 0);
        h.active_open(0x5000, kStream, listener.port, true, 10, 1, 0, stand_in);
        ASSERT_TRUE(h.wait_done(0x5000));
        ASSERT_EQ(h.result(0x5000), 0);
        HostPeer peer = listener.accept();
        ASSERT_NE(peer.fd, -1);
        // The guest sees the stand-in as its peer.
        EXPECT_EQ(h.status(kStream), 0);
        EXPECT_EQ(h.host.get32(0x4800 + T::status::remoteHost.offset), stand_in);

        h.send_text(0x5100, kStream, kData, "over IPv6");
        ASSERT_TRUE(h.wait_done(0x5100));
        EXPECT_EQ(peer.read(9), "over IPv6");
        peer.send_all("and back");
        h.rcv(0x5200, kStream, kData + 0x100, 100);
        ASSERT_TRUE(h.wait_done(0x5200));
        EXPECT_EQ(h.get_bytes(kData + 0x100, h.rcv_length(0x5200)), "and back");
        h.close(0x5300, kStream);
        ASSERT_TRUE(h.wait_done(0x5300));
        EXPECT_TRUE(peer.sees_eof());
    }
    bool recorded = false;
    std::ifstream in(trace);
    for (std::string line; std::getline(in, line);)
        if (line.find(R"("connect")") != std::string::npos && line.find(R"("host6":"::1")") != std::string::npos) recorded = true;
    EXPECT_TRUE(recorded);
    ::unlink(trace.c_str());
}

TEST(Ipv6Connect, ExpiredStandInFailsTheOpen) {
    TcpHarness h;
    ASSERT_EQ(h.create(kStream), 0);
    h.active_open(0x5000, kStream, 143, true, 10, 1, 0, 0xC6120001);  // 198.18.0.1, never handed out
    ASSERT_TRUE(h.wait_done(0x5000));
    EXPECT_EQ(h.result(0x5000), err::openFailed);
    EXPECT_TRUE(logged(h.host, "198.18.0.1:143: no IPv6 host stands behind this address"));
}

TEST(Ipv6Connect, TlsToAnIpv6OnlyHostVerifiesItsName) {
    TestDnsServer dns;
    dns.add_standard_zone();
    TestCertificateAuthority ca;
    std::promise<std::string> sni;
    TestTlsServer server(ca.issue({"v6only.test.example"}), [&](TlsServerSession &s) {
        sni.set_value(s.server_name());
        s.write("* OK over TLS over IPv6\r\n");
        s.read_to_end();
    }, true);
    TcpHarness h({{"ippdns", dns.pref(300)}, {"ipptls", "143=" + std::to_string(server.port())}, {"ipptlsca", ca.ca_file()}});
    const uint32_t stand_in = lookup(h, "v6only.test.example");
    ASSERT_EQ(h.create(kStream), 0);
    h.active_open(0x5000, kStream, 143, true, 10, 1, 0, stand_in);
    ASSERT_TRUE(h.wait_done(0x5000, std::chrono::seconds(10)));
    ASSERT_EQ(h.result(0x5000), 0);
    h.rcv(0x5200, kStream, kData, 100, 10);
    ASSERT_TRUE(h.wait_done(0x5200));
    EXPECT_EQ(h.get_bytes(kData, h.rcv_length(0x5200)), "* OK over TLS over IPv6\r\n");
    EXPECT_EQ(sni.get_future().get(), "v6only.test.example");
}

// A client connecting to [::1]:port (blocking connect).
HostPeer connect6_to(uint16_t port) {
    const int fd = ::socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in6 a{};
    a.sin6_family = AF_INET6;
    a.sin6_addr = in6addr_loopback;
    a.sin6_port = htons(port);
    if (::connect(fd, reinterpret_cast<sockaddr *>(&a), sizeof a) != 0) {
        ::close(fd);
        return HostPeer();
    }
    return HostPeer(fd);
}

TEST(Ipv6Listen, Any6ListenersTakeIpv6AndIpv4Clients) {
    constexpr uint32_t kStream2 = 0x20000;
    TcpHarness h(std::map<std::string, std::string>{{"ipplisten", "any6"}});
    ASSERT_EQ(h.create(kStream), 0);
    ASSERT_EQ(h.create(kStream2, 16384, kAsrRoutine, 0x55AA, 0x4100), 0);
    h.passive_open(0x5000, kStream, 0);
    const uint16_t port = h.host.get16(0x5000 + T::open::localPort.offset);
    ASSERT_NE(port, 0);
    h.passive_open(0x5100, kStream2, port);

    HostPeer v6 = connect6_to(port);
    ASSERT_NE(v6.fd, -1);
    ASSERT_TRUE(h.wait_done(0x5000));
    ASSERT_EQ(h.result(0x5000), 0);
    const uint32_t stand_in = h.host.get32(0x5000 + T::open::remoteHost.offset);
    EXPECT_TRUE(dnr::Ipv6MappingPool::in_pool(stand_in)) << std::hex << stand_in;
    v6.send_all("from ::1");
    h.rcv(0x5200, kStream, kData, 100);
    ASSERT_TRUE(h.wait_done(0x5200));
    EXPECT_EQ(h.get_bytes(kData, h.rcv_length(0x5200)), "from ::1");
    h.send_text(0x5300, kStream, kData + 0x100, "to ::1");
    ASSERT_TRUE(h.wait_done(0x5300));
    EXPECT_EQ(v6.read(6), "to ::1");

    // The same listener is dual-stack: an IPv4 client is seen by its own address.
    HostPeer v4 = connect_to(port);
    ASSERT_NE(v4.fd, -1);
    ASSERT_TRUE(h.wait_done(0x5100));
    ASSERT_EQ(h.result(0x5100), 0);
    EXPECT_EQ(h.host.get32(0x5100 + T::open::remoteHost.offset), 0x7F000001u);
}

}  // namespace
}  // namespace mtb::test
