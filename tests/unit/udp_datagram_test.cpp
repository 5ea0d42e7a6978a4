// UDPWrite/UDPRead/UDPBfrReturn against a loopback peer: WDS gather, datagrams in the receive
// buffer, ownership, drops, timeouts, release and KillIO, the ASR (data arrival, ICMP).
// SPDX-License-Identifier: GPL-2.0-or-later
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <chrono>

#include "driver/mactcp_codes.h"
#include "driver/scratch_layout.h"
#include "no_room_io.h"
#include "trace_lines.h"
#include "udp_test_support.h"

namespace mtb::test {

namespace {

constexpr uint32_t kReadPb = 0x5000;
constexpr uint32_t kAsr = 0xA000, kUserData = 0x12345678, kA5 = 0x77000;

struct UdpFixture {
    explicit UdpFixture(uint32_t length = 8192, uint32_t notify = 0, std::map<std::string, std::string> prefs = {})
        : h(std::move(prefs)) {
        EXPECT_EQ(udp_create(h, kUdpBuffer, length, 0, notify, kUserData, BridgeHarness::kPb), 0);
        port = created_port(h);
    }
    // UDPRead (sync unless `async`), pumped until it completes; returns ioResult.
    int16_t read(uint16_t timeout = 5, bool async = false, uint32_t pb = kReadPb) {
        prepare_read(h, pb, kUdpBuffer, timeout);
        h.control(kUdpRead, pb, async, async ? 0x9000 : 0);
        h.pump_until([&] { return h.io_result(pb) <= 0; }, std::chrono::seconds(10));
        return h.io_result(pb);
    }
    uint32_t data(uint32_t pb = kReadPb) { return h.host.get32(pb + U::receive::rcvBuff.offset); }
    uint16_t length(uint32_t pb = kReadPb) { return h.host.get16(pb + U::receive::rcvBuffLen.offset); }
    std::string bytes(uint32_t pb = kReadPb) { return guest_string(h, data(pb), length(pb)); }
    void settle(int ms = 100) { h.pump_until([] { return false; }, std::chrono::milliseconds(ms)); }

