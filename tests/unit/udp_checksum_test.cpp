// The UDPWrite checksum flag (0: checksum field 0, via SO_NO_CHECK), seen on the wire by a raw
// socket where the host allows one; ICMP report types; ICMP echo packet checksums.
// SPDX-License-Identifier: GPL-2.0-or-later
#include <gtest/gtest.h>

#include <linux/filter.h>
#include <netinet/ip.h>

#include <iterator>

#include "driver/mactcp_codes.h"
#include "ip/icmp_packet.h"
#include "udp/icmp_report.h"
#include "udp_test_support.h"

namespace mtb::test {

namespace {
// A raw socket that sees the UDP datagrams to `port` only: unfiltered, it would see every UDP
// datagram of the host, and parallel tests send enough to overflow its queue before ours comes.
int open_capture(uint16_t port) {
    const int raw = ::socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_UDP);
    if (raw < 0) return raw;
    sock_filter code[] = {
        BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 0),              // x = IP header length
        BPF_STMT(BPF_LD | BPF_H | BPF_IND, 2),               // a = UDP destination port
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, port, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, 0xFFFF),
        BPF_STMT(BPF_RET | BPF_K, 0),
    };
    sock_fprog program{static_cast<unsigned short>(std::size(code)), code};
    if (::setsockopt(raw, SOL_SOCKET, SO_ATTACH_FILTER, &program, sizeof program) != 0) {
        ::close(raw);
        return -1;
    }
    // Datagrams queued before the filter was attached may be anyone's: the port check stays.
    return raw;
}

// The checksum field of the next UDP datagram to `port` seen by the capture socket, or empty.
std::optional<uint16_t> captured_checksum(int raw, uint16_t port) {
    std::vector<uint8_t> packet(70000);
    for (int attempt = 0; attempt < 50; ++attempt) {
        pollfd p{raw, POLLIN, 0};
        if (::poll(&p, 1, 200) != 1) return std::nullopt;
        const ssize_t n = ::recv(raw, packet.data(), packet.size(), 0);
        if (n < 28) continue;
        const size_t ihl = (packet[0] & 0x0F) * 4u;
        if (static_cast<size_t>(n) < ihl + 8) continue;
        const uint16_t destination = static_cast<uint16_t>((packet[ihl + 2] << 8) | packet[ihl + 3]);
        if (destination == port) return static_cast<uint16_t>((packet[ihl + 6] << 8) | packet[ihl + 7]);
    }
    return std::nullopt;
}
}  // namespace

TEST(UdpChecksum, FlagZeroSendsAZeroChecksumField) {
    BridgeHarness h;
    LoopbackPeer peer;
    const int raw = open_capture(peer.port);
    if (raw < 0) GTEST_SKIP() << "no raw socket on this host to look at the wire with";
    ASSERT_EQ(udp_create(h), 0);
    put_wds(h, {"checksummed?"});
    prepare_write(h, BridgeHarness::kPb, kUdpBuffer, kLoopback, peer.port, kWds, false);
    ASSERT_EQ(h.control(kUdpWrite), 0);
    const auto without = captured_checksum(raw, peer.port);
    prepare_write(h, BridgeHarness::kPb, kUdpBuffer, kLoopback, peer.port, kWds, true);
    ASSERT_EQ(h.control(kUdpWrite), 0);
    const auto with = captured_checksum(raw, peer.port);
    ::close(raw);
    ASSERT_TRUE(without && with);
    EXPECT_EQ(*without, 0);
    EXPECT_NE(*with, 0);
}

TEST(UdpIcmpReport, HostMessagesMapToMacTcpReportTypes) {
    EXPECT_EQ(report_type_for(3, 0), icmp_report_type::netUnreach);
    EXPECT_EQ(report_type_for(3, 1), icmp_report_type::hostUnreach);
    EXPECT_EQ(report_type_for(3, 2), icmp_report_type::protocolUnreach);
    EXPECT_EQ(report_type_for(3, 3), icmp_report_type::portUnreach);
    EXPECT_EQ(report_type_for(3, 4), icmp_report_type::fragReqd);
    EXPECT_EQ(report_type_for(3, 5), icmp_report_type::sourceRouteFailed);
    EXPECT_EQ(report_type_for(3, 6), icmp_report_type::netUnreach);
    EXPECT_EQ(report_type_for(3, 13), icmp_report_type::hostUnreach);
    EXPECT_EQ(report_type_for(11, 0), icmp_report_type::timeExceeded);
    EXPECT_EQ(report_type_for(12, 0), icmp_report_type::parmProblem);
    EXPECT_FALSE(report_type_for(0, 0));  // echo reply
    EXPECT_FALSE(report_type_for(5, 1));  // redirect
}

TEST(IcmpPacket, EchoRequestChecksumAndReplyParsing) {
    const uint8_t payload[] = {1, 2, 3};  // odd length: the last byte is padded with zero
    const auto header = icmp_packet::echo_request_header(0x1234, 7, payload);
    EXPECT_EQ(header[0], 8);
    // The one's-complement sum over header and payload comes to 0xFFFF.
    uint32_t sum = 0;
    std::vector<uint8_t> all(header.begin(), header.end());
    all.insert(all.end(), payload, payload + 3);
    all.push_back(0);
    for (size_t i = 0; i < all.size(); i += 2) sum += (all[i] << 8) | all[i + 1];
    while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
    EXPECT_EQ(sum, 0xFFFFu);
    // A reply behind a 20-byte IP header (raw sockets) and without one (datagram sockets).
    std::vector<uint8_t> packet(20, 0);
    packet[0] = 0x45;
    packet[12] = 127, packet[15] = 1;
    const uint8_t reply[] = {0, 0, 0, 0, 0x12, 0x34, 0, 7, 'h', 'i'};
    packet.insert(packet.end(), reply, reply + sizeof reply);
    const auto raw = icmp_packet::parse_echo_reply(packet, true);
    ASSERT_TRUE(raw);
    EXPECT_EQ(raw->source, 0x7F000001u);
    EXPECT_EQ(raw->identifier, 0x1234);
    EXPECT_EQ(raw->sequence, 7);
    EXPECT_EQ(std::string(raw->payload.begin(), raw->payload.end()), "hi");
    EXPECT_TRUE(icmp_packet::parse_echo_reply(std::span<const uint8_t>(reply, sizeof reply), false));
    EXPECT_FALSE(icmp_packet::parse_echo_reply(std::span<const uint8_t>(reply, 7), false));  // short
    EXPECT_FALSE(icmp_packet::parse_echo_reply(std::span<const uint8_t>(packet.data(), 19), true));
    packet[20] = 8;  // a request, not a reply
    EXPECT_FALSE(icmp_packet::parse_echo_reply(packet, true));
}

}  // namespace mtb::test
