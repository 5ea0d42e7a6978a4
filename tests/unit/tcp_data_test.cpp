// TCPSend, TCPRcv, TCPNoCopyRcv, TCPRcvBfrReturn: data both ways, WDS/RDS validation, the
// window bound, urgent data, DataArrival, command timeouts.
// SPDX-License-Identifier: GPL-2.0-or-later
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "tcp_test_support.h"

namespace mtb::test {

constexpr uint32_t kStream = 0x10000;
constexpr uint32_t kData = 0x80000;

TEST(TcpData, SendAndReceiveBothWays) {
    TcpHarness h;
    HostListener listener;
    HostPeer peer = h.connected_stream(listener, kStream);
    ASSERT_GE(peer.fd, 0);

    h.send_text(0x5000, kStream, kData, "hello host");
    ASSERT_TRUE(h.wait_done(0x5000));
    EXPECT_EQ(h.result(0x5000), 0);
    EXPECT_EQ(peer.read(10), "hello host");

    peer.send_all("hello guest");
    h.rcv(0x5100, kStream, kData + 0x1000, 100);
    ASSERT_TRUE(h.wait_done(0x5100));
    EXPECT_EQ(h.result(0x5100), 0);
    EXPECT_EQ(h.rcv_length(0x5100), 11);
    EXPECT_EQ(h.get_bytes(kData + 0x1000, 11), "hello guest");
    ASSERT_TRUE(h.pump_until([&] { return h.completions(0x5100) >= 1; }));
    h.settle(std::chrono::milliseconds(20));  // no second call may come
    EXPECT_EQ(h.completions(0x5100), 1u);
}

TEST(TcpData, WdsOfManyEntriesIsSentInOrder) {
    TcpHarness h;
    HostListener listener;
    HostPeer peer = h.connected_stream(listener, kStream);
    std::vector<std::pair<uint16_t, uint32_t>> entries;
    std::string expected;
    for (int i = 0; i < 200; ++i) {
        const std::string piece = std::to_string(i) + ",";
        h.put_bytes(kData + 8 * i, piece);
        entries.push_back({static_cast<uint16_t>(piece.size()), kData + 8 * i});
        expected += piece;
    }
    h.put_wds(kData + 0x4000, entries);
    h.send(0x5000, kStream, kData + 0x4000);
    ASSERT_TRUE(h.wait_done(0x5000));
    EXPECT_EQ(h.result(0x5000), 0);
    EXPECT_EQ(peer.read(expected.size()), expected);
}

TEST(TcpData, BadWdsIsRefusedAndTheStreamStillWorks) {
    TcpHarness h;
    HostListener listener;
    HostPeer peer = h.connected_stream(listener, kStream);
    h.send(0x5000, kStream, 0);
    EXPECT_EQ(h.result(0x5000), err::invalidWDS);  // NIL
    h.put_wds(kData, {});
    h.send(0x5000, kStream, kData);
    EXPECT_EQ(h.result(0x5000), err::invalidLength);  // total 0
    h.put_wds(kData, {{40000, kData + 0x100}, {40000, kData + 0x100}});
    h.send(0x5000, kStream, kData);
    EXPECT_EQ(h.result(0x5000), err::invalidLength);  // total > 65535
    h.put_wds(kData, {{100, FakeHost::kRamSize - 50}});
    h.send(0x5000, kStream, kData);
    EXPECT_EQ(h.result(0x5000), err::invalidWDS);  // buffer runs past RAM
    h.put_wds(kData, {{100, 0xFFFFFFF0}});
    h.send(0x5000, kStream, kData);
    EXPECT_EQ(h.result(0x5000), err::invalidWDS);  // wraps
    h.host.put16(FakeHost::kRamSize - 4, 10);
    h.send(0x5000, kStream, FakeHost::kRamSize - 4);
    EXPECT_EQ(h.result(0x5000), err::invalidWDS);  // the WDS itself runs past RAM
    h.send_text(0x5000, kStream, kData + 0x800, "still fine");
    ASSERT_TRUE(h.wait_done(0x5000));
    EXPECT_EQ(h.result(0x5000), 0);
    EXPECT_EQ(peer.read(10), "still fine");
}

TEST(TcpData, SeveralAsyncSendsCompleteInOrder) {
    TcpHarness h;
    HostListener listener;
    HostPeer peer = h.connected_stream(listener, kStream);
    // The peer's receive buffer is tiny, so later sends find the host queue full and wait
    // behind the first. Each send: a one-byte header naming it, then 60,000 shared bytes.
    HostListener small(4096);
    HostPeer slow = h.connected_stream(small, 0x18000, 16384, 0x4200);
    const std::string body(60000, 'b');
    h.put_bytes(0x30000, body);
    std::vector<uint32_t> pbs;
    std::string sent;
    for (int i = 0; i < 60; ++i) {
        const uint32_t header = 0x2F000 + static_cast<uint32_t>(i);
        h.host.put8(header, static_cast<uint8_t>('A' + i));
        h.put_wds(0x6000 + 16 * i, {{1, header}, {60000, 0x30000}});
        const uint32_t pb = 0x7000 + 0x80 * i;
        h.send(pb, 0x18000, 0x6000 + 16 * i);
        pbs.push_back(pb);
        sent += static_cast<char>('A' + i);
        sent += body;
    }
    peer = std::move(slow);
    // The peer has not read yet: at least the last send is still pending.
    h.settle();
    EXPECT_EQ(h.result(pbs.back()), err::inProgress);
    // Order of completion: each pb completes only after all earlier ones.
    std::string got;
    std::vector<std::size_t> done_order;
    while (got.size() < sent.size()) {
        const std::string piece = peer.read(std::min<std::size_t>(65536, sent.size() - got.size()), 3000);
        if (piece.empty()) break;
        got += piece;
        h.pump_until([] { return false; }, std::chrono::milliseconds(5));
        for (std::size_t i = 0; i < pbs.size(); ++i) {
            if (h.result(pbs[i]) <= 0 && std::find(done_order.begin(), done_order.end(), i) == done_order.end())
                done_order.push_back(i);
        }
    }
    EXPECT_EQ(got == sent, true);
    ASSERT_TRUE(h.pump_until([&] {
        return std::all_of(pbs.begin(), pbs.end(), [&](uint32_t pb) { return h.result(pb) <= 0 && h.completions(pb) >= 1; });
    }));
    h.settle(std::chrono::milliseconds(20));  // no second call may come
    for (std::size_t i = 0; i < pbs.size(); ++i) {
        EXPECT_EQ(h.result(pbs[i]), 0);
        EXPECT_EQ(h.completions(pbs[i]), 1u) << i;
        if (std::find(done_order.begin(), done_order.end(), i) == done_order.end()) done_order.push_back(i);
    }
    for (std::size_t i = 0; i < done_order.size(); ++i) EXPECT_EQ(done_order[i], i);
}

TEST(TcpData, ReceiveIsBoundedByTheCallersBuffer) {
    TcpHarness h;
    HostListener listener;
    HostPeer peer = h.connected_stream(listener, kStream);
    peer.send_all("0123456789");
    ASSERT_TRUE(h.pump_until([&] { return h.unread(kStream) == 10; }));
    h.rcv(0x5100, kStream, kData, 4);
    ASSERT_TRUE(h.wait_done(0x5100));
    EXPECT_EQ(h.rcv_length(0x5100), 4);
    EXPECT_EQ(h.get_bytes(kData, 4), "0123");
    h.rcv(0x5100, kStream, kData, 100);
    ASSERT_TRUE(h.wait_done(0x5100));
    EXPECT_EQ(h.rcv_length(0x5100), 6);
    EXPECT_EQ(h.get_bytes(kData, 6), "456789");
}

TEST(TcpData, ReceiveParameterErrors) {
    TcpHarness h;
    HostListener listener;
    HostPeer peer = h.connected_stream(listener, kStream);
    h.rcv(0x5100, kStream, kData, 0);
    EXPECT_EQ(h.result(0x5100), err::invalidLength);
    h.rcv(0x5100, kStream, 0, 10);
    EXPECT_EQ(h.result(0x5100), err::invalidBufPtr);
    h.rcv(0x5100, kStream, FakeHost::kRamSize - 5, 10);
    EXPECT_EQ(h.result(0x5100), err::invalidBufPtr);
    h.no_copy_rcv(0x5100, kStream, kData, 0);
    EXPECT_EQ(h.result(0x5100), err::invalidLength);
    h.no_copy_rcv(0x5100, kStream, 0, 2);
    EXPECT_EQ(h.result(0x5100), err::invalidBufPtr);
    h.no_copy_rcv(0x5100, kStream, FakeHost::kRamSize - 10, 2);  // needs 14 bytes
    EXPECT_EQ(h.result(0x5100), err::invalidBufPtr);
}

TEST(TcpData, NoCopyReceiveHonoursRdsLengthAndWritesTheTerminator) {
    TcpHarness h;
    HostListener listener;
    HostPeer peer = h.connected_stream(listener, kStream);
    peer.send_all("abcdef");
    ASSERT_TRUE(h.pump_until([&] { return h.unread(kStream) == 6; }));  // one piece, for the one entry
    const uint32_t rds = kData;
    for (uint32_t i = 0; i < 24; ++i) h.host.put8(rds + i, 0xEE);
    h.no_copy_rcv(0x5100, kStream, rds, 1);
    ASSERT_TRUE(h.wait_done(0x5100));
    EXPECT_EQ(h.result(0x5100), 0);
    EXPECT_EQ(h.host.get16(rds), 6);
    const uint32_t ptr = h.host.get32(rds + 2);
    EXPECT_GE(ptr, kStream);
    EXPECT_LT(ptr, kStream + 16384);  // inside the stream's receive buffer
    EXPECT_EQ(h.rds_data(rds), "abcdef");
    EXPECT_EQ(h.host.get16(rds + 6), 0);   // terminator right after the one entry
    EXPECT_EQ(h.host.get8(rds + 8), 0xEE);  // nothing written past it
    EXPECT_EQ(h.host.get16(0x5100 + T::receive::rdsLength.offset), 1);  // rdsLength unchanged

    EXPECT_EQ(h.bfr_return(0x5200, kStream, rds), 0);
    EXPECT_EQ(h.bfr_return(0x5200, kStream, rds), err::invalidRDS);  // twice
    EXPECT_EQ(h.bfr_return(0x5200, kStream, kData + 0x100), err::invalidRDS);  // never lent
    EXPECT_EQ(h.bfr_return(0x5200, kStream, 0), err::invalidRDS);
}

TEST(TcpData, AlteredRdsIsRefusedAndTheLoanStays) {
    TcpHarness h;
    HostListener listener;
    HostPeer peer = h.connected_stream(listener, kStream);
    peer.send_all("xyz");
    ASSERT_TRUE(h.pump_until([&] { return h.unread(kStream) == 3; }));
    h.no_copy_rcv(0x5100, kStream, kData, 4);
    ASSERT_TRUE(h.wait_done(0x5100));
    const uint16_t length = h.host.get16(kData);
    h.host.put16(kData, static_cast<uint16_t>(length + 1));
    EXPECT_EQ(h.bfr_return(0x5200, kStream, kData), err::invalidRDS);
    h.host.put16(kData, length);
    EXPECT_EQ(h.bfr_return(0x5200, kStream, kData), 0);
}

// The receive buffer is the window: with nobody reading, the bridge takes no more than the
// buffer (minus the stats block) from the socket, and resumes when pieces are returned.
TEST(TcpData, NeverTakesMoreThanTheReceiveBufferHolds) {
    TcpHarness h;
    HostListener listener;
    HostPeer peer = h.connected_stream(listener, kStream, 4096);
    const std::string data(20000, 'w');
    peer.send_all(data);
    ASSERT_TRUE(h.pump_until([&] { return h.unread(kStream) >= 4096 - 88; }));  // full...
    h.settle(std::chrono::milliseconds(200));  // ...and it takes no more
    EXPECT_EQ(h.status(kStream), 0);
    EXPECT_EQ(h.host.get16(0x4800 + T::status::amtUnreadData.offset), 4096 - 88);
    EXPECT_EQ(h.host.get16(0x4800 + T::status::rcvWindow.offset), 0);
    std::string got;
    while (got.size() < data.size()) {
        h.no_copy_rcv(0x5100, kStream, kData, 4, 2);
        ASSERT_TRUE(h.wait_done(0x5100));
        ASSERT_EQ(h.result(0x5100), 0);
        const std::string piece = h.rds_data(kData);
        EXPECT_LE(piece.size(), 4096u - 88);
        got += piece;
        ASSERT_EQ(h.bfr_return(0x5200, kStream, kData), 0);
    }
    EXPECT_EQ(got, data);
}

TEST(TcpData, DataArrivalIsEdgeTriggered) {
    TcpHarness h;
    HostListener listener;
    HostPeer peer = h.connected_stream(listener, kStream);
    peer.send_all("one");
    ASSERT_TRUE(h.pump_until([&] { return h.count_asr(tcp_event::dataArrival) == 1; }));
    peer.send_all("two");
    h.settle();
    EXPECT_EQ(h.count_asr(tcp_event::dataArrival), 1u);  // not repeated before a receive
    const auto asr = h.asrs().front();
    EXPECT_EQ(asr.stream, kStream);
    EXPECT_EQ(asr.user_data, 0x55AAu);
    EXPECT_EQ(asr.reason, 0);
    EXPECT_NE(asr.icmp, 0u);  // never NIL
    h.rcv(0x5100, kStream, kData, 2);
    ASSERT_TRUE(h.wait_done(0x5100));
    // A receive completed and data is still there: one more notification.
    ASSERT_TRUE(h.pump_until([&] { return h.count_asr(tcp_event::dataArrival) == 2; }));
}

// A 1-second and a 2-second receive timeout started together (the 2-second one first): the
// 1-second one's completion routine runs first, and neither ends early. Checked by order, not
// by a wall-clock bound a loaded host can overrun: a timeout ignored, defaulted or counted in
// other units fails it (too early, out of order, or not within the wait).
TEST(TcpData, CommandTimeoutOfOneSecondIsHonoured) {
    constexpr uint32_t kStream2 = 0x18000, kData2 = 0x90000;
    TcpHarness h;
    HostListener listener;
    HostPeer peer = h.connected_stream(listener, kStream);
    HostPeer peer2 = h.connected_stream(listener, kStream2);
    const auto start = std::chrono::steady_clock::now();
    h.rcv(0x5200, kStream2, kData2, 10, 2);
    h.rcv(0x5100, kStream, kData, 10, 1);
    ASSERT_TRUE(h.wait_done(0x5100, std::chrono::seconds(10)));
    const auto took = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(h.result(0x5100), err::commandTimeout);
    EXPECT_GE(took, std::chrono::milliseconds(900));
    ASSERT_TRUE(h.wait_done(0x5200, std::chrono::seconds(10)));
    EXPECT_EQ(h.result(0x5200), err::commandTimeout);
    EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(1900));
    std::vector<uint32_t> order;  // the pbs of the completion routines run, in order
    for (const auto &call : h.host.calls)
        if (call.addr == FakeHost::kDriverAddress + guest_image::ipp_driver::symbol::ipp_tramp_completion &&
            (call.regs.a[0] == 0x5100 || call.regs.a[0] == 0x5200))
            order.push_back(call.regs.a[0]);
    EXPECT_EQ(order, (std::vector<uint32_t>{0x5100, 0x5200}));
    EXPECT_EQ(h.host.get16(0x5100 + T::receive::rcvBuffLen.offset), 10);  // unchanged on error
    // The stream is still fine.
    peer.send_all("late");
    h.rcv(0x5100, kStream, kData, 10, 2);
    ASSERT_TRUE(h.wait_done(0x5100));
    EXPECT_EQ(h.result(0x5100), 0);
    EXPECT_EQ(h.get_bytes(kData, 4), "late");
}

