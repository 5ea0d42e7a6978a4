// TCPCreate/Release/Status and active opens against a loopback listener.
// SPDX-License-Identifier: GPL-2.0-or-later
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bridge_harness.h"
#include "driver/mactcp_codes.h"
#include "mactcp_bridge/ipp_driver_image.h"

namespace mtb::test {

namespace T = layout::tcp;
constexpr uint16_t kCreate = 30, kActiveOpen = 32, kStatus = 40, kRelease = 42;
constexpr uint32_t kBuffer = 0x10000;

// A listening socket on 127.0.0.1 with an ephemeral port; the kernel completes handshakes
// from its backlog without accept().
struct LoopbackListener {
    LoopbackListener() {
        fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::bind(fd, reinterpret_cast<sockaddr *>(&address), sizeof address);
        ::listen(fd, 16);
        socklen_t length = sizeof address;
        ::getsockname(fd, reinterpret_cast<sockaddr *>(&address), &length);
        port = ntohs(address.sin_port);
    }
    ~LoopbackListener() { ::close(fd); }
    int fd;
    uint16_t port;
};

// A loopback port nobody listens on.
uint16_t closed_port() {
    LoopbackListener temporary;
    return temporary.port;
}

int32_t create_stream(BridgeHarness &h, uint32_t buffer = kBuffer, uint32_t length = 8192) {
    h.host.put32(BridgeHarness::kPb + T::create::rcvBuff.offset, buffer);
    h.host.put32(BridgeHarness::kPb + T::create::rcvBuffLen.offset, length);
    h.host.put32(BridgeHarness::kPb + T::create::notifyProc.offset, 0);
    h.host.put32(BridgeHarness::kPb + T::create::userDataPtr.offset, 0);
    return h.control(kCreate);
}

void prepare_active_open(BridgeHarness &h, uint32_t pb, uint32_t stream, uint16_t port) {
    for (uint32_t i = 28; i < T::size; ++i) h.host.put8(pb + i, 0);
    h.host.put32(pb + T::stream.offset, stream);
    h.host.put32(pb + T::open::remoteHost.offset, 0x7F000001);
    h.host.put16(pb + T::open::remotePort.offset, port);
    h.host.put8(pb + T::open::validityFlags.offset, 0xC0);
    h.host.put8(pb + T::open::ulpTimeoutValue.offset, 5);
    h.host.put8(pb + T::open::ulpTimeoutAction.offset, 1);
}

TEST(TcpBasic, CreateValidatesTheBuffer) {
    BridgeHarness h;
    EXPECT_EQ(create_stream(h, kBuffer, 4095), err::invalidLength);
    EXPECT_EQ(create_stream(h, 0, 8192), err::invalidBufPtr);
    EXPECT_EQ(create_stream(h, FakeHost::kRamSize - 4096, 8192), err::invalidBufPtr);  // runs past RAM
    EXPECT_EQ(create_stream(h, 0xFFFFF000, 0x2000), err::invalidBufPtr);               // wraps
    ASSERT_EQ(create_stream(h), 0);
    EXPECT_EQ(h.host.get32(BridgeHarness::kPb + T::stream.offset), kBuffer);
    EXPECT_EQ(create_stream(h), err::streamAlreadyOpen);
    EXPECT_EQ(create_stream(h, kBuffer + 4096, 8192), err::streamAlreadyOpen);  // overlaps
    EXPECT_EQ(create_stream(h, kBuffer - 4096, 8192), err::streamAlreadyOpen);  // overlaps
    EXPECT_EQ(create_stream(h, kBuffer + 8192, 4096), 0);                        // adjacent is fine
}

TEST(TcpBasic, ReleaseHandsTheBufferBack) {
    BridgeHarness h;
    ASSERT_EQ(create_stream(h), 0);
    h.host.put32(BridgeHarness::kPb + T::stream.offset, kBuffer);
    h.host.put32(BridgeHarness::kPb + 32, 0);
    h.host.put32(BridgeHarness::kPb + 36, 0);
    EXPECT_EQ(h.control(kRelease), 0);
    EXPECT_EQ(h.host.get32(BridgeHarness::kPb + T::release::rcvBuff.offset), kBuffer);
    EXPECT_EQ(h.host.get32(BridgeHarness::kPb + T::release::rcvBuffLen.offset), 8192u);
    EXPECT_EQ(h.control(kRelease), err::invalidStreamPtr);  // double release
}

TEST(TcpBasic, GarbageStreamPointers) {
    BridgeHarness h;
    ASSERT_EQ(create_stream(h), 0);
    for (uint32_t garbage : {0u, 1u, kBuffer + 2, 0xFFFFFFFFu, 0xDEADBEEFu}) {
        h.host.put32(BridgeHarness::kPb + T::stream.offset, garbage);
        EXPECT_EQ(h.control(kStatus), err::invalidStreamPtr) << garbage;
        EXPECT_EQ(h.control(kActiveOpen), err::invalidStreamPtr) << garbage;
    }
}

TEST(TcpBasic, StatusOfAFreshStream) {
    BridgeHarness h;
    ASSERT_EQ(create_stream(h), 0);
    for (uint32_t i = 32; i < T::size; ++i) h.host.put8(BridgeHarness::kPb + i, 0xAA);
    h.host.put32(BridgeHarness::kPb + T::status::userDataPtr.offset, 0x12345678);
    EXPECT_EQ(h.control(kStatus), err::connectionDoesntExist);
    EXPECT_EQ(h.host.get8(BridgeHarness::kPb + T::status::connectionState.offset), 0);
    EXPECT_EQ(h.host.get16(BridgeHarness::kPb + T::status::amtUnreadData.offset), 0);
    EXPECT_EQ(h.host.get32(BridgeHarness::kPb + T::status::userDataPtr.offset), 0x12345678u);  // input kept
}

TEST(TcpBasic, AsyncActiveOpenCompletesOnTheInterruptPathWithTheCConvention) {
    BridgeHarness h;
    LoopbackListener listener;
    ASSERT_EQ(create_stream(h), 0);
    prepare_active_open(h, BridgeHarness::kPb, kBuffer, listener.port);
    const uint32_t completion = 0x9000, a5 = 0x77000;
    EXPECT_EQ(h.control(kActiveOpen, BridgeHarness::kPb, true, completion, a5), err::inProgress);
    EXPECT_EQ(h.io_result(), err::inProgress);
    ASSERT_TRUE(h.pump_until([&] { return h.io_result() <= 0 && !h.host.calls.empty(); }));
    EXPECT_EQ(h.io_result(), 0);
    EXPECT_EQ(h.host.get16(BridgeHarness::kPb + T::open::localPort.offset) != 0, true);
    ASSERT_EQ(h.host.calls.size(), 1u);
    const auto &call = h.host.calls[0];
    EXPECT_EQ(call.addr, FakeHost::kDriverAddress + guest_image::ipp_driver::symbol::ipp_tramp_completion);
    EXPECT_EQ(call.regs.a[0], BridgeHarness::kPb);
    EXPECT_EQ(call.regs.a[1], completion);
    EXPECT_EQ(call.regs.d[0], 0u);
    EXPECT_EQ(call.regs.a[5], a5);
    // Established now.
    h.host.put32(BridgeHarness::kPb + T::stream.offset, kBuffer);
    EXPECT_EQ(h.control(kStatus), 0);
    EXPECT_EQ(h.host.get8(BridgeHarness::kPb + T::status::connectionState.offset), 8);
    EXPECT_EQ(h.host.get16(BridgeHarness::kPb + T::status::remotePort.offset), listener.port);
    // A second open on a connected stream.
    prepare_active_open(h, 0x5000, kBuffer, listener.port);
    EXPECT_EQ(h.control(kActiveOpen, 0x5000), err::connectionExists);
}

TEST(TcpBasic, SyncOpenNeverCallsTheCompletionRoutine) {
    BridgeHarness h;
    LoopbackListener listener;
    ASSERT_EQ(create_stream(h), 0);
    prepare_active_open(h, BridgeHarness::kPb, kBuffer, listener.port);
    EXPECT_EQ(h.control(kActiveOpen, BridgeHarness::kPb, false, 0x9000), err::inProgress);
    ASSERT_TRUE(h.pump_until([&] { return h.io_result() <= 0; }));
    EXPECT_EQ(h.io_result(), 0);
    EXPECT_TRUE(h.host.calls.empty());
}

TEST(TcpBasic, RefusedConnectionAnswersOpenFailed) {
    BridgeHarness h;
    ASSERT_EQ(create_stream(h), 0);
    prepare_active_open(h, BridgeHarness::kPb, kBuffer, closed_port());
    EXPECT_EQ(h.control(kActiveOpen), err::inProgress);
    ASSERT_TRUE(h.pump_until([&] { return h.io_result() <= 0; }));
    EXPECT_EQ(h.io_result(), err::openFailed);
    h.host.put32(BridgeHarness::kPb + T::stream.offset, kBuffer);
    EXPECT_EQ(h.control(kStatus), err::connectionDoesntExist);  // back to no connection
}

TEST(TcpBasic, KillIoAndReleaseCompletePendingRequestsExactlyOnce) {
    BridgeHarness h;
    LoopbackListener listener;
    ASSERT_EQ(create_stream(h), 0);
    prepare_active_open(h, BridgeHarness::kPb, kBuffer, listener.port);
    EXPECT_EQ(h.control(kActiveOpen, BridgeHarness::kPb, true, 0x9000), err::inProgress);
    EXPECT_EQ(h.control(1 /* KillIO */, 0x6000), 0);
    EXPECT_EQ(h.io_result(), err::abortErr);
    // The connect finishing later must not complete the request a second time.
    h.pump_until([] { return false; }, std::chrono::milliseconds(200));
    EXPECT_EQ(h.io_result(), err::abortErr);
    EXPECT_EQ(h.host.calls.size(), 1u);  // one completion routine call, for abortErr

    // Release with an open pending: connectionTerminated.
    h.host.calls.clear();
    ASSERT_EQ(create_stream(h, 0x20000), 0);
    prepare_active_open(h, 0x5000, 0x20000, listener.port);
    EXPECT_EQ(h.control(kActiveOpen, 0x5000, true, 0x9000), err::inProgress);
    h.host.put32(BridgeHarness::kPb + T::stream.offset, 0x20000);
    EXPECT_EQ(h.control(kRelease), 0);
    EXPECT_EQ(h.io_result(0x5000), err::connectionTerminated);
    h.pump_until([] { return false; }, std::chrono::milliseconds(200));
    EXPECT_EQ(h.io_result(0x5000), err::connectionTerminated);
    EXPECT_EQ(h.host.calls.size(), 1u);
}

TEST(TcpBasic, ResetForgetsEverything) {
    BridgeHarness h;
    LoopbackListener listener;
    ASSERT_EQ(create_stream(h), 0);
    prepare_active_open(h, BridgeHarness::kPb, kBuffer, listener.port);
    EXPECT_EQ(h.control(kActiveOpen, BridgeHarness::kPb, true, 0x9000), err::inProgress);
    h.bridge.reset();
    // After a reset nothing pending is written into (the guest's memory is being rebuilt).
    h.host.put16(BridgeHarness::kPb + 16, 0x1234);
    h.pump_until([] { return false; }, std::chrono::milliseconds(200));
    EXPECT_EQ(h.host.get16(BridgeHarness::kPb + 16), 0x1234);
    EXPECT_TRUE(h.host.calls.empty());
    h.host.put32(BridgeHarness::kPb + T::stream.offset, kBuffer);
    EXPECT_EQ(h.control(kStatus), err::invalidStreamPtr);
}

}  // namespace mtb::test