    BridgeHarness h;
    LoopbackPeer peer;
    uint16_t port = 0;
};

}  // namespace

TEST(UdpWrite, GathersTheWdsIntoOneDatagram) {
    UdpFixture f;
    put_wds(f.h, {"Hello", ", ", "MacTCP"});
    prepare_write(f.h, BridgeHarness::kPb, kUdpBuffer, kLoopback, f.peer.port);
    EXPECT_EQ(f.h.control(kUdpWrite), 0);
    const auto got = f.peer.receive();
    ASSERT_TRUE(got);
    EXPECT_EQ(got->bytes, "Hello, MacTCP");
    EXPECT_EQ(got->from_port, f.port);
    // Six entries is the most; checksum flag 0 still sends (SO_NO_CHECK where the host allows).
    put_wds(f.h, {"1", "2", "3", "4", "5", "6"});
    prepare_write(f.h, BridgeHarness::kPb, kUdpBuffer, kLoopback, f.peer.port, kWds, false);
    EXPECT_EQ(f.h.control(kUdpWrite), 0);
    EXPECT_EQ(f.peer.receive()->bytes, "123456");
}

TEST(UdpWrite, ZeroLengthDatagramsAreLegalBothWays) {
    UdpFixture f;
    put_wds(f.h, {});
    prepare_write(f.h, BridgeHarness::kPb, kUdpBuffer, kLoopback, f.peer.port);
    EXPECT_EQ(f.h.control(kUdpWrite), 0);
    const auto got = f.peer.receive();
    ASSERT_TRUE(got);
    EXPECT_EQ(got->bytes, "");
    // Zero-length datagrams arrive with length 0, need no BfrReturn and take no room: after 200
    // of them a 2,000-byte datagram still fits a 2,048-byte buffer (the host's own socket
    // buffer bounds how many can be queued at once).
    UdpFixture small(2048);
    for (int i = 0; i < 200; ++i) small.peer.send_to(small.port, "");
    small.peer.send_to(small.port, std::string(2000, 'a'));
    for (int i = 0; i < 200; ++i) {
        ASSERT_EQ(small.read(), 0) << i;
        ASSERT_EQ(small.length(), 0) << i;
    }
    ASSERT_EQ(small.read(), 0);
    EXPECT_EQ(small.bytes(), std::string(2000, 'a'));
    f.peer.send_to(f.port, "");
    ASSERT_EQ(f.read(), 0);
    EXPECT_EQ(f.length(), 0);
    // Returning a zero-length one anyway is accepted (some apps always return).
    EXPECT_EQ(bfr_return(f.h, kUdpBuffer, kUdpBuffer + 8192), 0);
}

TEST(UdpWrite, BadWdsAndLengths) {
    UdpFixture f;
    auto write = [&](uint32_t wds) {
        prepare_write(f.h, BridgeHarness::kPb, kUdpBuffer, kLoopback, f.peer.port, wds);
        return f.h.control(kUdpWrite);
    };
    EXPECT_EQ(write(0), err::invalidWDS);
    put_wds(f.h, {"1", "2", "3", "4", "5", "6", "7"});
    EXPECT_EQ(write(kWds), err::invalidWDS);  // seven entries
    EXPECT_EQ(write(FakeHost::kRamSize - 1), err::invalidWDS);  // the entry runs out of RAM
    EXPECT_EQ(write(0xFFFFFFFE), err::invalidWDS);
    f.h.host.put16(kWds, 10);
    f.h.host.put32(kWds + 2, FakeHost::kRamSize - 5);  // the buffer runs out of RAM
    f.h.host.put16(kWds + 6, 0);
    EXPECT_EQ(write(kWds), err::invalidWDS);
    f.h.host.put32(kWds + 2, 0xFFFFFFF8);  // and wraps
    EXPECT_EQ(write(kWds), err::invalidWDS);
    // Oversize: above 65,535 is invalidLength; 65,508..65,535 cannot be one IPv4 datagram.
    for (int i = 0; i < 2; ++i) {
        f.h.host.put16(kWds + 6 * i, 40000);
        f.h.host.put32(kWds + 6 * i + 2, 0x30000);
    }
    f.h.host.put16(kWds + 12, 0);
    EXPECT_EQ(write(kWds), err::invalidLength);
    f.h.host.put16(kWds, 65535 - 28 + 1);
    f.h.host.put16(kWds + 6, 0);
    EXPECT_EQ(write(kWds), err::ipNoFragMemErr);
    f.h.host.put16(kWds, 65535 - 28);  // the largest that fits
    EXPECT_EQ(write(kWds), 0);
    const auto got = f.peer.receive();
    ASSERT_TRUE(got);
    EXPECT_EQ(got->bytes.size(), 65507u);
    // No datagram goes to port 0 or address 0.
    put_wds(f.h, {"x"});
    prepare_write(f.h, BridgeHarness::kPb, kUdpBuffer, kLoopback, 0);
    EXPECT_EQ(f.h.control(kUdpWrite), err::ipRouteErr);
    prepare_write(f.h, BridgeHarness::kPb, kUdpBuffer, 0, f.peer.port);
    EXPECT_EQ(f.h.control(kUdpWrite), err::ipRouteErr);
}

TEST(UdpWrite, IppallowRefusesOtherDestinations) {
    BridgeHarness h;
    h.host.prefs["ippallow"] = "10.0.0.0/8";
    Bridge bridge(h.host, h.host);  // prefs are read at construction
    h.host.install_driver();
    GuestRegs open;
    open.a[1] = FakeHost::kDceAddress;
    bridge.emul_op(open);
    clear_pb(h, BridgeHarness::kPb);
    h.host.put32(BridgeHarness::kPb + U::create::rcvBuff.offset, kUdpBuffer);
    h.host.put32(BridgeHarness::kPb + U::create::rcvBuffLen.offset, 4096);
    auto control = [&](uint16_t cs) {
        h.host.put16(BridgeHarness::kPb + 6, 0xA004);
        h.host.put16(BridgeHarness::kPb + 26, cs);
        GuestRegs regs;
        regs.d[0] = 2;
        regs.a[0] = BridgeHarness::kPb;
        bridge.emul_op(regs);
        return static_cast<int32_t>(regs.d[0]);
    };
    ASSERT_EQ(control(kUdpCreate), 0);
    LoopbackPeer peer;
    put_wds(h, {"no"});
    prepare_write(h, BridgeHarness::kPb, kUdpBuffer, kLoopback, peer.port);
    EXPECT_EQ(control(kUdpWrite), err::ipRouteErr);
    EXPECT_FALSE(peer.receive(200));
}

// A UDPWrite that finds the host's send queue full never waits for room (a datagram socket
// reports room only after a send found none): it answers "too many datagrams queued"
// (insufficientResources) from the call itself, sync or async, and the next write, with room
// back, goes out.
TEST(UdpWrite, AFullHostSendQueueAnswersAtOnceAndTheNextWriteGoesOut) {
    BridgeHarness h(inject<NoRoomIo>);
    auto &io = *static_cast<NoRoomIo *>(h.injected.io);
    ASSERT_EQ(udp_create(h), 0);
    LoopbackPeer peer;
    put_wds(h, {"first"});
    prepare_write(h, BridgeHarness::kPb, kUdpBuffer, kLoopback, peer.port);
    io.no_room = 1;
    EXPECT_EQ(h.control(kUdpWrite), err::insufficientResources);
    io.no_room = 1;
    prepare_write(h, kReadPb, kUdpBuffer, kLoopback, peer.port);
    h.control(kUdpWrite, kReadPb, true, 0x9000);
    EXPECT_EQ(h.io_result(kReadPb), err::insufficientResources);
    EXPECT_EQ(io.refused, 2);
    put_wds(h, {"second"});
    prepare_write(h, BridgeHarness::kPb, kUdpBuffer, kLoopback, peer.port);
    EXPECT_EQ(h.control(kUdpWrite), 0);
    const auto got = peer.receive();
    ASSERT_TRUE(got);
    EXPECT_EQ(got->bytes, "second");
    EXPECT_FALSE(peer.receive(100));  // the refused datagrams were not sent later behind the guest's back
}

TEST(UdpRead, DatagramsLandInTheReceiveBufferWithTheirSender) {
    UdpFixture f;
    f.peer.send_to(f.port, "first");
    f.peer.send_to(f.port, "second datagram");
    f.peer.send_to(f.port, "3");
    for (const char *expected : {"first", "second datagram", "3"}) {
        ASSERT_EQ(f.read(), 0);
        EXPECT_EQ(f.bytes(), expected);  // boundaries kept
        EXPECT_GE(f.data(), kUdpBuffer);
        EXPECT_LE(f.data() + f.length(), kUdpBuffer + 8192);
        EXPECT_EQ(f.data() % 4, 0u);  // apps read words and longs from it
        EXPECT_EQ(f.h.host.get32(kReadPb + U::receive::remoteHost.offset), kLoopback);
        EXPECT_EQ(f.h.host.get16(kReadPb + U::receive::remotePort.offset), f.peer.port);
    }
    // A pending read completes when the datagram arrives, calling the C completion routine.
    prepare_read(f.h, kReadPb, kUdpBuffer, 5);
    EXPECT_EQ(f.h.control(kUdpRead, kReadPb, true, 0x9000, kA5), err::inProgress);
    f.peer.send_to(f.port, "later");
    ASSERT_TRUE(f.h.pump_until([&] { return !completion_calls(f.h).empty(); }));
    EXPECT_EQ(f.h.io_result(kReadPb), 0);
    EXPECT_EQ(f.bytes(), "later");
    const auto calls = completion_calls(f.h);
    ASSERT_EQ(calls.size(), 1u);
    EXPECT_EQ(calls[0].regs.a[0], kReadPb);
    EXPECT_EQ(calls[0].regs.a[1], 0x9000u);
    EXPECT_EQ(calls[0].regs.a[5], kA5);
}

TEST(UdpRead, ReadsWaitingTogetherCompleteInIssueOrder) {
    UdpFixture f;
    for (uint32_t i = 0; i < 3; ++i) {
        prepare_read(f.h, kReadPb + 0x100 * i, kUdpBuffer, 5);
        EXPECT_EQ(f.h.control(kUdpRead, kReadPb + 0x100 * i, true), err::inProgress);
    }
    f.peer.send_to(f.port, "a");
    f.peer.send_to(f.port, "b");
    f.peer.send_to(f.port, "c");
    ASSERT_TRUE(f.h.pump_until([&] { return f.h.io_result(kReadPb + 0x200) <= 0; }));
    EXPECT_EQ(f.bytes(kReadPb), "a");
    EXPECT_EQ(f.bytes(kReadPb + 0x100), "b");
    EXPECT_EQ(f.bytes(kReadPb + 0x200), "c");
}

TEST(UdpBfrReturn, OwnershipIsCheckedAndAsyncReturnsFinishAtOnce) {
    UdpFixture f;
    f.peer.send_to(f.port, "one");
    f.peer.send_to(f.port, "two");
    ASSERT_EQ(f.read(), 0);
    const uint32_t one = f.data();
    EXPECT_EQ(bfr_return(f.h, kUdpBuffer, one + 1), err::invalidBufPtr);      // inside, not a start
    EXPECT_EQ(bfr_return(f.h, kUdpBuffer, kUdpBuffer + 4000), err::invalidBufPtr);  // never handed out
    EXPECT_EQ(bfr_return(f.h, kUdpBuffer, 0), err::invalidBufPtr);
    // The MacPython pattern: the read's pb reused at once for an async BfrReturn with no
    // completion routine, then for the next read.
    f.h.host.put32(kReadPb + U::bfr_return::rcvBuff.offset, one);
    EXPECT_EQ(f.h.control(kUdpBfrReturn, kReadPb, true, 0), 0);
    EXPECT_EQ(f.h.io_result(kReadPb), 0);  // final before the trap returns
    EXPECT_EQ(bfr_return(f.h, kUdpBuffer, one), err::invalidBufPtr);  // returned twice
    ASSERT_EQ(f.read(), 0);
    EXPECT_EQ(f.bytes(), "two");
    EXPECT_TRUE(completion_calls(f.h).empty());
}

TEST(UdpRead, AFullBufferDropsAndCountsDatagrams) {
    UdpFixture f(2048);
    const std::string kilobyte(1000, 'k');
    for (int i = 0; i < 5; ++i) f.peer.send_to(f.port, kilobyte + std::to_string(i));
    f.settle(200);
    ASSERT_EQ(f.read(), 0);
    EXPECT_EQ(f.bytes(), kilobyte + "0");
    const uint32_t first = f.data();
    ASSERT_EQ(f.read(), 0);
    EXPECT_EQ(f.bytes(), kilobyte + "1");
    EXPECT_EQ(f.read(2), err::commandTimeout);  // 2..4 were dropped: no room
    const auto dropped = std::count_if(f.h.host.logs.begin(), f.h.host.logs.end(),
                                       [](const std::string &line) { return line.find("dropped") != std::string::npos; });
    EXPECT_GE(dropped, 1);  // logged (at warning for the 1st, 10th, 100th...)
    // Room again after a BfrReturn.
    EXPECT_EQ(bfr_return(f.h, kUdpBuffer, first), 0);
    f.peer.send_to(f.port, kilobyte + "5");
    ASSERT_EQ(f.read(), 0);
    EXPECT_EQ(f.bytes(), kilobyte + "5");
}

TEST(UdpRead, DatagramsLargerThanTheBufferAreDropped) {
    UdpFixture f(2048);
    f.peer.send_to(f.port, std::string(3000, 'x'));
    f.peer.send_to(f.port, "small");
    ASSERT_EQ(f.read(), 0);
    EXPECT_EQ(f.bytes(), "small");
    EXPECT_TRUE(std::any_of(f.h.host.logs.begin(), f.h.host.logs.end(), [](const std::string &line) {
        return line.find("larger than the whole receive buffer") != std::string::npos;
    }));
}

// Timeouts below the documented 2-second minimum (clients pass 1) are raised to 2 s. Checked by
// order, not by a wall-clock bound a loaded host can overrun: a 3-second read on a second stream,
// issued first, must end after it, and neither ends early (a timeout ignored, not raised, raised
// too far or counted in other units fails it).
TEST(UdpRead, TimeoutOfOneSecondWaitsTheTwoSecondMinimum) {
    constexpr uint32_t kOtherBuffer = 0x30000, kOtherPb = 0x5200;
    UdpFixture f;
    ASSERT_EQ(udp_create(f.h, kOtherBuffer), 0);
    const auto started = std::chrono::steady_clock::now();
    prepare_read(f.h, kOtherPb, kOtherBuffer, 3);
    ASSERT_EQ(f.h.control(kUdpRead, kOtherPb, true, 0x9000), err::inProgress);
    prepare_read(f.h, kReadPb, kUdpBuffer, 1);
    ASSERT_EQ(f.h.control(kUdpRead, kReadPb, true, 0x9000), err::inProgress);
    ASSERT_TRUE(f.h.pump_until([&] { return f.h.io_result(kReadPb) <= 0; }, std::chrono::seconds(10)));
    EXPECT_EQ(f.h.io_result(kReadPb), err::commandTimeout);
    EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(1950));
    ASSERT_TRUE(f.h.pump_until([&] { return f.h.io_result(kOtherPb) <= 0; }, std::chrono::seconds(10)));
    EXPECT_EQ(f.h.io_result(kOtherPb), err::commandTimeout);
    EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(2950));
    std::vector<uint32_t> order;  // the pbs of the completion routines run, in order
    for (const auto &call : completion_calls(f.h)) order.push_back(call.regs.a[0]);
    EXPECT_EQ(order, (std::vector<uint32_t>{kReadPb, kOtherPb}));
}

