// The Control path: validation, unknown calls, GetAddr/MTU, KillIO, Open/Close.
// SPDX-License-Identifier: GPL-2.0-or-later
#include <gtest/gtest.h>

#include "bridge_harness.h"
#include "driver/mactcp_codes.h"

namespace mtb::test {

namespace L = layout;

TEST(DriverDispatch, OpenChecksTheDriverImageAndCloseIsRefused) {
    BridgeHarness h;
    EXPECT_EQ(h.open_result, 0);
    GuestRegs regs;
    regs.d[0] = 4;  // Close
    h.bridge.emul_op(regs);
    EXPECT_EQ(static_cast<int32_t>(regs.d[0]), err::closErr);

    FakeHost host;
    Bridge bridge(host, host);
    host.put32(FakeHost::kDceAddress, 0x2000);  // a DCE that points at something else
    GuestRegs open;
    open.a[1] = FakeHost::kDceAddress;
    bridge.emul_op(open);
    EXPECT_EQ(static_cast<int32_t>(open.d[0]), err::ipLoadErr);
}

TEST(DriverDispatch, UnknownCsCodesAnswerControlErr) {
    BridgeHarness h;
    for (uint16_t cs : {0, 2, 14, 16, 18, 33, 44, 49, 50, 200, 0xFFFF}) {
        EXPECT_EQ(h.control(cs), err::controlErr) << cs;
        EXPECT_EQ(h.io_result(), err::controlErr) << cs;
    }
}

TEST(DriverDispatch, ParameterBlocksOutsideRamAreRefusedWithoutTouchingIt) {
    BridgeHarness h;
    GuestRegs regs;
    regs.d[0] = 2;
    regs.a[0] = FakeHost::kRamSize - 10;  // header runs off the end
    regs.a[1] = FakeHost::kDceAddress;
    h.bridge.emul_op(regs);
    EXPECT_EQ(static_cast<int32_t>(regs.d[0]), err::controlErr);
    regs = {};
    regs.d[0] = 2;
    regs.a[0] = 0xFFFFFFF0;  // wraps around 32 bits
    h.bridge.emul_op(regs);
    EXPECT_EQ(static_cast<int32_t>(regs.d[0]), err::controlErr);

    // A TCP block whose header fits but whose body does not.
    const uint32_t pb = FakeHost::kRamSize - 40;
    EXPECT_EQ(h.control(static_cast<uint16_t>(CsCode::tcpStatus), pb), err::invalidStreamPtr);
    EXPECT_EQ(h.io_result(pb), err::invalidStreamPtr);
}

TEST(DriverDispatch, GetAddrWritesOnlyItsThirtySixBytes) {
    BridgeHarness h;
    for (uint32_t i = 0; i < 64; ++i) h.host.put8(BridgeHarness::kPb + i, 0xAA);
    EXPECT_EQ(h.control(static_cast<uint16_t>(CsCode::ipctlGetAddr)), 0);
    const uint32_t address = h.host.get32(BridgeHarness::kPb + 28);
    const uint32_t mask = h.host.get32(BridgeHarness::kPb + 32);
    EXPECT_NE(address, 0u);
    EXPECT_EQ(address & mask, address & mask);
    EXPECT_NE(mask, 0u);
    EXPECT_EQ(~mask & (~mask + 1), 0u) << "netmask must be contiguous";
    for (uint32_t i = 36; i < 64; ++i) EXPECT_EQ(h.host.get8(BridgeHarness::kPb + i), 0xAA) << i;
}

TEST(DriverDispatch, MaxMtuNeedsNoStreamAndStaysInOldUdpBlock) {
    BridgeHarness h;
    for (uint32_t i = 0; i < 64; ++i) h.host.put8(BridgeHarness::kPb + i, 0xAA);
    h.host.put32(BridgeHarness::kPb + L::udp::mtu::remoteHost.offset, 0x7F000001);
    EXPECT_EQ(h.control(static_cast<uint16_t>(CsCode::udpMaxMTUSize)), 0);
    const uint16_t mtu = h.host.get16(BridgeHarness::kPb + 32);
    EXPECT_GE(mtu, 548);
    EXPECT_LE(mtu, 65507);
    for (uint32_t i = 52; i < 64; ++i) EXPECT_EQ(h.host.get8(BridgeHarness::kPb + i), 0xAA) << i;
    // An address off our subnet gets the 576-byte guarantee.
    h.host.put32(BridgeHarness::kPb + L::udp::mtu::remoteHost.offset, 0x08080808);
    EXPECT_EQ(h.control(static_cast<uint16_t>(CsCode::udpMaxMTUSize)), 0);
    EXPECT_EQ(h.host.get16(BridgeHarness::kPb + 32), 548);
}

TEST(DriverDispatch, AnUnknownEntrySelectorStillFinishesTheRequest) {
    BridgeHarness h;
    h.host.put16(BridgeHarness::kPb + 16, 1);
    GuestRegs regs;
    regs.d[0] = 0x007F0002;  // a selector with garbage in its upper half
    regs.a[0] = BridgeHarness::kPb;
    h.bridge.emul_op(regs);
    EXPECT_EQ(static_cast<int32_t>(regs.d[0]), err::controlErr);
    EXPECT_EQ(h.io_result(), err::controlErr);  // a caller spinning on ioResult is released
}

TEST(DriverDispatch, StatusAndPrimeAreNotMacTcpCalls) {
    BridgeHarness h;
    GuestRegs regs;
    regs.d[0] = 3;
    regs.a[0] = BridgeHarness::kPb;
    h.bridge.emul_op(regs);
    EXPECT_EQ(static_cast<int32_t>(regs.d[0]), err::statusErr);
    EXPECT_EQ(h.io_result(), err::statusErr);
}

}  // namespace mtb::test

namespace mtb::test {

namespace {
// A host that cannot show its RAM as one region (Basilisk II "banks" addressing).
class NoRamHost final : public HostEnvironment {
public:
    GuestMemory memory() override { return GuestMemory(); }
    void raise_interrupt() override {}
    std::optional<std::string> pref(std::string_view) override { return std::nullopt; }
    void log(LogLevel, std::string_view line) override { lines.emplace_back(line); }
    std::vector<std::string> lines;
};
}  // namespace

TEST(DriverDispatch, WithoutContiguousRamEveryCallFailsAndOneLineSaysWhy) {
    NoRamHost host;
    FakeHost cpu;
    Bridge bridge(host, cpu);
    for (int i = 0; i < 3; ++i) {
        GuestRegs regs;
        regs.d[0] = 2;
        regs.a[0] = 0x4000;
        bridge.emul_op(regs);
        EXPECT_EQ(static_cast<int32_t>(regs.d[0]), err::controlErr);
    }
    int said = 0;
    for (const auto &line : host.lines) said += line.find("no contiguous guest RAM") != std::string::npos;
    EXPECT_EQ(said, 1);
}

}  // namespace mtb::test
