// TCPClose, TCPAbort, TCPRelease, peer FIN and peer reset: the terminate reasons, exactly one
// TCPTerminate per connection, every pending request completing exactly once.
// SPDX-License-Identifier: GPL-2.0-or-later
#include <gtest/gtest.h>

#include "tcp_test_support.h"

namespace mtb::test {

constexpr uint32_t kStream = 0x10000;
constexpr uint32_t kData = 0x80000;

TEST(TcpClose, HalfCloseThenPeerCloseEndsWithReasonSeven) {
    TcpHarness h;
    HostListener listener;
    HostPeer peer = h.connected_stream(listener, kStream);
    h.close(0x5000, kStream);
    ASSERT_TRUE(h.wait_done(0x5000));
    EXPECT_EQ(h.result(0x5000), 0);
    EXPECT_TRUE(peer.sees_eof());
    EXPECT_EQ(h.state(kStream), tcp_state::finWait2);
    // Receives stay legal after our own close.
    peer.send_all("bye");
    h.rcv(0x5100, kStream, kData, 10);
    ASSERT_TRUE(h.wait_done(0x5100));
    EXPECT_EQ(h.result(0x5100), 0);
    EXPECT_EQ(h.get_bytes(kData, 3), "bye");
    // Sends and a second close after TCPClose: connectionClosing.
    h.send_text(0x5200, kStream, kData + 0x100, "x");
    EXPECT_EQ(h.result(0x5200), err::connectionClosing);
    h.close(0x5200, kStream);
    EXPECT_EQ(h.result(0x5200), err::connectionClosing);
    peer.shutdown_write();
    ASSERT_TRUE(h.pump_until([&] { return h.count_asr(tcp_event::terminate) == 1; }));
    h.settle();
    EXPECT_EQ(h.count_asr(tcp_event::terminate), 1u);
    EXPECT_EQ(h.count_asr(tcp_event::closing), 1u);
    for (const auto &a : h.asrs())
        if (a.event == tcp_event::terminate) {
            EXPECT_EQ(a.reason, termin_reason::ulpClose);
        }
    EXPECT_EQ(h.status(kStream), err::connectionDoesntExist);
    EXPECT_EQ(h.host.get8(0x4800 + T::status::connectionState.offset), 0);
    // The stream can open again.
    h.active_open(0x5300, kStream, listener.port);
    ASSERT_TRUE(h.wait_done(0x5300));
    EXPECT_EQ(h.result(0x5300), 0);
}

TEST(TcpClose, PeerFinGivesCloseWaitThenConnectionClosingAfterTheData) {
    TcpHarness h;
    HostListener listener;
    HostPeer peer = h.connected_stream(listener, kStream);
    peer.send_all("last words");
    peer.shutdown_write();
    ASSERT_TRUE(h.pump_until([&] { return h.state(kStream) == tcp_state::closeWait; }));
    EXPECT_EQ(h.count_asr(tcp_event::closing), 0u);  // data not delivered yet
    h.rcv(0x5100, kStream, kData, 100);
    ASSERT_TRUE(h.wait_done(0x5100));
    EXPECT_EQ(h.result(0x5100), 0);
    EXPECT_EQ(h.get_bytes(kData, 10), "last words");
    ASSERT_TRUE(h.pump_until([&] { return h.count_asr(tcp_event::closing) == 1; }));
    h.rcv(0x5100, kStream, kData, 100);
    EXPECT_EQ(h.result(0x5100), err::connectionClosing);
    h.no_copy_rcv(0x5100, kStream, kData, 2);
    EXPECT_EQ(h.result(0x5100), err::connectionClosing);
    // Sending in Close Wait is fine.
    h.send_text(0x5200, kStream, kData + 0x100, "ack");
    ASSERT_TRUE(h.wait_done(0x5200));
    EXPECT_EQ(h.result(0x5200), 0);
    EXPECT_EQ(peer.read(3), "ack");
    h.close(0x5300, kStream);
    ASSERT_TRUE(h.wait_done(0x5300));
    EXPECT_EQ(h.result(0x5300), 0);
    ASSERT_TRUE(h.pump_until([&] { return h.count_asr(tcp_event::terminate) == 1; }));
    EXPECT_EQ(h.asrs().back().reason, termin_reason::ulpClose);
}

TEST(TcpClose, APendingReceiveCompletesWithConnectionClosingOnFin) {
    TcpHarness h;
    HostListener listener;
    HostPeer peer = h.connected_stream(listener, kStream);
    h.rcv(0x5100, kStream, kData, 100);
    peer.shutdown_write();
    ASSERT_TRUE(h.wait_done(0x5100));
    EXPECT_EQ(h.result(0x5100), err::connectionClosing);
}

TEST(TcpClose, PeerResetTerminatesWithReasonTwoAndFailsPendingRequests) {
    TcpHarness h;
    HostListener listener;
    HostPeer peer = h.connected_stream(listener, kStream);
    h.rcv(0x5100, kStream, kData, 100);
    h.no_copy_rcv(0x5200, kStream, kData + 0x100, 3);
    peer.reset();
    ASSERT_TRUE(h.wait_done(0x5100));
    ASSERT_TRUE(h.wait_done(0x5200));
    ASSERT_TRUE(h.pump_until([&] {
        return h.completions(0x5100) >= 1 && h.completions(0x5200) >= 1 && h.count_asr(tcp_event::terminate) >= 1;
    }));
    h.settle();  // nothing more may come
    EXPECT_EQ(h.result(0x5100), err::connectionTerminated);
    EXPECT_EQ(h.result(0x5200), err::connectionTerminated);
    EXPECT_EQ(h.completions(0x5100), 1u);
    EXPECT_EQ(h.completions(0x5200), 1u);
    EXPECT_EQ(h.count_asr(tcp_event::terminate), 1u);
    EXPECT_EQ(h.asrs().back().reason, termin_reason::remoteAbort);
    // Later calls see no connection.
    h.send_text(0x5300, kStream, kData + 0x200, "x");
    EXPECT_EQ(h.result(0x5300), err::connectionDoesntExist);
    h.rcv(0x5300, kStream, kData, 10);
    EXPECT_EQ(h.result(0x5300), err::connectionDoesntExist);
}

TEST(TcpClose, AbortResetsTheConnectionWithReasonSix) {
    TcpHarness h;
    HostListener listener;
    HostPeer peer = h.connected_stream(listener, kStream);
    h.rcv(0x5100, kStream, kData, 100);
    EXPECT_EQ(h.abort(kStream), 0);
    EXPECT_EQ(h.result(0x5100), err::connectionTerminated);
    ASSERT_TRUE(h.pump_until([&] { return h.completions(0x5100) >= 1 && h.count_asr(tcp_event::terminate) >= 1; }));
    h.settle();  // nothing more may come
    EXPECT_EQ(h.completions(0x5100), 1u);
    EXPECT_EQ(h.count_asr(tcp_event::terminate), 1u);
    EXPECT_EQ(h.asrs().back().reason, termin_reason::ulpAbort);
    // The peer sees a reset.
    char c;
    pollfd p{peer.fd, POLLIN, 0};
    ASSERT_EQ(::poll(&p, 1, 2000), 1);
    EXPECT_EQ(::recv(peer.fd, &c, 1, 0), -1);
    EXPECT_EQ(errno, ECONNRESET);
    EXPECT_EQ(h.abort(kStream), err::connectionDoesntExist);  // nothing left to abort
    EXPECT_EQ(h.count_asr(tcp_event::terminate), 1u);
}

// NCSA-style close: our TCPClose, the peer's FIN, a NoCopyRcv drain — by the time the app
// returns the lent pieces the connection has ended gracefully. The loan is still the app's to
// give back, without an error.
TEST(TcpClose, PiecesLentBeforeTheConnectionEndedComeBackWithoutError) {
    TcpHarness h;
    HostListener listener;
    HostPeer peer = h.connected_stream(listener, kStream);
    peer.send_all("tail");
    ASSERT_TRUE(h.pump_until([&] { return h.unread(kStream) == 4; }));
    h.no_copy_rcv(0x5000, kStream, kData, 2);
    ASSERT_TRUE(h.wait_done(0x5000));
    EXPECT_EQ(h.result(0x5000), 0);
    h.close(0x5100, kStream);
    peer.shutdown_write();
    ASSERT_TRUE(h.wait_done(0x5100));
    ASSERT_TRUE(h.pump_until([&] { return h.count_asr(tcp_event::terminate) >= 1; }));  // after the peer's FIN
    h.settle();  // nothing more may come
    EXPECT_EQ(h.count_asr(tcp_event::terminate), 1u);  // both sides done: reason 7
    EXPECT_EQ(h.asrs().back().reason, termin_reason::ulpClose);
    EXPECT_EQ(h.bfr_return(0x5200, kStream, kData), 0);
    EXPECT_EQ(h.bfr_return(0x5200, kStream, kData), err::invalidRDS);  // not twice
}

TEST(TcpClose, ReleaseWithRequestsPendingCompletesEachOnceAndReturnsTheBuffer) {
    TcpHarness h;
    HostListener listener;
    HostPeer peer = h.connected_stream(listener, kStream);
    peer.send_all("lent");
    ASSERT_TRUE(h.pump_until([&] { return h.unread(kStream) == 4; }));
    h.no_copy_rcv(0x5000, kStream, kData, 2);  // a loan outstanding
    ASSERT_TRUE(h.wait_done(0x5000));
    h.rcv(0x5100, kStream, kData + 0x100, 100);
    h.rcv(0x5200, kStream, kData + 0x200, 100);
    EXPECT_EQ(h.release(kStream), 0);
    EXPECT_EQ(h.host.get32(0x4800 + T::release::rcvBuff.offset), kStream);
    EXPECT_EQ(h.host.get32(0x4800 + T::release::rcvBuffLen.offset), 16384u);
    ASSERT_TRUE(h.pump_until([&] {
        return h.completions(0x5100) >= 1 && h.completions(0x5200) >= 1 && h.count_asr(tcp_event::terminate) >= 1;
    }));
    h.settle();  // nothing more may come
    EXPECT_EQ(h.result(0x5100), err::connectionTerminated);
    EXPECT_EQ(h.result(0x5200), err::connectionTerminated);
    EXPECT_EQ(h.completions(0x5100), 1u);
    EXPECT_EQ(h.completions(0x5200), 1u);
    EXPECT_EQ(h.count_asr(tcp_event::terminate), 1u);
    EXPECT_EQ(h.asrs().back().reason, termin_reason::ulpAbort);
    EXPECT_EQ(h.release(kStream), err::invalidStreamPtr);  // double release
    EXPECT_EQ(h.bfr_return(0x5300, kStream, kData), err::invalidStreamPtr);
    // The same buffer makes a new stream.
    EXPECT_EQ(h.create(kStream), 0);
}

TEST(TcpClose, CloseWaitsForPendingSendsThenSendsTheFin) {
    TcpHarness h;
    HostListener listener;
    HostPeer peer = h.connected_stream(listener, kStream);
    h.send_text(0x5000, kStream, kData, "first");
    h.close(0x5100, kStream);
    ASSERT_TRUE(h.wait_done(0x5100));
    EXPECT_EQ(h.result(0x5000), 0);
    EXPECT_EQ(h.result(0x5100), 0);
    EXPECT_EQ(peer.read(5), "first");
    EXPECT_TRUE(peer.sees_eof());
}

TEST(TcpClose, UlpTimeoutWithAbortTerminatesWithReasonFive) {
    TcpHarness h;
    HostListener small(4096);
    HostPeer peer = h.connected_stream(small, kStream);
    // ULP 2 s, abort, on the send; the peer never reads.
    const std::string big(60000, 'u');
    h.put_bytes(0x30000, big);
    h.put_wds(0x2F000, {{60000, 0x30000}});
    std::vector<uint32_t> pbs;
    for (uint32_t i = 0; i < 60; ++i) {
        const uint32_t pb = 0x6000 + 0x80 * i;
        h.clear_pb(pb);
        h.host.put32(pb + T::stream.offset, kStream);
        h.host.put32(pb + T::send::wdsPtr.offset, 0x2F000);
        h.host.put8(pb + T::send::validityFlags.offset, 0xC0);
        h.host.put8(pb + T::send::ulpTimeoutValue.offset, 2);
        h.host.put8(pb + T::send::ulpTimeoutAction.offset, 1);
        h.control(kTcpSend, pb, true, kCompletionRoutine);
        pbs.push_back(pb);
    }
    ASSERT_TRUE(h.pump_until([&] { return h.count_asr(tcp_event::terminate) == 1; }, std::chrono::seconds(6)));
    EXPECT_EQ(h.asrs().back().reason, termin_reason::ulpTimeoutTerminate);
    EXPECT_EQ(h.result(pbs.back()), err::connectionTerminated);
}

TEST(TcpClose, UlpTimeoutWithReportNotifiesAndKeepsTheConnection) {
    TcpHarness h;
    HostListener small(4096);
    HostPeer peer = h.connected_stream(small, kStream);
    const std::string big(60000, 'r');
    h.put_bytes(0x30000, big);
    h.put_wds(0x2F000, {{60000, 0x30000}});
    for (uint32_t i = 0; i < 60; ++i) {
        const uint32_t pb = 0x6000 + 0x80 * i;
        h.clear_pb(pb);
        h.host.put32(pb + T::stream.offset, kStream);
        h.host.put32(pb + T::send::wdsPtr.offset, 0x2F000);
        h.host.put8(pb + T::send::validityFlags.offset, 0xC0);
        h.host.put8(pb + T::send::ulpTimeoutValue.offset, 2);
        h.host.put8(pb + T::send::ulpTimeoutAction.offset, 0);
        h.control(kTcpSend, pb, true, kCompletionRoutine);
    }
    ASSERT_TRUE(h.pump_until([&] { return h.count_asr(tcp_event::ulpTimeout) >= 1; }, std::chrono::seconds(5)));
    EXPECT_EQ(h.count_asr(tcp_event::terminate), 0u);
    EXPECT_EQ(h.state(kStream), tcp_state::established);
    EXPECT_EQ(h.abort(kStream), 0);
}

}  // namespace mtb::test
