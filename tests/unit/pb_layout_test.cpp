// The ABI test: every field offset and record size, as printed in mactcp-reference.md section 3.
// SPDX-License-Identifier: GPL-2.0-or-later
#include <gtest/gtest.h>

#include "guest/pb_layout.h"

namespace mtb::layout {

#define PIN(field, off, width)                    \
    do {                                          \
        EXPECT_EQ((field).offset, off) << #field; \
        EXPECT_EQ((field).size, width) << #field; \
    } while (0)

TEST(PbLayout, CommonHeader) {
    PIN(header::qLink, 0, 4); PIN(header::qType, 4, 2); PIN(header::ioTrap, 6, 2);
    PIN(header::ioCmdAddr, 8, 4); PIN(header::ioCompletion, 12, 4); PIN(header::ioResult, 16, 2);
    PIN(header::ioNamePtr, 18, 4); PIN(header::ioVRefNum, 22, 2); PIN(header::ioCRefNum, 24, 2);
    PIN(header::csCode, 26, 2);
    EXPECT_EQ(header::size, 28u);
}

TEST(PbLayout, TcpCreateOpenSend) {
    EXPECT_EQ(tcp::size, 102u);
    PIN(tcp::stream, 28, 4);
    PIN(tcp::create::rcvBuff, 32, 4); PIN(tcp::create::rcvBuffLen, 36, 4);
    PIN(tcp::create::notifyProc, 40, 4); PIN(tcp::create::userDataPtr, 44, 4);
    PIN(tcp::open::ulpTimeoutValue, 32, 1); PIN(tcp::open::ulpTimeoutAction, 33, 1);
    PIN(tcp::open::validityFlags, 34, 1); PIN(tcp::open::commandTimeoutValue, 35, 1);
    PIN(tcp::open::remoteHost, 36, 4); PIN(tcp::open::remotePort, 40, 2);
    PIN(tcp::open::localHost, 42, 4); PIN(tcp::open::localPort, 46, 2);
    PIN(tcp::open::tosFlags, 48, 1); PIN(tcp::open::precedence, 49, 1); PIN(tcp::open::dontFrag, 50, 1);
    PIN(tcp::open::timeToLive, 51, 1); PIN(tcp::open::security, 52, 1); PIN(tcp::open::optionCnt, 53, 1);
    EXPECT_EQ(tcp::open::options, 54u); EXPECT_EQ(tcp::open::optionsSize, 40u);
    PIN(tcp::open::userDataPtr, 94, 4);
    EXPECT_EQ(tcp::open::userDataPtr.end() - 32, 66u);  // open union member: 66 bytes
    PIN(tcp::send::ulpTimeoutValue, 32, 1); PIN(tcp::send::ulpTimeoutAction, 33, 1);
    PIN(tcp::send::validityFlags, 34, 1); PIN(tcp::send::pushFlag, 35, 1); PIN(tcp::send::urgentFlag, 36, 1);
    PIN(tcp::send::wdsPtr, 38, 4); PIN(tcp::send::sendFree, 42, 4); PIN(tcp::send::sendLength, 46, 2);
    PIN(tcp::send::userDataPtr, 48, 4);
    EXPECT_EQ(tcp::send::userDataPtr.end() - 32, 20u);  // send member: 20 bytes
}

TEST(PbLayout, TcpReceiveCloseAbort) {
    PIN(tcp::receive::commandTimeoutValue, 32, 1); PIN(tcp::receive::markFlag, 33, 1);
    PIN(tcp::receive::urgentFlag, 34, 1); PIN(tcp::receive::markFlagOldHeaders, 35, 1);
    PIN(tcp::receive::rcvBuff, 36, 4); PIN(tcp::receive::rcvBuffLen, 40, 2); PIN(tcp::receive::rdsPtr, 42, 4);
    PIN(tcp::receive::rdsLength, 46, 2); PIN(tcp::receive::secondTimeStamp, 48, 2);
    PIN(tcp::receive::userDataPtr, 50, 4);
    EXPECT_EQ(tcp::receive::userDataPtr.end() - 32, 22u);  // receive member: 22 bytes
    PIN(tcp::close::ulpTimeoutValue, 32, 1); PIN(tcp::close::ulpTimeoutAction, 33, 1);
    PIN(tcp::close::validityFlags, 34, 1); PIN(tcp::close::userDataPtr, 36, 4);
    EXPECT_EQ(tcp::close::userDataPtr.end() - 32, 8u);
    PIN(tcp::abort::userDataPtr, 32, 4);
}

TEST(PbLayout, TcpStatusReleaseGlobalInfo) {
    PIN(tcp::status::ulpTimeoutValue, 32, 1); PIN(tcp::status::ulpTimeoutAction, 33, 1);
    PIN(tcp::status::unused, 34, 4); PIN(tcp::status::remoteHost, 38, 4); PIN(tcp::status::remotePort, 42, 2);
    PIN(tcp::status::localHost, 44, 4); PIN(tcp::status::localPort, 48, 2); PIN(tcp::status::tosFlags, 50, 1);
    PIN(tcp::status::precedence, 51, 1); PIN(tcp::status::connectionState, 52, 1);
    PIN(tcp::status::sendWindow, 54, 2); PIN(tcp::status::rcvWindow, 56, 2);
    PIN(tcp::status::amtUnackedData, 58, 2); PIN(tcp::status::amtUnreadData, 60, 2);
    PIN(tcp::status::securityLevelPtr, 62, 4); PIN(tcp::status::sendUnacked, 66, 4);
    PIN(tcp::status::sendNext, 70, 4); PIN(tcp::status::congestionWindow, 74, 4); PIN(tcp::status::rcvNext, 78, 4);
    PIN(tcp::status::srtt, 82, 4); PIN(tcp::status::lastRTT, 86, 4); PIN(tcp::status::sendMaxSegSize, 90, 4);
    PIN(tcp::status::connStatPtr, 94, 4); PIN(tcp::status::userDataPtr, 98, 4);
    EXPECT_EQ(tcp::status::userDataPtr.end() - 32, 70u);  // status member: 70 bytes, the largest
    EXPECT_EQ(tcp::status::userDataPtr.end(), tcp::size);
    PIN(tcp::release::rcvBuff, 32, 4); PIN(tcp::release::rcvBuffLen, 36, 4); PIN(tcp::release::userDataPtr, 44, 4);
    PIN(tcp::global_info::tcpParamPtr, 32, 4); PIN(tcp::global_info::tcpStatsPtr, 36, 4);
    PIN(tcp::global_info::tcpCDBTable, 40, 4); PIN(tcp::global_info::userDataPtr, 44, 4);
    PIN(tcp::global_info::maxTCPConnections, 48, 2);
    EXPECT_EQ(tcp::global_info::maxTCPConnections.end() - 32, 18u);  // globalInfo member: 18 bytes
}

TEST(PbLayout, TcpRecords) {
    EXPECT_EQ(tcp_connection_stats::size, 86u);
    PIN(tcp_connection_stats::dataPktsRcvd, 0, 4); PIN(tcp_connection_stats::dataPktsSent, 4, 4);
    PIN(tcp_connection_stats::dataPktsResent, 8, 4); PIN(tcp_connection_stats::bytesRcvd, 12, 4);
    PIN(tcp_connection_stats::bytesRcvdDup, 16, 4); PIN(tcp_connection_stats::bytesRcvdPastWindow, 20, 4);
    PIN(tcp_connection_stats::bytesSent, 24, 4); PIN(tcp_connection_stats::bytesResent, 28, 4);
    PIN(tcp_connection_stats::numHistoBuckets, 32, 2);
    EXPECT_EQ(tcp_connection_stats::sentSizeHisto, 34u);
    EXPECT_EQ(tcp_connection_stats::histoEntrySize * tcp_connection_stats::histoBuckets, 42u);
    PIN(tcp_connection_stats::lastRTT, 76, 2); PIN(tcp_connection_stats::tmrSRTT, 78, 2);
    PIN(tcp_connection_stats::rttVariance, 80, 2); PIN(tcp_connection_stats::tmrRTO, 82, 2);
    PIN(tcp_connection_stats::sendTries, 84, 1); PIN(tcp_connection_stats::sourchQuenchRcvd, 85, 1);
    EXPECT_EQ(tcp_param::size, 24u);
    PIN(tcp_param::tcpRtoA, 0, 4); PIN(tcp_param::tcpRtoMin, 4, 4); PIN(tcp_param::tcpRtoMax, 8, 4);
    PIN(tcp_param::tcpMaxSegSize, 12, 4); PIN(tcp_param::tcpMaxConn, 16, 4); PIN(tcp_param::tcpMaxWindow, 20, 4);
    EXPECT_EQ(tcp_stats::size, 52u);
    EXPECT_EQ(tcp_stats::counters * 4, tcp_stats::size);
}

TEST(PbLayout, Udp) {
    EXPECT_EQ(udp::size, 58u);
    EXPECT_EQ(udp::sizeOld, 52u);
    PIN(udp::stream, 28, 4);
    PIN(udp::create::rcvBuff, 32, 4); PIN(udp::create::rcvBuffLen, 36, 4); PIN(udp::create::notifyProc, 40, 4);
    PIN(udp::create::localPort, 44, 2); PIN(udp::create::userDataPtr, 46, 4); PIN(udp::create::endingPort, 50, 2);
    PIN(udp::receive::timeOut, 32, 2); PIN(udp::receive::remoteHost, 34, 4); PIN(udp::receive::remotePort, 38, 2);
    PIN(udp::receive::rcvBuff, 40, 4); PIN(udp::receive::rcvBuffLen, 44, 2);
    PIN(udp::receive::secondTimeStamp, 46, 2); PIN(udp::receive::userDataPtr, 48, 4);
    PIN(udp::receive::destHost, 52, 4); PIN(udp::receive::destPort, 56, 2);
    EXPECT_EQ(udp::receive::destPort.end() - 32, 26u);  // receive member: 26 bytes
    PIN(udp::bfr_return::rcvBuff, 40, 4); PIN(udp::bfr_return::userDataPtr, 48, 4);
    PIN(udp::send::reserved, 32, 2); PIN(udp::send::remoteHost, 34, 4); PIN(udp::send::remotePort, 38, 2);
    PIN(udp::send::wdsPtr, 40, 4); PIN(udp::send::checkSum, 44, 1); PIN(udp::send::sendLength, 46, 2);
    PIN(udp::send::userDataPtr, 48, 4); PIN(udp::send::localPort, 52, 2);
    EXPECT_EQ(udp::send::localPort.end() - 32, 22u);  // send member: 22 bytes
    PIN(udp::release::rcvBuff, 32, 4); PIN(udp::release::rcvBuffLen, 36, 4); PIN(udp::release::userDataPtr, 46, 4);
    PIN(udp::mtu::mtuSize, 32, 2); PIN(udp::mtu::remoteHost, 34, 4); PIN(udp::mtu::userDataPtr, 38, 4);
    EXPECT_EQ(udp::mtu::userDataPtr.end() - 32, 10u);  // mtu member: 10 bytes
    // Ordinary UDP calls never reach bytes 52..57 (the Multi-only fields).
    EXPECT_LE(udp::create::userDataPtr.end(), udp::sizeOld);
    EXPECT_LE(udp::receive::userDataPtr.end(), udp::sizeOld);
    EXPECT_LE(udp::send::userDataPtr.end(), udp::sizeOld);
    EXPECT_LE(udp::release::userDataPtr.end(), udp::sizeOld);
}

TEST(PbLayout, IpCalls) {
    EXPECT_EQ(get_addr::size, 36u);
    PIN(get_addr::ourAddress, 28, 4); PIN(get_addr::ourNetMask, 32, 4);
    EXPECT_EQ(icmp_echo::requestSize, 54u);
    EXPECT_EQ(icmp_echo::replySize, 72u);
    PIN(icmp_echo::dest, 28, 4); PIN(icmp_echo::dataLength, 32, 2); PIN(icmp_echo::dataPtr, 34, 4);
    PIN(icmp_echo::timeout, 38, 2); PIN(icmp_echo::options, 40, 4); PIN(icmp_echo::optLength, 44, 2);
    PIN(icmp_echo::icmpCompletion, 46, 4); PIN(icmp_echo::userDataPtr, 50, 4);
    PIN(icmp_echo::echoRequestOut, 50, 4); PIN(icmp_echo::echoReplyIn, 54, 4);
    PIN(icmp_echo::echoedDataLength, 58, 2); PIN(icmp_echo::echoedDataPtr, 60, 4);
    PIN(icmp_echo::replyOptions, 64, 4); PIN(icmp_echo::replyUserDataPtr, 68, 4);
    EXPECT_EQ(icmp_echo::replyUserDataPtr.end(), icmp_echo::replySize);
    EXPECT_EQ(lap_stats_pb::size, 54u);
    PIN(lap_stats_pb::lapStatsPtr, 28, 4);
    EXPECT_EQ(lap_stats::size, 24u);
    PIN(lap_stats::ifType, 0, 2); PIN(lap_stats::ifString, 2, 4); PIN(lap_stats::ifMaxMTU, 6, 2);
    PIN(lap_stats::ifSpeed, 8, 4); PIN(lap_stats::ifPhyAddrLength, 12, 2); PIN(lap_stats::ifPhysicalAddress, 14, 4);
    PIN(lap_stats::addrXlation, 18, 4); PIN(lap_stats::slotNumber, 22, 2);
}

TEST(PbLayout, DataEntriesAndIcmpReport) {
    EXPECT_EQ(data_entry::size, 6u);
    PIN(data_entry::length, 0, 2); PIN(data_entry::ptr, 2, 4);
    EXPECT_EQ(icmp_report::size, 24u);
    PIN(icmp_report::streamPtr, 0, 4); PIN(icmp_report::localHost, 4, 4); PIN(icmp_report::localPort, 8, 2);
    PIN(icmp_report::remoteHost, 10, 4); PIN(icmp_report::remotePort, 14, 2); PIN(icmp_report::reportType, 16, 2);
    PIN(icmp_report::optionalAddlInfo, 18, 2); PIN(icmp_report::optionalAddlInfoPtr, 20, 4);
    EXPECT_EQ(icmp_report::optionalAddlInfoPtr.end(), icmp_report::size);
}

TEST(PbLayout, DnrRecords) {
    EXPECT_EQ(host_info::size, 276u);
    PIN(host_info::rtnCode, 0, 4);
    EXPECT_EQ(host_info::cname, 4u); EXPECT_EQ(host_info::cnameSize, 255u);
    EXPECT_EQ(host_info::addr, 260u); EXPECT_EQ(host_info::addr + 4 * host_info::addrCount, host_info::size);
    EXPECT_EQ(return_rec::size, 518u);
    PIN(return_rec::rtnCode, 0, 4);
    EXPECT_EQ(return_rec::cname, 4u); EXPECT_EQ(return_rec::rdata, 260u);
    EXPECT_EQ(return_rec::cpuType, 260u); EXPECT_EQ(return_rec::osType, 290u); EXPECT_EQ(return_rec::hinfoStringSize, 30u);
    PIN(return_rec::mxPreference, 260, 2);
    EXPECT_EQ(return_rec::mxExchange, 262u);
    EXPECT_EQ(return_rec::mxExchange + return_rec::mxExchangeSize + 1, return_rec::size);  // + pad at 517
    EXPECT_EQ(cache_entry::size, 16u);
    PIN(cache_entry::cname, 0, 4); PIN(cache_entry::type, 4, 2); PIN(cache_entry::cacheClass, 6, 2);
    PIN(cache_entry::ttl, 8, 4); PIN(cache_entry::rdata, 12, 4);
}

}  // namespace mtb::layout