TEST(UdpRead, ReleaseAndKillIoEndPendingReadsExactlyOnce) {
    UdpFixture f;
    prepare_read(f.h, kReadPb, kUdpBuffer, 0);  // 0: no timeout
    EXPECT_EQ(f.h.control(kUdpRead, kReadPb, true, 0x9000), err::inProgress);
    prepare_read(f.h, kReadPb + 0x100, kUdpBuffer, 3);
    EXPECT_EQ(f.h.control(kUdpRead, kReadPb + 0x100, true, 0x9000), err::inProgress);
    f.settle(300);
    EXPECT_EQ(f.h.io_result(kReadPb), err::inProgress);
    EXPECT_EQ(udp_stream_call(f.h, kUdpRelease, kUdpBuffer), 0);
    EXPECT_EQ(f.h.io_result(kReadPb), err::connectionTerminated);
    EXPECT_EQ(f.h.io_result(kReadPb + 0x100), err::connectionTerminated);
    f.peer.send_to(f.port, "too late");
    f.h.pump_until([] { return false; }, std::chrono::milliseconds(3500));  // past the 3 s timeout
    EXPECT_EQ(f.h.io_result(kReadPb + 0x100), err::connectionTerminated);
    EXPECT_EQ(completion_calls(f.h).size(), 2u);

    // KillIO: abortErr, and a datagram arriving later goes to the next read, not the dead one.
    f.h.host.calls.clear();
    ASSERT_EQ(udp_create(f.h, kUdpBuffer), 0);
    const uint16_t port = created_port(f.h);
    prepare_read(f.h, kReadPb, kUdpBuffer, 0);
    EXPECT_EQ(f.h.control(kUdpRead, kReadPb, true, 0x9000), err::inProgress);
    EXPECT_EQ(f.h.control(1 /* KillIO */, 0x6800), 0);
    EXPECT_EQ(f.h.io_result(kReadPb), err::abortErr);
    f.peer.send_to(port, "kept");
    f.settle(200);
    EXPECT_EQ(f.h.io_result(kReadPb), err::abortErr);
    ASSERT_EQ(f.read(5, false, 0x5400), 0);
    EXPECT_EQ(f.bytes(0x5400), "kept");
    EXPECT_EQ(completion_calls(f.h).size(), 1u);
}

