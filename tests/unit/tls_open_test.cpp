// `ipptls` at the bridge: rules are checked at start (each refused rule named in the log), and a
// TCPActiveOpen that a rule matches never goes out in plaintext. Until the TLS data path is
// carried by the host-operations layer, such an open fails with openFailed and one log line
// naming host, port and reason; connections no rule matches are untouched.
// SPDX-License-Identifier: GPL-2.0-or-later
#include <gtest/gtest.h>

#include "tcp_test_support.h"

namespace mtb::test {
namespace {

constexpr uint32_t kStream = 0x10000;

bool logged(const FakeHost &host, const std::string &text) {
    for (const std::string &line : host.logs)
        if (line.find(text) != std::string::npos) return true;
    return false;
}

TEST(TlsOpen, MalformedAndLoopingRulesAreNamedAtStart) {
    TcpHarness h({{"ipptls", "143=993,110=x995,993=995"}, {"ipplog", "info"}});
    EXPECT_TRUE(logged(h.host, "ipptls rule '110=x995' refused"));
    EXPECT_TRUE(logged(h.host, "ipptls rule '993=995' refused"));
    EXPECT_TRUE(logged(h.host, "ipptls rule '143=993' refused"));
}

TEST(TlsOpen, AMatchingOpenNeverGoesOutInPlaintext) {
    HostListener plain;
    TcpHarness h({{"ipptls", std::to_string(plain.port) + "=993@127.0.0.0/8"}});
    ASSERT_EQ(h.create(kStream), 0);
    h.active_open(0x5000, kStream, plain.port);
    ASSERT_TRUE(h.pump_until([&] { return h.result(0x5000) <= 0; }));
    EXPECT_EQ(h.result(0x5000), err::openFailed);
    EXPECT_TRUE(logged(h.host, "TLS to 127.0.0.1 port 993 (ipptls rule '" + std::to_string(plain.port) +
                                   "=993@127.0.0.0/8') failed"));
    EXPECT_EQ(plain.accept(200).fd, -1);  // nothing reached the plaintext port
}

TEST(TlsOpen, OtherConnectionsAreUntouched) {
    HostListener plain;
    TcpHarness h({{"ipptls", std::to_string(plain.port) + "=993@10.0.0.0/8"}});
    ASSERT_EQ(h.create(kStream), 0);
    h.active_open(0x5000, kStream, plain.port);  // 127.0.0.1 is outside the rule's limit
    ASSERT_TRUE(h.pump_until([&] { return h.result(0x5000) <= 0; }));
    EXPECT_EQ(h.result(0x5000), err::noErr);
    EXPECT_NE(plain.accept().fd, -1);
}

}  // namespace
}  // namespace mtb::test

namespace mtb::test {
namespace {

TEST(Ipv6StandIns, ConnectionsToStandInsFailUntilIpv6IsWired) {
    TcpHarness h;
    ASSERT_EQ(h.create(kStream), 0);
    h.active_open(0x5000, kStream, 143, true, 10, 1, 0, 0xC6120001);  // 198.18.0.1
    ASSERT_TRUE(h.pump_until([&] { return h.result(0x5000) <= 0; }));
    EXPECT_EQ(h.result(0x5000), err::openFailed);
    EXPECT_TRUE(logged(h.host, "198.18.0.1:143: a stand-in for an IPv6-only host"));
}

}  // namespace
}  // namespace mtb::test
