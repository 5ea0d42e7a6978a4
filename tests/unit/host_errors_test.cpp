// The one errno -> MacTCP table (net/host_errors.cpp): every row, every operation, and the
// ICMP notices UDP reports from the error queue. TcpHostErrors (tcp_status_test.cpp) checks
// the TCP columns as they always were.
// SPDX-License-Identifier: GPL-2.0-or-later
#include <gtest/gtest.h>

#include <cerrno>

#include "driver/mactcp_codes.h"
#include "fake_host.h"
#include "driver/logger.h"
#include "net/host_errors.h"

namespace mtb::test {

struct HostErrorRow {
    int host_errno;
    int16_t connect, bind, transfer, datagram, echo;
    bool icmp_notice;
};
class HostErrorTable : public ::testing::TestWithParam<HostErrorRow> {};

TEST_P(HostErrorTable, MapsEachOperationWithoutComplaint) {
    FakeHost host;
    Logger log(host);
    const HostErrorRow row = GetParam();
    EXPECT_EQ(mactcp_result_for_errno(row.host_errno, HostOperation::connect, log), row.connect);
    EXPECT_EQ(mactcp_result_for_errno(row.host_errno, HostOperation::accept, log), row.connect);
    EXPECT_EQ(mactcp_result_for_errno(row.host_errno, HostOperation::bind, log), row.bind);
    EXPECT_EQ(mactcp_result_for_errno(row.host_errno, HostOperation::send, log), row.transfer);
    EXPECT_EQ(mactcp_result_for_errno(row.host_errno, HostOperation::receive, log), row.transfer);
    EXPECT_EQ(mactcp_result_for_errno(row.host_errno, HostOperation::datagram, log), row.datagram);
    EXPECT_EQ(mactcp_result_for_errno(row.host_errno, HostOperation::echo, log), row.echo);
    EXPECT_EQ(is_icmp_notice(row.host_errno), row.icmp_notice);
    EXPECT_TRUE(host.logs.empty());  // known rows are not logged as unknown
}

constexpr int16_t kRoute = err::ipRouteErr, kEcho = err::icmpEchoTimeoutErr, kTerm = err::connectionTerminated;
constexpr int16_t kOpen = err::openFailed, kDup = err::duplicateSocket, kRes = err::insufficientResources;

INSTANTIATE_TEST_SUITE_P(
    EveryRow, HostErrorTable,
    ::testing::Values(HostErrorRow{ECONNREFUSED, kOpen, kDup, kTerm, kRoute, kEcho, true},
                      HostErrorRow{ETIMEDOUT, kOpen, kDup, kTerm, kRoute, kEcho, true},
                      HostErrorRow{EHOSTUNREACH, kOpen, kRoute, kTerm, kRoute, kEcho, true},
                      HostErrorRow{ENETUNREACH, kRoute, kRoute, kTerm, kRoute, kRoute, true},
                      HostErrorRow{EHOSTDOWN, kOpen, kDup, kTerm, kRoute, kEcho, true},
                      HostErrorRow{ENONET, kOpen, kDup, kTerm, kRoute, kEcho, true},
                      HostErrorRow{EPROTO, kOpen, kDup, kTerm, kRoute, kEcho, true},
                      HostErrorRow{EADDRINUSE, err::duplicateSocket, kDup, kTerm, kRoute, kEcho, false},
                      HostErrorRow{EADDRNOTAVAIL, kOpen, kDup, kTerm, kRoute, kEcho, false},
                      HostErrorRow{EACCES, kOpen, kDup, kTerm, kRoute, kEcho, false},
                      HostErrorRow{EPERM, kOpen, kDup, kTerm, kRoute, kEcho, false},
                      HostErrorRow{EINVAL, kOpen, kDup, kTerm, kRoute, kEcho, false},
                      HostErrorRow{ECONNRESET, kOpen, kDup, kTerm, kRoute, kEcho, false},
                      HostErrorRow{ECONNABORTED, kOpen, kDup, kTerm, kRoute, kEcho, false},
                      HostErrorRow{EPIPE, kOpen, kDup, kTerm, kRoute, kEcho, false},
                      HostErrorRow{EAGAIN, kOpen, kDup, kTerm, kRes, kEcho, false},
                      HostErrorRow{ENOBUFS, kRes, kRes, kRes, kRes, kEcho, false},
                      HostErrorRow{ENOMEM, kRes, kRes, kRes, kRes, kEcho, false},
                      HostErrorRow{EMFILE, kRes, kRes, kRes, kRes, kEcho, false},
                      HostErrorRow{ENFILE, kRes, kRes, kRes, kRes, kEcho, false},
                      HostErrorRow{EMSGSIZE, kOpen, kDup, err::ipDontFragErr, err::ipNoFragMemErr, kEcho, false},
                      HostErrorRow{ECANCELED, kOpen, kDup, kTerm, kRoute, kEcho, false}));

TEST(HostErrorTableFallback, UnknownErrorsAreLoggedWithEachOperationsFallback) {
    FakeHost host;
    Logger log(host);
    EXPECT_EQ(mactcp_result_for_errno(0, HostOperation::datagram, log), err::noErr);
    EXPECT_EQ(mactcp_result_for_errno(EXDEV, HostOperation::datagram, log), err::ipRouteErr);
    EXPECT_EQ(mactcp_result_for_errno(EXDEV, HostOperation::echo, log), err::icmpEchoTimeoutErr);
    EXPECT_FALSE(is_icmp_notice(EXDEV));
    EXPECT_EQ(host.logs.size(), 2u);
}

}  // namespace mtb::test