// Urgent data: flags at bytes 33 (mark), 34 (urgent) and 35 (mark) of the receive block.
TEST(TcpData, UrgentDataSetsUrgentAndMarkFlags) {
    TcpHarness h;
    HostListener listener;
    HostPeer peer = h.connected_stream(listener, kStream);
    peer.send_all("normal");
    ASSERT_TRUE(h.pump_until([&] { return h.unread(kStream) == 6; }));
    peer.send_all("U", MSG_OOB);
    ASSERT_TRUE(h.pump_until([&] { return h.count_asr(tcp_event::urgent) == 1; }));
    h.rcv(0x5100, kStream, kData, 100);
    ASSERT_TRUE(h.wait_done(0x5100));
    // Unread data before the mark counts as urgent (a host socket marks only the last byte).
    EXPECT_EQ(h.get_bytes(kData, h.rcv_length(0x5100)), "normalU");
    EXPECT_EQ(h.host.get8(0x5100 + 33), 1);  // mark
    EXPECT_EQ(h.host.get8(0x5100 + 34), 0);  // urgent: announced by the TCPUrgent ASR already
    EXPECT_EQ(h.host.get8(0x5100 + 35), 1);
    // With a receive pending, urgentFlag carries it instead of the ASR.
    h.rcv(0x5100, kStream, kData, 100);
    peer.send_all("V", MSG_OOB);
    ASSERT_TRUE(h.wait_done(0x5100));
    EXPECT_EQ(h.get_bytes(kData, h.rcv_length(0x5100)), "V");
    EXPECT_EQ(h.host.get8(0x5100 + 34), 1);
    EXPECT_EQ(h.host.get8(0x5100 + 33), 1);
    EXPECT_EQ(h.count_asr(tcp_event::urgent), 1u);
    // Normal data afterwards has no flags.
    peer.send_all("after");
    h.rcv(0x5100, kStream, kData, 100);
    ASSERT_TRUE(h.wait_done(0x5100));
    EXPECT_EQ(h.get_bytes(kData, h.rcv_length(0x5100)), "after");
    EXPECT_EQ(h.host.get8(0x5100 + 33), 0);
    EXPECT_EQ(h.host.get8(0x5100 + 34), 0);
}