TEST(UdpAsr, DataArrivalIsRaisedOnceUntilAReadCompletes) {
    UdpFixture f(8192, kAsr);
    f.peer.send_to(f.port, "1");
    ASSERT_TRUE(f.h.pump_until([&] { return !udp_asr_calls(f.h).empty(); }));
    f.peer.send_to(f.port, "2");
    f.settle(200);
    auto asrs = udp_asr_calls(f.h);
    ASSERT_EQ(asrs.size(), 1u);
    EXPECT_EQ(asrs[0].regs.a[3], kAsr);
    EXPECT_EQ(asrs[0].regs.a[0], kUdpBuffer);  // stream
    EXPECT_EQ(asrs[0].regs.d[0], 1u);          // UDPDataArrival
    EXPECT_EQ(asrs[0].regs.a[2], kUserData);
    EXPECT_NE(asrs[0].regs.a[1], 0u);          // icmpMsg never NIL (a client dereferences it)
    ASSERT_EQ(f.read(), 0);
    EXPECT_EQ(f.bytes(), "1");
    // A read completed with "2" still queued: one more hint.
    f.settle(100);
    f.peer.send_to(f.port, "3");
    f.settle(200);
    EXPECT_EQ(udp_asr_calls(f.h).size(), 2u);
    // While a read is pending there is no ASR: the read gets the datagram.
    ASSERT_EQ(f.read(), 0);
    ASSERT_EQ(f.read(), 0);
    EXPECT_EQ(f.bytes(), "3");
    const auto before = udp_asr_calls(f.h).size();
    prepare_read(f.h, kReadPb, kUdpBuffer, 5);
    EXPECT_EQ(f.h.control(kUdpRead, kReadPb, true), err::inProgress);
    f.peer.send_to(f.port, "4");
    ASSERT_TRUE(f.h.pump_until([&] { return f.h.io_result(kReadPb) <= 0; }));
    EXPECT_EQ(f.bytes(), "4");
    EXPECT_EQ(udp_asr_calls(f.h).size(), before);
}

