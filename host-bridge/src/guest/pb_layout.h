// Byte offsets of every MacTCP parameter block and record (mactcp-reference.md section 3).
// SPDX-License-Identifier: GPL-2.0-or-later
//
// Offsets are from the start of the block; the width of each field is its type. The ABI test
// (tests/unit/pb_layout_test.cpp) pins each one against the reference.
#pragma once

#include <cstdint>

namespace mtb::layout {

template <typename T>
struct Field {
    uint32_t offset;
    static constexpr uint32_t size = sizeof(T);
    constexpr uint32_t end() const { return offset + size; }
};
using U8 = Field<uint8_t>;
using U16 = Field<uint16_t>;
using U32 = Field<uint32_t>;

// Device Manager header shared by every call (section 3.1).
namespace header {
inline constexpr U32 qLink{0};
inline constexpr U16 qType{4};
inline constexpr U16 ioTrap{6};
inline constexpr U32 ioCmdAddr{8};
inline constexpr U32 ioCompletion{12};
inline constexpr U16 ioResult{16};
inline constexpr U32 ioNamePtr{18};
inline constexpr U16 ioVRefNum{22};
inline constexpr U16 ioCRefNum{24};
inline constexpr U16 csCode{26};
inline constexpr uint32_t size = 28;
inline constexpr uint16_t trapAsyncBit = 0x0400;
inline constexpr uint16_t trapImmediateBit = 0x0200;
}  // namespace header

// TCPiopb (section 3.2): 102 bytes.
namespace tcp {
inline constexpr uint32_t size = 102;
inline constexpr U32 stream{28};
namespace create {
inline constexpr U32 rcvBuff{32};
inline constexpr U32 rcvBuffLen{36};
inline constexpr U32 notifyProc{40};
inline constexpr U32 userDataPtr{44};
}  // namespace create
namespace open {
inline constexpr U8 ulpTimeoutValue{32};
inline constexpr U8 ulpTimeoutAction{33};
inline constexpr U8 validityFlags{34};
inline constexpr U8 commandTimeoutValue{35};
inline constexpr U32 remoteHost{36};
inline constexpr U16 remotePort{40};
inline constexpr U32 localHost{42};
inline constexpr U16 localPort{46};
inline constexpr U8 tosFlags{48};
inline constexpr U8 precedence{49};
inline constexpr U8 dontFrag{50};
inline constexpr U8 timeToLive{51};
inline constexpr U8 security{52};
inline constexpr U8 optionCnt{53};
inline constexpr uint32_t options = 54;  // 40 bytes
inline constexpr uint32_t optionsSize = 40;
inline constexpr U32 userDataPtr{94};
}  // namespace open
namespace send {
inline constexpr U8 ulpTimeoutValue{32};
inline constexpr U8 ulpTimeoutAction{33};
inline constexpr U8 validityFlags{34};
inline constexpr U8 pushFlag{35};
inline constexpr U8 urgentFlag{36};
inline constexpr U32 wdsPtr{38};
inline constexpr U32 sendFree{42};
inline constexpr U16 sendLength{46};
inline constexpr U32 userDataPtr{48};
}  // namespace send
namespace receive {
inline constexpr U8 commandTimeoutValue{32};
inline constexpr U8 markFlag{33};
inline constexpr U8 urgentFlag{34};
inline constexpr U8 markFlagOldHeaders{35};  // section 3.2.1: pre-1995 headers read mark here
inline constexpr U32 rcvBuff{36};
inline constexpr U16 rcvBuffLen{40};
inline constexpr U32 rdsPtr{42};
inline constexpr U16 rdsLength{46};
inline constexpr U16 secondTimeStamp{48};
inline constexpr U32 userDataPtr{50};
}  // namespace receive
namespace close {
inline constexpr U8 ulpTimeoutValue{32};
inline constexpr U8 ulpTimeoutAction{33};
inline constexpr U8 validityFlags{34};
inline constexpr U32 userDataPtr{36};
}  // namespace close
namespace abort {
inline constexpr U32 userDataPtr{32};
}  // namespace abort
namespace status {
inline constexpr U8 ulpTimeoutValue{32};
inline constexpr U8 ulpTimeoutAction{33};
inline constexpr U32 unused{34};
inline constexpr U32 remoteHost{38};
inline constexpr U16 remotePort{42};
inline constexpr U32 localHost{44};
inline constexpr U16 localPort{48};
inline constexpr U8 tosFlags{50};
inline constexpr U8 precedence{51};
inline constexpr U8 connectionState{52};
inline constexpr U16 sendWindow{54};
inline constexpr U16 rcvWindow{56};
inline constexpr U16 amtUnackedData{58};
inline constexpr U16 amtUnreadData{60};
inline constexpr U32 securityLevelPtr{62};
inline constexpr U32 sendUnacked{66};
inline constexpr U32 sendNext{70};
inline constexpr U32 congestionWindow{74};
inline constexpr U32 rcvNext{78};
inline constexpr U32 srtt{82};
inline constexpr U32 lastRTT{86};
inline constexpr U32 sendMaxSegSize{90};
inline constexpr U32 connStatPtr{94};
inline constexpr U32 userDataPtr{98};
}  // namespace status
namespace release {
inline constexpr U32 rcvBuff{32};
inline constexpr U32 rcvBuffLen{36};
inline constexpr U32 userDataPtr{44};
}  // namespace release
namespace global_info {
inline constexpr U32 tcpParamPtr{32};
inline constexpr U32 tcpStatsPtr{36};
inline constexpr U32 tcpCDBTable{40};
inline constexpr U32 userDataPtr{44};
inline constexpr U16 maxTCPConnections{48};
}  // namespace global_info
}  // namespace tcp

// TCPConnectionStats (86 bytes), TCPParam (24), TCPStats (52).
namespace tcp_connection_stats {
inline constexpr uint32_t size = 86;
inline constexpr U32 dataPktsRcvd{0};
inline constexpr U32 dataPktsSent{4};
inline constexpr U32 dataPktsResent{8};
inline constexpr U32 bytesRcvd{12};
inline constexpr U32 bytesRcvdDup{16};
inline constexpr U32 bytesRcvdPastWindow{20};
inline constexpr U32 bytesSent{24};
inline constexpr U32 bytesResent{28};
inline constexpr U16 numHistoBuckets{32};
inline constexpr uint32_t sentSizeHisto = 34;  // 7 × {u16 value, u32 counter}
inline constexpr uint32_t histoEntrySize = 6;
inline constexpr uint32_t histoBuckets = 7;
inline constexpr U16 lastRTT{76};
inline constexpr U16 tmrSRTT{78};
inline constexpr U16 rttVariance{80};
inline constexpr U16 tmrRTO{82};
inline constexpr U8 sendTries{84};
inline constexpr U8 sourchQuenchRcvd{85};
}  // namespace tcp_connection_stats
namespace tcp_param {
inline constexpr uint32_t size = 24;
inline constexpr U32 tcpRtoA{0};
inline constexpr U32 tcpRtoMin{4};
inline constexpr U32 tcpRtoMax{8};
inline constexpr U32 tcpMaxSegSize{12};
inline constexpr U32 tcpMaxConn{16};
inline constexpr U32 tcpMaxWindow{20};
}  // namespace tcp_param
namespace tcp_stats {
inline constexpr uint32_t size = 52;  // 13 u32 counters, in the order of section 3.2
inline constexpr uint32_t counters = 13;
}  // namespace tcp_stats

// UDPiopb (section 3.3): 58 bytes, but only 52 for MacTCP 1.x applications. Only the Multi
// calls may touch bytes 52..57.
namespace udp {
inline constexpr uint32_t size = 58;
inline constexpr uint32_t sizeOld = 52;
inline constexpr U32 stream{28};
namespace create {
inline constexpr U32 rcvBuff{32};
inline constexpr U32 rcvBuffLen{36};
inline constexpr U32 notifyProc{40};
inline constexpr U16 localPort{44};
inline constexpr U32 userDataPtr{46};
inline constexpr U16 endingPort{50};
}  // namespace create
namespace receive {
inline constexpr U16 timeOut{32};
inline constexpr U32 remoteHost{34};
inline constexpr U16 remotePort{38};
inline constexpr U32 rcvBuff{40};
inline constexpr U16 rcvBuffLen{44};
inline constexpr U16 secondTimeStamp{46};
inline constexpr U32 userDataPtr{48};
inline constexpr U32 destHost{52};
inline constexpr U16 destPort{56};
}  // namespace receive
namespace bfr_return {
inline constexpr U32 rcvBuff{40};
inline constexpr U32 userDataPtr{48};
}  // namespace bfr_return
namespace send {
inline constexpr U16 reserved{32};
inline constexpr U32 remoteHost{34};
inline constexpr U16 remotePort{38};
inline constexpr U32 wdsPtr{40};
inline constexpr U8 checkSum{44};
inline constexpr U16 sendLength{46};
inline constexpr U32 userDataPtr{48};
inline constexpr U16 localPort{52};
}  // namespace send
namespace release {
inline constexpr U32 rcvBuff{32};
inline constexpr U32 rcvBuffLen{36};
inline constexpr U32 userDataPtr{46};
}  // namespace release
namespace mtu {
inline constexpr U16 mtuSize{32};
inline constexpr U32 remoteHost{34};
inline constexpr U32 userDataPtr{38};
}  // namespace mtu
}  // namespace udp

// IP calls (section 3.4).
namespace get_addr {
inline constexpr uint32_t size = 36;
inline constexpr U32 ourAddress{28};
inline constexpr U32 ourNetMask{32};
}  // namespace get_addr
namespace icmp_echo {
inline constexpr uint32_t requestSize = 54;
inline constexpr uint32_t replySize = 72;
inline constexpr U32 dest{28};
inline constexpr U16 dataLength{32};
inline constexpr U32 dataPtr{34};
inline constexpr U16 timeout{38};
inline constexpr U32 options{40};
inline constexpr U16 optLength{44};
inline constexpr U32 icmpCompletion{46};
inline constexpr U32 userDataPtr{50};
inline constexpr U32 echoRequestOut{50};
inline constexpr U32 echoReplyIn{54};
inline constexpr U16 echoedDataLength{58};
inline constexpr U32 echoedDataPtr{60};
inline constexpr U32 replyOptions{64};
inline constexpr U32 replyUserDataPtr{68};
}  // namespace icmp_echo
namespace lap_stats_pb {
inline constexpr uint32_t size = 54;
inline constexpr U32 lapStatsPtr{28};
}  // namespace lap_stats_pb
namespace lap_stats {
inline constexpr uint32_t size = 24;
inline constexpr U16 ifType{0};
inline constexpr U32 ifString{2};
inline constexpr U16 ifMaxMTU{6};
inline constexpr U32 ifSpeed{8};
inline constexpr U16 ifPhyAddrLength{12};
inline constexpr U32 ifPhysicalAddress{14};
inline constexpr U32 addrXlation{18};
inline constexpr U16 slotNumber{22};
}  // namespace lap_stats

// WDS / RDS entries (section 4).
namespace data_entry {
inline constexpr uint32_t size = 6;
inline constexpr U16 length{0};
inline constexpr U32 ptr{2};
}  // namespace data_entry

// ICMP report (section 5.6): 24 bytes.
namespace icmp_report {
inline constexpr uint32_t size = 24;
inline constexpr U32 streamPtr{0};
inline constexpr U32 localHost{4};
inline constexpr U16 localPort{8};
inline constexpr U32 remoteHost{10};
inline constexpr U16 remotePort{14};
inline constexpr U16 reportType{16};
inline constexpr U16 optionalAddlInfo{18};
inline constexpr U32 optionalAddlInfoPtr{20};
}  // namespace icmp_report

// DNR records (section 8.3).
namespace host_info {
inline constexpr uint32_t size = 276;
inline constexpr U32 rtnCode{0};
inline constexpr uint32_t cname = 4;
inline constexpr uint32_t cnameSize = 255;
inline constexpr uint32_t addr = 260;  // 4 × u32
inline constexpr uint32_t addrCount = 4;
}  // namespace host_info
namespace return_rec {
inline constexpr uint32_t size = 518;
inline constexpr U32 rtnCode{0};
inline constexpr uint32_t cname = 4;
inline constexpr uint32_t cnameSize = 255;
inline constexpr uint32_t rdata = 260;
inline constexpr uint32_t cpuType = 260;
inline constexpr uint32_t osType = 290;
inline constexpr uint32_t hinfoStringSize = 30;
inline constexpr U16 mxPreference{260};
inline constexpr uint32_t mxExchange = 262;
inline constexpr uint32_t mxExchangeSize = 255;
}  // namespace return_rec
namespace cache_entry {
inline constexpr uint32_t size = 16;
inline constexpr U32 cname{0};
inline constexpr U16 type{4};
inline constexpr U16 cacheClass{6};
inline constexpr U32 ttl{8};
inline constexpr U32 rdata{12};
}  // namespace cache_entry

// Device Manager structures the driver entry points receive (Inside Macintosh: Devices).
namespace dce {
inline constexpr U32 dCtlDriver{0};
inline constexpr U16 dCtlFlags{4};
inline constexpr U32 qHead{8};
inline constexpr U32 qTail{12};
inline constexpr U16 dCtlRefNum{24};
}  // namespace dce

}  // namespace mtb::layout
