// UDP to and from IPv6-only hosts (issue 15): a name with only AAAA records resolves to a
// stand-in from 198.18.0.0/15 (here for ::1, served by the tests' DNS server); datagrams the
// guest sends to the stand-in reach the IPv6 host from the stream's port, the host's replies
// reach the guest as coming from the stand-in, its ICMPv6 errors as the ICMP report an IPv4
// host's would give, and the stream holds the mapping until it is released. Traces record the
// IPv6 addresses and replay.
// SPDX-License-Identifier: GPL-2.0-or-later
#include <gtest/gtest.h>

#include <fstream>

#include "dnr/ipv6_mapping_pool.h"
#include "dnr_harness.h"
#include "driver/mactcp_codes.h"
#include "net/forwarding_host_io.h"
#include "net/live_host_io.h"
#include "test_dns_server.h"
#include "trace_lines.h"
#include "trace_replay.h"
#include "udp_test_support.h"

namespace mtb::test {
namespace {

constexpr uint32_t kReadPb = 0x5000;
constexpr uint32_t kAsr = 0xA000;

// The live host with its clock moved on by what the test says (wake-ups kept on the real one).
class ShiftedClockIo final : public net::ForwardingHostIo {
public:
    explicit ShiftedClockIo(FakeHost &host) : ForwardingHostIo(live_), live_(host) {}
    net::Clock::time_point now() override { return inner().now() + shift; }
    void arm_wake_up(std::optional<net::Clock::time_point> deadline) override {
        inner().arm_wake_up(deadline ? std::optional(*deadline - shift) : std::nullopt);
    }
    net::Clock::duration shift{};

private:
    net::LiveHostIo live_;
};

bool logged(const FakeHost &host, const std::string &text) {
    for (const std::string &line : host.logs)
        if (line.find(text) != std::string::npos) return true;
    return false;
}

uint32_t lookup(BridgeHarness &h, const std::string &name) {
    return look_up_for_connect(h.host, h.bridge, name, [&](const std::function<bool()> &done) { return h.pump_until(done); });
}

int32_t write_text(BridgeHarness &h, uint32_t stream, uint32_t host, uint16_t port, const std::string &text,
                   bool checksum = true) {
    put_wds(h, {text});
    prepare_write(h, BridgeHarness::kPb, stream, host, port, kWds, checksum);
    return h.control(kUdpWrite);
}

int16_t read(BridgeHarness &h, uint32_t stream) {
    prepare_read(h, kReadPb, stream, 5);
    h.control(kUdpRead, kReadPb, true, 0x9000);
    h.pump_until([&] { return h.io_result(kReadPb) <= 0; }, std::chrono::seconds(10));
    return h.io_result(kReadPb);
}

std::string read_bytes(BridgeHarness &h) {
    return guest_string(h, h.host.get32(kReadPb + U::receive::rcvBuff.offset), h.host.get16(kReadPb + U::receive::rcvBuffLen.offset));
}

}  // namespace

TEST(UdpIpv6, DatagramsBothWaysWithAnAaaaOnlyHostAndTheTraceReplays) {
    TestDnsServer dns;
    dns.add_standard_zone();  // v6only.test.example: AAAA ::1 only
    const std::string path = "/tmp/mtb_udp_ipv6_" + std::to_string(::getpid()) + ".jsonl";
    Ipv6LoopbackPeer peer;
    {
        BridgeHarness h({{"ippdns", dns.pref(300)}, {"ipptrace", path}});
        const uint32_t stand_in = lookup(h, "v6only.test.example");
        ASSERT_TRUE(dnr::Ipv6MappingPool::in_pool(stand_in)) << std::hex << stand_in;
        ASSERT_EQ(udp_create(h), 0);
        const uint16_t port = created_port(h);

        // Checksummed both ways (IPv6 UDP always carries one; the flag cannot turn it off).
        ASSERT_EQ(write_text(h, kUdpBuffer, stand_in, peer.port, "to an IPv6-only host"), 0);
        auto got = peer.receive();
        ASSERT_TRUE(got);
        EXPECT_EQ(got->bytes, "to an IPv6-only host");
        EXPECT_EQ(got->from_port, port);  // the stream's own port, over IPv6 too
        ASSERT_EQ(write_text(h, kUdpBuffer, stand_in, peer.port, "no checksum asked", false), 0);
        got = peer.receive();
        ASSERT_TRUE(got);
        EXPECT_EQ(got->bytes, "no checksum asked");

        // The reply comes from ::1, which the guest knows as the stand-in.
        peer.send_to(port, "and back over IPv6");
        ASSERT_EQ(read(h, kUdpBuffer), 0);
        EXPECT_EQ(read_bytes(h), "and back over IPv6");
        EXPECT_EQ(h.host.get32(kReadPb + U::receive::remoteHost.offset), stand_in);
        EXPECT_EQ(h.host.get16(kReadPb + U::receive::remotePort.offset), peer.port);
        EXPECT_EQ(bfr_return(h, kUdpBuffer, h.host.get32(kReadPb + U::receive::rcvBuff.offset)), 0);
        // A large datagram, byte for byte.
        std::string large(8000, '\0');
        for (std::size_t i = 0; i < large.size(); ++i) large[i] = static_cast<char>(i * 7 + i / 251);
        peer.send_to(port, large);
        ASSERT_EQ(read(h, kUdpBuffer), 0);
        EXPECT_EQ(read_bytes(h), large);
        EXPECT_EQ(udp_stream_call(h, kUdpRelease, kUdpBuffer), 0);
    }
    const trace::Trace t = read_checked_trace(path);
    bool sent6 = false, received6 = false, opened6 = false;
    for (const trace::Record *record : records_of(t, "host")) {
        const nlohmann::json &r = record->json;
        const std::string op = r["op"].get<std::string>();
        if (op == "open" && r["kind"] == "udp6") opened6 = true;
        if (op == "send_to" && r.value("host6", "") == "::1") sent6 = true;
        if (op == "receive_from" && r.value("fhost6", "") == "::1") received6 = true;
    }
    EXPECT_TRUE(opened6);
    EXPECT_TRUE(sent6);
    EXPECT_TRUE(received6);
    auto model = trace::check_model(t);
    ASSERT_TRUE(std::holds_alternative<trace::Model>(model));
    const trace::ReplayResult result = trace::replay(t, std::get<trace::Model>(model));
    EXPECT_TRUE(result.identical) << result.report;
}

TEST(UdpIpv6, AStandInWithoutAMappingIsARouteErrorWithALogLine) {
    BridgeHarness h;
    ASSERT_EQ(udp_create(h), 0);
    EXPECT_EQ(write_text(h, kUdpBuffer, 0xC6120001, 53, "anyone?"), err::ipRouteErr);  // 198.18.0.1, never handed out
    EXPECT_TRUE(logged(h.host, "UDPWrite to 198.18.0.1:53: no IPv6 host stands behind this address"));
}

// The mapping outlives its TTL while a stream that sent to the stand-in lives, and expires
// once the last such stream is released.
TEST(UdpIpv6, TheMappingIsHeldWhileAStreamThatSentToItLives) {
    constexpr uint32_t kBufferB = 0x30000, kBufferC = 0x40000;
    TestDnsServer dns;
    dns.add_standard_zone();
    Ipv6LoopbackPeer peer;
    BridgeHarness h(inject<ShiftedClockIo>, {{"ippdns", dns.pref(300)}});
    auto &io = *static_cast<ShiftedClockIo *>(h.injected.io);
    const uint32_t stand_in = lookup(h, "v6only.test.example");
    ASSERT_TRUE(dnr::Ipv6MappingPool::in_pool(stand_in));
    ASSERT_EQ(udp_create(h), 0);
    ASSERT_EQ(write_text(h, kUdpBuffer, stand_in, peer.port, "A"), 0);
    ASSERT_TRUE(peer.receive());

    io.shift = std::chrono::hours(2);  // far past the record's TTL and the pool's minimum
    ASSERT_EQ(udp_create(h, kBufferB, 8192), 0);
    EXPECT_EQ(write_text(h, kBufferB, stand_in, peer.port, "B"), 0);  // A holds it: still ::1
    EXPECT_EQ(peer.receive()->bytes, "B");
    EXPECT_EQ(udp_stream_call(h, kUdpRelease, kUdpBuffer), 0);
    EXPECT_EQ(write_text(h, kBufferB, stand_in, peer.port, "B again"), 0);  // B holds it now
    EXPECT_EQ(peer.receive()->bytes, "B again");
    EXPECT_EQ(udp_stream_call(h, kUdpRelease, kBufferB), 0);

    ASSERT_EQ(udp_create(h, kBufferC, 8192), 0);
    EXPECT_EQ(write_text(h, kBufferC, stand_in, peer.port, "C"), err::ipRouteErr);
    EXPECT_TRUE(logged(h.host, ": no IPv6 host stands behind this address (its lookup expired)"));
    EXPECT_FALSE(peer.receive(100));
}

// The IPv6 host's port unreachable (ICMPv6 type 1 code 4) is UDPICMPReceived with portUnreach
// and the stand-in as the remote host.
TEST(UdpIpv6, Icmpv6PortUnreachableIsReportedForTheStandIn) {
    TestDnsServer dns;
    dns.add_standard_zone();
    BridgeHarness h({{"ippdns", dns.pref(300)}});
    const uint32_t stand_in = lookup(h, "v6only.test.example");
    ASSERT_EQ(udp_create(h, kUdpBuffer, 8192, 0, kAsr), 0);
    const uint16_t port = created_port(h);
    uint16_t closed;
    {
        Ipv6LoopbackPeer gone;
        closed = gone.port;
    }
    std::vector<uint8_t> report;
    h.host.on_call = [&](uint32_t, GuestRegs &regs) {
        if (regs.d[0] == 2) report.assign(h.host.ram.begin() + regs.a[1], h.host.ram.begin() + regs.a[1] + 24);
    };
    ASSERT_EQ(write_text(h, kUdpBuffer, stand_in, closed, "anyone?"), 0);
    ASSERT_TRUE(h.pump_until([&] { return !report.empty(); }));
    auto be32 = [&](int at) { return (uint32_t{report[at]} << 24) | (report[at + 1] << 16) | (report[at + 2] << 8) | report[at + 3]; };
    auto be16 = [&](int at) { return static_cast<uint16_t>((report[at] << 8) | report[at + 1]); };
    EXPECT_EQ(be32(0), kUdpBuffer);  // streamPtr
    EXPECT_EQ(be16(8), port);        // localPort
    EXPECT_EQ(be32(10), stand_in);   // remoteHost
    EXPECT_EQ(be16(14), closed);     // remotePort
    EXPECT_EQ(be16(16), 3);          // portUnreach
}

}  // namespace mtb::test