// A write to a closed loopback port: the host's port unreachable, via IP_RECVERR, becomes
// UDPICMPReceived with the 24-byte report filled (readable during the call only).
TEST(UdpAsr, PortUnreachableIsReportedWithTheIcmpReport) {
    UdpFixture f(8192, kAsr);
    uint16_t closed;
    {
        LoopbackPeer gone;
        closed = gone.port;
    }
    std::vector<uint8_t> report;
    f.h.host.on_call = [&](uint32_t, GuestRegs &regs) {
        if (regs.d[0] == 2) report.assign(f.h.host.ram.begin() + regs.a[1], f.h.host.ram.begin() + regs.a[1] + 24);
    };
    put_wds(f.h, {"anyone?"});
    prepare_write(f.h, BridgeHarness::kPb, kUdpBuffer, kLoopback, closed);
    EXPECT_EQ(f.h.control(kUdpWrite), 0);
    ASSERT_TRUE(f.h.pump_until([&] { return !report.empty(); }));
    const auto asrs = udp_asr_calls(f.h);
    ASSERT_EQ(asrs.size(), 1u);
    EXPECT_EQ(asrs[0].regs.d[0], 2u);  // UDPICMPReceived
    EXPECT_EQ(asrs[0].regs.a[1], FakeHost::kDriverAddress + guest_image::ipp_driver::symbol::ipp_scratch + scratch::icmpReport);
    auto be32 = [&](int at) { return (uint32_t{report[at]} << 24) | (report[at + 1] << 16) | (report[at + 2] << 8) | report[at + 3]; };
    auto be16 = [&](int at) { return static_cast<uint16_t>((report[at] << 8) | report[at + 1]); };
    EXPECT_EQ(be32(0), kUdpBuffer);   // streamPtr
    EXPECT_EQ(be16(8), f.port);       // localPort
    EXPECT_EQ(be32(10), kLoopback);   // remoteHost
    EXPECT_EQ(be16(14), closed);      // remotePort
    EXPECT_EQ(be16(16), 3);           // portUnreach
    // The socket error the ICMP left behind does not fail the next write.
    prepare_write(f.h, BridgeHarness::kPb, kUdpBuffer, kLoopback, f.peer.port);
    EXPECT_EQ(f.h.control(kUdpWrite), 0);
    EXPECT_TRUE(f.peer.receive());
}

