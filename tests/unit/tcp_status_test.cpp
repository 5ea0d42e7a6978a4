// TCPStatus consistent with reality, TCPGlobalInfo, TCPExtendedStat, the per-call state matrix
// (mactcp-reference 7.10), calls from inside callbacks, and the host-error table (one test per
// row).
// SPDX-License-Identifier: GPL-2.0-or-later
#include <gtest/gtest.h>

#include <boost/asio/error.hpp>
#include <cerrno>

#include "driver/logger.h"
#include "net/host_errors.h"
#include "tcp_test_support.h"

namespace mtb::test {

constexpr uint32_t kStream = 0x10000;
constexpr uint32_t kData = 0x80000;
constexpr uint32_t kS = 0x4800;  // status pb used by TcpHarness::status

TEST(TcpStatus, FieldsOfAnEstablishedConnection) {
    TcpHarness h;
    HostListener listener;
    HostPeer peer = h.connected_stream(listener, kStream);
    peer.send_all("12345");
    ASSERT_TRUE(h.pump_until([&] { return h.unread(kStream) == 5; }));
    ASSERT_EQ(h.status(kStream), 0);
    EXPECT_EQ(h.host.get8(kS + T::status::connectionState.offset), tcp_state::established);
    EXPECT_EQ(h.host.get32(kS + T::status::remoteHost.offset), 0x7F000001u);
    EXPECT_EQ(h.host.get16(kS + T::status::remotePort.offset), listener.port);
    EXPECT_EQ(h.host.get16(kS + T::status::localPort.offset), [&] {
        sockaddr_in a{};
        socklen_t l = sizeof a;
        ::getpeername(peer.fd, reinterpret_cast<sockaddr *>(&a), &l);
        return ntohs(a.sin_port);
    }());
    EXPECT_EQ(h.host.get16(kS + T::status::amtUnreadData.offset), 5);
    EXPECT_EQ(h.host.get16(kS + T::status::amtUnackedData.offset), 0);
    EXPECT_GT(h.host.get16(kS + T::status::sendWindow.offset), 0);  // room to send
    EXPECT_EQ(h.host.get16(kS + T::status::rcvWindow.offset), 16384 - 88 - 5);
    EXPECT_EQ(h.host.get8(kS + T::status::ulpTimeoutValue.offset), 10);
    EXPECT_EQ(h.host.get8(kS + T::status::ulpTimeoutAction.offset), 1);
    // connStatPtr: a TCPConnectionStats block we own, at the start of the receive buffer.
    const uint32_t stats = h.host.get32(kS + T::status::connStatPtr.offset);
    EXPECT_EQ(stats, kStream);
    EXPECT_EQ(h.host.get16(stats + layout::tcp_connection_stats::numHistoBuckets.offset), 7);
    EXPECT_EQ(h.host.get32(stats + layout::tcp_connection_stats::bytesRcvd.offset), 5u);
    h.send_text(0x5000, kStream, kData, "abc");
    ASSERT_TRUE(h.wait_done(0x5000));
    ASSERT_EQ(h.status(kStream), 0);
    EXPECT_EQ(h.host.get32(stats + layout::tcp_connection_stats::bytesSent.offset), 3u);
    EXPECT_EQ(h.host.get32(kS + T::status::sendNext.offset), 3u);
    EXPECT_EQ(h.host.get32(kS + T::status::rcvNext.offset), 5u);
    EXPECT_EQ(h.host.get32(kS + T::status::userDataPtr.offset), 0u);  // input untouched
}

TEST(TcpStatus, NoConnectionAnswersConnectionDoesntExistWithStateZero) {
    TcpHarness h;
    ASSERT_EQ(h.create(kStream), 0);
    for (uint32_t i = 32; i < 98; ++i) h.host.put8(kS + i, 0xAA);
    h.host.put32(kS + T::stream.offset, kStream);
    h.control(kTcpStatus, kS);
    EXPECT_EQ(h.result(kS), err::connectionDoesntExist);
    for (uint32_t i = 32; i < 98; ++i) EXPECT_EQ(h.host.get8(kS + i), 0) << i;
}

TEST(TcpStatus, GlobalInfoPointsAtDriverOwnedRecords) {
    TcpHarness h;
    HostListener listener;
    HostPeer peer = h.connected_stream(listener, kStream);
    h.clear_pb(0x5000);
    h.control(kTcpGlobalInfo, 0x5000, true);
    EXPECT_EQ(h.result(0x5000), 0);
    const uint32_t param = h.host.get32(0x5000 + T::global_info::tcpParamPtr.offset);
    const uint32_t stats = h.host.get32(0x5000 + T::global_info::tcpStatsPtr.offset);
    const uint32_t image_end = FakeHost::kDriverAddress + guest_image::ipp_driver::image_size;
    EXPECT_GE(param, FakeHost::kDriverAddress);
    EXPECT_LE(stats + layout::tcp_stats::size, image_end);
    EXPECT_EQ(h.host.get32(param + layout::tcp_param::tcpMaxWindow.offset), 65535u);
    EXPECT_EQ(h.host.get32(stats + 0), 1u);  // connections attempted
    EXPECT_EQ(h.host.get32(stats + 4), 1u);  // opened
    EXPECT_EQ(h.host.get32(0x5000 + T::global_info::tcpCDBTable.offset), 0u);  // choice: NIL
}

TEST(TcpStatus, ExtendedStatIsUnsupportedAndWritesNothing) {
    TcpHarness h;
    ASSERT_EQ(h.create(kStream), 0);
    for (uint32_t i = 32; i < T::size; ++i) h.host.put8(0x5000 + i, 0x5A);
    h.host.put32(0x5000 + T::stream.offset, kStream);
    h.control(kTcpExtendedStat, 0x5000, true);
    EXPECT_EQ(h.result(0x5000), err::controlErr);
    for (uint32_t i = 32; i < T::size; ++i) EXPECT_EQ(h.host.get8(0x5000 + i), 0x5A);
    h.host.put32(0x5000 + T::stream.offset, 0x1234);
    h.control(kTcpExtendedStat, 0x5000);
    EXPECT_EQ(h.result(0x5000), err::invalidStreamPtr);
    h.control(33, 0x5000);
    EXPECT_EQ(h.result(0x5000), err::controlErr);
}

// Row "No connection (0)" of the state matrix, sync and async.
TEST(TcpStatus, StateMatrixWithoutAConnection) {
    for (bool async : {false, true}) {
        TcpHarness h;
        ASSERT_EQ(h.create(kStream), 0);
        h.put_wds(kData, {{3, kData + 0x100}});
        h.send(0x5000, kStream, kData, async);
        EXPECT_EQ(h.result(0x5000), err::connectionDoesntExist);
        h.rcv(0x5000, kStream, kData, 10, 0, async);
        EXPECT_EQ(h.result(0x5000), err::connectionDoesntExist);
        h.no_copy_rcv(0x5000, kStream, kData, 2);
        EXPECT_EQ(h.result(0x5000), err::connectionDoesntExist);
        h.close(0x5000, kStream, async);
        EXPECT_EQ(h.result(0x5000), err::connectionDoesntExist);
        EXPECT_EQ(h.abort(kStream), err::connectionDoesntExist);
        EXPECT_EQ(h.bfr_return(0x5000, kStream, kData), err::invalidRDS);
        EXPECT_EQ(h.release(kStream), 0);
    }
}

TEST(TcpStatus, EveryCallRefusesAGarbageStream) {
    TcpHarness h;
    for (uint16_t cs : {kTcpPassiveOpen, kTcpActiveOpen, kTcpSend, kTcpNoCopyRcv, kTcpRcvBfrReturn, kTcpRcv, kTcpClose,
                        kTcpAbort, kTcpStatus, kTcpExtendedStat, kTcpRelease}) {
        EXPECT_EQ(h.simple(cs, 0x10002), err::invalidStreamPtr) << cs;
        EXPECT_EQ(h.simple(cs, 0), err::invalidStreamPtr) << cs;
    }
}

TEST(TcpStatus, KillIoEndsPendingReceivesOnceAndTheStreamGoesOn) {
    TcpHarness h;
    HostListener listener;
    HostPeer peer = h.connected_stream(listener, kStream);
    h.rcv(0x5100, kStream, kData, 10);
    EXPECT_EQ(h.control(1, 0x6000), 0);
    EXPECT_EQ(h.result(0x5100), err::abortErr);
    peer.send_all("after kill");
    h.rcv(0x5200, kStream, kData + 0x100, 20);
    ASSERT_TRUE(h.wait_done(0x5200));
    EXPECT_EQ(h.result(0x5200), 0);
    EXPECT_EQ(h.get_bytes(kData + 0x100, 10), "after kill");  // not eaten by the killed request
    EXPECT_EQ(h.result(0x5100), err::abortErr);
}

// An ASR that issues a new receive from inside the callback (interrupt level), and a
// completion routine that re-issues it: the NCSA/DGD pattern.
TEST(TcpStatus, CallsFromInsideCallbacksWork) {
    TcpHarness h;
    HostListener listener;
    HostPeer peer = h.connected_stream(listener, kStream);
    int reissued = 0;
    const uint32_t tcp_asr = FakeHost::kDriverAddress + guest_image::ipp_driver::symbol::ipp_tramp_tcp_asr;
    const uint32_t completion = FakeHost::kDriverAddress + guest_image::ipp_driver::symbol::ipp_tramp_completion;
    bool outstanding = false;  // like a real client: one receive at a time on this pb
    h.host.on_call = [&](uint32_t addr, GuestRegs &regs) {
        if (addr == tcp_asr && regs.d[0] == tcp_event::dataArrival && !outstanding) {
            outstanding = true;
            h.rcv(0x5100, kStream, kData, 4);  // async from the ASR
        } else if (addr == completion && regs.a[0] == 0x5100 && reissued < 3 &&
                   static_cast<int16_t>(regs.d[0]) == 0) {
            ++reissued;
            h.put_bytes(kData + 0x1000 + 4 * (reissued - 1), h.get_bytes(kData, h.rcv_length(0x5100)));
            h.rcv(0x5100, kStream, kData, 4);  // re-issued from the completion routine
        } else if (addr == completion && regs.a[0] == 0x5100) {
            outstanding = false;
        }
    };
    peer.send_all("abcdefghijkl");
    ASSERT_TRUE(h.pump_until([&] { return reissued == 3; }));
    EXPECT_EQ(h.get_bytes(kData + 0x1000, 12), "abcdefghijkl");
    h.host.on_call = nullptr;
    // And a release from inside an ASR (the stream goes away under the bridge's feet).
    h.host.on_call = [&](uint32_t addr, GuestRegs &regs) {
        if (addr == tcp_asr && regs.d[0] == tcp_event::closing) h.release(kStream);
    };
    h.abort(kStream);  // clear the pending receive
    h.active_open(0x5300, kStream, listener.port);
    ASSERT_TRUE(h.wait_done(0x5300));
    HostPeer second = listener.accept();
    second.shutdown_write();
    ASSERT_TRUE(h.pump_until([&] { return h.count_asr(tcp_event::closing) == 1; }));
    h.settle();
    EXPECT_EQ(h.status(kStream), err::invalidStreamPtr);
}

// The host-error table, one test per row (net/host_errors.cpp).
struct ErrorRow {
    int host_errno;
    int16_t connect, bind, transfer;
};
class TcpHostErrors : public ::testing::TestWithParam<ErrorRow> {};

TEST_P(TcpHostErrors, MapsEachOperation) {
    FakeHost host;
    Logger log(host);
    const ErrorRow row = GetParam();
    const boost::system::error_code ec(row.host_errno, boost::system::system_category());
    EXPECT_EQ(mactcp_result_for(ec, HostOperation::connect, log), row.connect);
    EXPECT_EQ(mactcp_result_for(ec, HostOperation::accept, log), row.connect);
    EXPECT_EQ(mactcp_result_for(ec, HostOperation::bind, log), row.bind);
    EXPECT_EQ(mactcp_result_for(ec, HostOperation::send, log), row.transfer);
    EXPECT_EQ(mactcp_result_for(ec, HostOperation::receive, log), row.transfer);
    EXPECT_TRUE(host.logs.empty());  // known rows are not logged as unknown
}

INSTANTIATE_TEST_SUITE_P(
    EveryRow, TcpHostErrors,
    ::testing::Values(
        ErrorRow{ECONNREFUSED, err::openFailed, err::duplicateSocket, err::connectionTerminated},
        ErrorRow{ETIMEDOUT, err::openFailed, err::duplicateSocket, err::connectionTerminated},
        ErrorRow{EHOSTUNREACH, err::openFailed, err::ipRouteErr, err::connectionTerminated},
        ErrorRow{ENETUNREACH, err::ipRouteErr, err::ipRouteErr, err::connectionTerminated},
        ErrorRow{EADDRINUSE, err::duplicateSocket, err::duplicateSocket, err::connectionTerminated},
        ErrorRow{EADDRNOTAVAIL, err::openFailed, err::duplicateSocket, err::connectionTerminated},
        ErrorRow{EACCES, err::openFailed, err::duplicateSocket, err::connectionTerminated},
        ErrorRow{EPERM, err::openFailed, err::duplicateSocket, err::connectionTerminated},
        ErrorRow{ECONNRESET, err::openFailed, err::duplicateSocket, err::connectionTerminated},
        ErrorRow{ECONNABORTED, err::openFailed, err::duplicateSocket, err::connectionTerminated},
        ErrorRow{EPIPE, err::openFailed, err::duplicateSocket, err::connectionTerminated},
        ErrorRow{ENOBUFS, err::insufficientResources, err::insufficientResources, err::insufficientResources},
        ErrorRow{ENOMEM, err::insufficientResources, err::insufficientResources, err::insufficientResources},
        ErrorRow{EMFILE, err::insufficientResources, err::insufficientResources, err::insufficientResources},
        ErrorRow{ENFILE, err::insufficientResources, err::insufficientResources, err::insufficientResources},
        ErrorRow{EMSGSIZE, err::openFailed, err::duplicateSocket, err::ipDontFragErr},
        ErrorRow{ECANCELED, err::openFailed, err::duplicateSocket, err::connectionTerminated}));

TEST(TcpHostErrorsFallback, UnknownErrorsAreLoggedLoudlyWithTheDocumentedFallback) {
    FakeHost host;
    Logger log(host);
    const boost::system::error_code ec(EXDEV, boost::system::system_category());
    EXPECT_EQ(mactcp_result_for(ec, HostOperation::connect, log), err::openFailed);
    EXPECT_EQ(mactcp_result_for(ec, HostOperation::bind, log), err::duplicateSocket);
    EXPECT_EQ(mactcp_result_for(ec, HostOperation::send, log), err::connectionTerminated);
    EXPECT_EQ(host.logs.size(), 3u);  // error level: shown at the default log level
    EXPECT_EQ(mactcp_result_for(boost::asio::error::eof, HostOperation::receive, log), err::connectionClosing);
}

}  // namespace mtb::test
