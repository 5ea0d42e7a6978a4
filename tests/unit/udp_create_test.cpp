// UDPCreate/UDPMultiCreate/UDPRelease/UDPStatus/UDPMaxMTUSize, bad stream pointers, and the
// 52-byte rule for MacTCP 1.x parameter blocks.
// SPDX-License-Identifier: GPL-2.0-or-later
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <iterator>

#include "driver/mactcp_codes.h"
#include "udp_test_support.h"

namespace mtb::test {

TEST(UdpCreate, ValidatesTheBufferAndPicksAFreePort) {
    BridgeHarness h;
    EXPECT_EQ(udp_create(h, 0), err::invalidBufPtr);
    EXPECT_EQ(udp_create(h, kUdpBuffer, 2047), err::invalidLength);
    EXPECT_EQ(udp_create(h, kUdpBuffer, 0), err::invalidLength);
    EXPECT_EQ(udp_create(h, FakeHost::kRamSize - 1024, 2048), err::invalidBufPtr);  // runs past RAM
    EXPECT_EQ(udp_create(h, 0xFFFFF000, 0x2000), err::invalidBufPtr);              // wraps
    ASSERT_EQ(udp_create(h, kUdpBuffer, 2048), 0);
    EXPECT_EQ(h.host.get32(BridgeHarness::kPb + U::stream.offset), kUdpBuffer);
    EXPECT_NE(created_port(h), 0);
    EXPECT_EQ(udp_create(h, kUdpBuffer, 2048), err::streamAlreadyOpen);
    EXPECT_EQ(udp_create(h, kUdpBuffer - 1024, 2048), err::streamAlreadyOpen);  // overlaps the start
    EXPECT_EQ(udp_create(h, kUdpBuffer + 2047, 4096), err::streamAlreadyOpen);  // overlaps the end
    EXPECT_EQ(udp_create(h, kUdpBuffer + 2048, 2048), 0);                       // adjacent is fine
}

TEST(UdpCreate, PortsInUseAnswerDuplicateSocket) {
    BridgeHarness h;
    ASSERT_EQ(udp_create(h, kUdpBuffer), 0);
    const uint16_t port = created_port(h);
    EXPECT_EQ(udp_create(h, 0x30000, 4096, port), err::duplicateSocket);  // our own stream has it
    LoopbackPeer host_socket;                                              // a host socket has it
    EXPECT_EQ(udp_create(h, 0x30000, 4096, host_socket.port), err::duplicateSocket);
    EXPECT_EQ(udp_create(h, 0x30000, 4096, 520), err::duplicateSocket);  // RIP: MacTCP's own
    // The failed creates left nothing behind: the buffer is still free.
    EXPECT_EQ(udp_create(h, 0x30000, 4096), 0);
}

TEST(UdpCreate, ReleaseHandsTheBufferBackAndFreesThePort) {
    BridgeHarness h;
    ASSERT_EQ(udp_create(h, kUdpBuffer, 6000), 0);
    const uint16_t port = created_port(h);
    EXPECT_EQ(udp_stream_call(h, kUdpRelease, kUdpBuffer), 0);
    EXPECT_EQ(h.host.get32(BridgeHarness::kPb + U::release::rcvBuff.offset), kUdpBuffer);
    EXPECT_EQ(h.host.get32(BridgeHarness::kPb + U::release::rcvBuffLen.offset), 6000u);
    EXPECT_EQ(udp_stream_call(h, kUdpRelease, kUdpBuffer), err::invalidStreamPtr);  // twice
    // At once, before the network thread has closed the old socket: apps re-create right away.
    EXPECT_EQ(udp_create(h, kUdpBuffer, 6000, port), 0);
    EXPECT_EQ(created_port(h), port);
}

TEST(UdpCreate, GarbageStreamPointers) {
    BridgeHarness h;
    ASSERT_EQ(udp_create(h), 0);
    for (uint32_t garbage : {0u, 1u, kUdpBuffer + 4, kUdpBuffer - 4, 0xFFFFFFFFu, 0xDEADBEEFu}) {
        for (uint16_t cs : {kUdpRead, kUdpBfrReturn, kUdpWrite, kUdpRelease, kUdpStatus, kUdpMultiSend, kUdpMultiRead}) {
            EXPECT_EQ(udp_stream_call(h, cs, garbage), err::invalidStreamPtr) << cs << " " << garbage;
        }
    }
    EXPECT_EQ(udp_stream_call(h, kUdpStatus, kUdpBuffer), 0);  // the real one is untouched
}

// UDPStatus: no layout is documented anywhere; an open stream answers noErr and nothing is written.
TEST(UdpCreate, StatusWritesNothing) {
    BridgeHarness h;
    ASSERT_EQ(udp_create(h), 0);
    clear_pb(h, BridgeHarness::kPb);
    for (uint32_t i = 32; i < U::size; ++i) h.host.put8(BridgeHarness::kPb + i, 0xA5);
    h.host.put32(BridgeHarness::kPb + U::stream.offset, kUdpBuffer);
    EXPECT_EQ(h.control(kUdpStatus), 0);
    for (uint32_t i = 32; i < U::size; ++i) EXPECT_EQ(h.host.get8(BridgeHarness::kPb + i), 0xA5) << i;
}

TEST(UdpCreate, MaxMtuNeedsNoStream) {
    BridgeHarness h;
    clear_pb(h, BridgeHarness::kPb);
    h.host.put32(BridgeHarness::kPb + U::stream.offset, 0xDEADBEEF);
    h.host.put32(BridgeHarness::kPb + U::mtu::remoteHost.offset, 0x08080808);  // off-subnet: 576 - 28
    EXPECT_EQ(h.control(kUdpMtu), 0);
    EXPECT_EQ(h.host.get16(BridgeHarness::kPb + U::mtu::mtuSize.offset), 548);
    h.host.put32(BridgeHarness::kPb + U::mtu::remoteHost.offset, kLoopback);
    EXPECT_EQ(h.control(kUdpMtu), 0);
    EXPECT_GE(h.host.get16(BridgeHarness::kPb + U::mtu::mtuSize.offset), 548);
}

// MacTCP 1.x apps pass 52-byte UDPiopbs: no ordinary call may write bytes 52..57.
TEST(UdpCreate, OrdinaryCallsNeverWriteBytes52To57) {
    BridgeHarness h;
    LoopbackPeer peer;
    constexpr uint32_t pb = 0x4100, pending_pb = 0x4300;
    auto sentinel = [&](uint32_t at) { for (uint32_t i = 52; i < 58; ++i) h.host.put8(at + i, 0xA5); };
    auto intact = [&](uint32_t at) {
        for (uint32_t i = 52; i < 58; ++i)
            if (h.host.get8(at + i) != 0xA5) return false;
        return true;
    };
    auto call = [&](uint16_t cs, const std::function<void()> &fill, uint32_t at = 0x4100, bool async = false) {
        clear_pb(h, at, U::sizeOld);
        fill();
        sentinel(at);
        const int32_t d0 = h.control(cs, at, async, async ? 0x9000 : 0);
        EXPECT_TRUE(intact(at)) << "csCode " << cs;
        return d0;
    };
    ASSERT_EQ(call(kUdpCreate, [&] {
                  h.host.put32(pb + U::create::rcvBuff.offset, kUdpBuffer);
                  h.host.put32(pb + U::create::rcvBuffLen.offset, 4096);
                  h.host.put32(pb + U::create::notifyProc.offset, 0xA000);  // says when a datagram is in
              }), 0);
    const uint16_t port = h.host.get16(pb + U::create::localPort.offset);
    auto stream = [&] { h.host.put32(pb + U::stream.offset, kUdpBuffer); };
    EXPECT_EQ(call(kUdpStatus, stream), 0);
    EXPECT_EQ(call(kUdpMtu, [&] { h.host.put32(pb + U::mtu::remoteHost.offset, kLoopback); }), 0);
    put_wds(h, {"abc"});
    EXPECT_EQ(call(kUdpWrite, [&] { prepare_write(h, pb, kUdpBuffer, kLoopback, peer.port); }), 0);

    // A read that finishes at once (the datagram is already in the buffer)...
    peer.send_to(port, "one");
    ASSERT_TRUE(h.pump_until([&] { return !udp_asr_calls(h).empty(); }));  // UDPDataArrival: it is in
    EXPECT_EQ(call(kUdpRead, [&] { prepare_read(h, pb, kUdpBuffer, 5); }), 0);
    const uint32_t first = h.host.get32(pb + U::receive::rcvBuff.offset);
    EXPECT_EQ(guest_string(h, first, 3), "one");
    // ...one that finishes later on the interrupt path...
    EXPECT_EQ(call(kUdpRead, [&] { prepare_read(h, pending_pb, kUdpBuffer, 5); }, pending_pb, true), err::inProgress);
    peer.send_to(port, "two");
    ASSERT_TRUE(h.pump_until([&] { return h.io_result(pending_pb) <= 0; }));
    EXPECT_EQ(h.io_result(pending_pb), 0);
    EXPECT_TRUE(intact(pending_pb));
    const uint32_t second = h.host.get32(pending_pb + U::receive::rcvBuff.offset);
    for (uint32_t pointer : {first, second}) {
        EXPECT_EQ(call(kUdpBfrReturn, [&] {
                      stream();
                      h.host.put32(pb + U::bfr_return::rcvBuff.offset, pointer);
                  }), 0);
    }
    // ...and one ended by UDPRelease.
    EXPECT_EQ(call(kUdpRead, [&] { prepare_read(h, pending_pb, kUdpBuffer, 0); }, pending_pb, true), err::inProgress);
    EXPECT_EQ(call(kUdpRelease, stream), 0);
    EXPECT_EQ(h.io_result(pending_pb), err::connectionTerminated);
    EXPECT_TRUE(intact(pending_pb));
}

TEST(UdpMulti, CreateBindsTheRangeAndReportsArrivalPorts) {
    BridgeHarness h;
    LoopbackPeer peer;
    EXPECT_EQ(udp_create(h, kUdpBuffer, 4096, 0, 0, 0, BridgeHarness::kPb, uint16_t{10}), err::invalidLength);
    // Find three consecutive free ports above the ephemeral one of a throwaway socket.
    uint16_t first = 0;
    for (int attempt = 0; attempt < 20 && first == 0; ++attempt) {
        const uint16_t base = static_cast<uint16_t>(LoopbackPeer().port + 1 + attempt * 7);
        if (base > 65000) continue;
        if (udp_create(h, kUdpBuffer, 4096, base, 0, 0, BridgeHarness::kPb, static_cast<uint16_t>(base + 2)) == 0) first = base;
    }
    ASSERT_NE(first, 0);
    EXPECT_EQ(created_port(h), first);
    EXPECT_EQ(udp_create(h, 0x30000, 4096, static_cast<uint16_t>(first + 1)), err::duplicateSocket);  // inside the range
    EXPECT_EQ(udp_create(h, 0x30000, 4096, static_cast<uint16_t>(first + 2), 0, 0, BridgeHarness::kPb,
                         static_cast<uint16_t>(first + 1)), err::invalidLength);  // inverted

    // A datagram to the middle port: UDPMultiRead reports where it arrived (52/56).
    peer.send_to(static_cast<uint16_t>(first + 1), "middle");
    constexpr uint32_t pb = 0x4200;
    clear_pb(h, pb);
    h.host.put32(pb + U::stream.offset, kUdpBuffer);
    h.host.put16(pb + U::receive::timeOut.offset, 5);
    h.control(kUdpMultiRead, pb);
    ASSERT_TRUE(h.pump_until([&] { return h.io_result(pb) <= 0; }));
    EXPECT_EQ(h.io_result(pb), 0);
    EXPECT_EQ(h.host.get32(pb + U::receive::destHost.offset), kLoopback);
    EXPECT_EQ(h.host.get16(pb + U::receive::destPort.offset), first + 1);
    EXPECT_EQ(h.host.get16(pb + U::receive::remotePort.offset), peer.port);
    EXPECT_EQ(guest_string(h, h.host.get32(pb + U::receive::rcvBuff.offset), 6), "middle");

    // UDPMultiSend picks the source port at 52; outside the range there is no socket.
    put_wds(h, {"from the last port"});
    prepare_write(h, pb, kUdpBuffer, kLoopback, peer.port);
    h.host.put16(pb + U::send::localPort.offset, static_cast<uint16_t>(first + 2));
    EXPECT_EQ(h.control(kUdpMultiSend, pb), 0);
    auto got = peer.receive();
    ASSERT_TRUE(got);
    EXPECT_EQ(got->bytes, "from the last port");
    EXPECT_EQ(got->from_port, first + 2);
    h.host.put16(pb + U::send::localPort.offset, static_cast<uint16_t>(first + 3));
    EXPECT_EQ(h.control(kUdpMultiSend, pb), err::connectionDoesntExist);
    // A plain UDPWrite on a multiport stream sends from the first port.
    prepare_write(h, pb, kUdpBuffer, kLoopback, peer.port);
    EXPECT_EQ(h.control(kUdpWrite, pb), 0);
    got = peer.receive();
    ASSERT_TRUE(got);
    EXPECT_EQ(got->from_port, first);
}

// A range is bound port by port on the emulation thread: at most 64 ports, wider ranges are
// refused with insufficientResources before any host socket is opened.
TEST(UdpMulti, RangesAreBounded) {
    BridgeHarness h;
    auto open_fds = [] {
        return std::distance(std::filesystem::directory_iterator("/proc/self/fd"), std::filesystem::directory_iterator());
    };
    const auto fds = open_fds();
    EXPECT_EQ(udp_create(h, kUdpBuffer, 4096, 30000, 0, 0, BridgeHarness::kPb, uint16_t{30064}), err::insufficientResources);
    EXPECT_EQ(udp_create(h, kUdpBuffer, 4096, 1, 0, 0, BridgeHarness::kPb, uint16_t{65535}), err::insufficientResources);
    EXPECT_EQ(open_fds(), fds);
    // The widest range allowed: 64 ports (retried elsewhere when another program holds one).
    int16_t result = err::duplicateSocket;
    for (uint16_t base = 40000; base < 60000 && result == err::duplicateSocket; base += 997)
        result = static_cast<int16_t>(udp_create(h, kUdpBuffer, 4096, base, 0, 0, BridgeHarness::kPb, static_cast<uint16_t>(base + 63)));
    EXPECT_EQ(result, 0);
    EXPECT_EQ(open_fds(), fds + 64);
}

TEST(UdpCreate, ResetForgetsEveryStream) {
    BridgeHarness h;
    ASSERT_EQ(udp_create(h), 0);
    prepare_read(h, 0x5000, kUdpBuffer, 0);
    EXPECT_EQ(h.control(kUdpRead, 0x5000, true, 0x9000), err::inProgress);
    h.bridge.reset();
    h.host.put16(0x5000 + 16, 0x1234);
    h.pump_until([] { return false; }, std::chrono::milliseconds(100));
    EXPECT_EQ(h.host.get16(0x5000 + 16), 0x1234);  // nothing written after a reset
    EXPECT_TRUE(h.host.calls.empty());
    EXPECT_EQ(udp_stream_call(h, kUdpStatus, kUdpBuffer), err::invalidStreamPtr);
}

}  // namespace mtb::test