TEST(TcpData, UrgentSendReachesThePeerAsOutOfBand) {
    TcpHarness h;
    HostListener listener;
    HostPeer peer = h.connected_stream(listener, kStream);
    h.send_text(0x5000, kStream, kData, "!", true);
    ASSERT_TRUE(h.wait_done(0x5000));
    EXPECT_EQ(h.result(0x5000), 0);
    pollfd p{peer.fd, POLLPRI, 0};
    ASSERT_EQ(::poll(&p, 1, 2000), 1);
    char c = 0;
    EXPECT_EQ(::recv(peer.fd, &c, 1, MSG_OOB), 1);
    EXPECT_EQ(c, '!');
}

// A peer that stops reading: sends stay pending, the emulation thread is never blocked, and
// another stream keeps moving.
TEST(TcpData, APeerThatStopsReadingBlocksOnlyItsStream) {
    TcpHarness h;
    HostListener listener;
    HostListener small(4096);
    HostPeer stalled = h.connected_stream(small, kStream);
    HostPeer other = h.connected_stream(listener, 0x18000, 16384, 0x4200);
    const std::string big(60000, 's');
    // A send that waited for this peer would wait for good (it never reads), so every call must
    // return. Should they not all have returned after 10 s, a rescuer reads from the peer, and
    // the test fails saying so instead of hanging. (A 50 ms bound per call failed on a loaded
    // host that merely descheduled the test.)
    std::mutex mutex;
    std::condition_variable returned_cv;
    bool returned = false;
    std::atomic<bool> rescued{false};
    std::thread rescuer([&] {
        std::unique_lock lock(mutex);
        if (returned_cv.wait_for(lock, std::chrono::seconds(10), [&] { return returned; })) return;
        rescued = true;
        while (!returned) {
            lock.unlock();
            stalled.read(65536, 100);
            lock.lock();
        }
    });
    std::vector<uint32_t> pbs;
    for (int i = 0; i < 60; ++i) {
        const uint32_t pb = 0x6000 + 0x80 * static_cast<uint32_t>(i);
        if (i == 0) {
            h.put_bytes(0x30000, big);
            h.put_wds(0x2F000, {{60000, 0x30000}});
        }
        h.send(pb, kStream, 0x2F000);
        pbs.push_back(pb);
    }
    {
        std::lock_guard lock(mutex);
        returned = true;
    }
    returned_cv.notify_all();
    rescuer.join();
    ASSERT_FALSE(rescued) << "a TCPSend waited for a peer that does not read";
    h.settle(std::chrono::milliseconds(200));
    EXPECT_EQ(h.result(pbs.back()), err::inProgress);
    h.send_text(0x5000, 0x18000, kData, "other stream");
    ASSERT_TRUE(h.wait_done(0x5000));
    EXPECT_EQ(other.read(12), "other stream");
    EXPECT_EQ(h.status(kStream), 0);
    const uint16_t window = h.host.get16(0x4800 + T::status::sendWindow.offset);
    const uint16_t unacked = h.host.get16(0x4800 + T::status::amtUnackedData.offset);
    EXPECT_EQ(window, unacked);  // nothing more can be sent without blocking
    // Abort: every pending send completes exactly once with connectionTerminated.
    EXPECT_EQ(h.abort(kStream), 0);
    ASSERT_TRUE(h.pump_until([&] { return h.completions(pbs.back()) >= 1; }));
    h.settle();  // no second completion may come
    for (uint32_t pb : pbs) {
        EXPECT_LE(h.result(pb), 0);
        EXPECT_LE(h.completions(pb), 1u);
    }
    EXPECT_EQ(h.result(pbs.back()), err::connectionTerminated);
    EXPECT_EQ(h.completions(pbs.back()), 1u);
}

}  // namespace mtb::test