// `ipptrace` records datagram payloads both ways: bytes in the memory records, lengths by stream.
TEST(UdpTrace, DatagramsAreRecordedBothWays) {
    const std::string path = "/tmp/mtb_trace_udp_" + std::to_string(::getpid()) + ".jsonl";
    {
        UdpFixture f(8192, 0, {{"ipptrace", path}});
        put_wds(f.h, {"Mac", "!"});
        prepare_write(f.h, BridgeHarness::kPb, kUdpBuffer, kLoopback, f.peer.port);
        EXPECT_EQ(f.h.control(kUdpWrite), 0);
        ASSERT_TRUE(f.peer.receive());
        f.peer.send_to(f.port, "host");
        EXPECT_EQ(f.read(), 0);
    }
    const trace::Trace t = read_checked_trace(path);
    EXPECT_TRUE(has_memory(t, "rd", "Mac"));
    EXPECT_TRUE(has_memory(t, "rd", "!"));
    EXPECT_TRUE(has_memory(t, "wr", "host"));
    bool to_host = false, to_guest = false;
    for (const auto *r : records_of(t, "data")) {
        to_host |= r->json["dir"] == "to_host" && r->json["stream"] == kUdpBuffer && r->json["len"] == 4;
        to_guest |= r->json["dir"] == "to_guest" && r->json["stream"] == kUdpBuffer && r->json["len"] == 4;
    }
    EXPECT_TRUE(to_host);
    EXPECT_TRUE(to_guest);
}

}  // namespace mtb::test
