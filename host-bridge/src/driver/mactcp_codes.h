// MacTCP csCodes, result codes, events and reasons (mactcp-reference.md sections 2, 5, 6).
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstdint>
#include <string_view>

namespace mtb {

enum class CsCode : uint16_t {
    killIO = 1,
    ipctlGetAddr = 15,
    ipctlEchoICMP = 17,
    ipctlLAPStats = 19,
    udpCreate = 20,
    udpRead = 21,
    udpBfrReturn = 22,
    udpWrite = 23,
    udpRelease = 24,
    udpMaxMTUSize = 25,
    udpStatus = 26,
    udpMultiCreate = 27,
    udpMultiSend = 28,
    udpMultiRead = 29,
    tcpCreate = 30,
    tcpPassiveOpen = 31,
    tcpActiveOpen = 32,
    tcpSend = 34,
    tcpNoCopyRcv = 35,
    tcpRcvBfrReturn = 36,
    tcpRcv = 37,
    tcpClose = 38,
    tcpAbort = 39,
    tcpStatus = 40,
    tcpExtendedStat = 41,
    tcpRelease = 42,
    tcpGlobalInfo = 43,
    // Private to MacTCP Bridge (MacTCP has no such calls): the range our 'dnrp' code
    // (guest-driver/dnrp.S) uses to reach the host through .IPP, since the resource is built
    // once and cannot hold an emulator's EMUL_OP word. Only dnrCall is used; the rest of the
    // range is reserved and answers controlErr. Layout: host-bridge/src/dnr/dnr_layout.h.
    dnrFirst = 0x4E00,
    dnrCall = 0x4E00,
    dnrLast = 0x4E0F,
};

// OSErr values the bridge returns.
namespace err {
inline constexpr int16_t inProgress = 1;
inline constexpr int16_t noErr = 0;
inline constexpr int16_t controlErr = -17;
inline constexpr int16_t statusErr = -18;
inline constexpr int16_t readErr = -19;
inline constexpr int16_t closErr = -24;
inline constexpr int16_t abortErr = -27;
inline constexpr int16_t notOpenErr = -28;
inline constexpr int16_t memFullErr = -108;
inline constexpr int16_t ipBadLapErr = -23000;
inline constexpr int16_t ipBadCnfgErr = -23001;
inline constexpr int16_t ipNoCnfgErr = -23002;
inline constexpr int16_t ipLoadErr = -23003;
inline constexpr int16_t ipBadAddr = -23004;
inline constexpr int16_t connectionClosing = -23005;
inline constexpr int16_t invalidLength = -23006;
inline constexpr int16_t connectionExists = -23007;
inline constexpr int16_t connectionDoesntExist = -23008;
inline constexpr int16_t insufficientResources = -23009;
inline constexpr int16_t invalidStreamPtr = -23010;
inline constexpr int16_t streamAlreadyOpen = -23011;
inline constexpr int16_t connectionTerminated = -23012;
inline constexpr int16_t invalidBufPtr = -23013;
inline constexpr int16_t invalidRDS = -23014;
inline constexpr int16_t invalidWDS = -23014;
inline constexpr int16_t openFailed = -23015;
inline constexpr int16_t commandTimeout = -23016;
inline constexpr int16_t duplicateSocket = -23017;
inline constexpr int16_t ipDontFragErr = -23032;
inline constexpr int16_t ipDestDeadErr = -23033;
inline constexpr int16_t icmpEchoTimeoutErr = -23035;
inline constexpr int16_t ipNoFragMemErr = -23036;
inline constexpr int16_t ipRouteErr = -23037;
inline constexpr int16_t nameSyntaxErr = -23041;
inline constexpr int16_t cacheFault = -23042;
inline constexpr int16_t noResultProc = -23043;
inline constexpr int16_t noNameServer = -23044;
inline constexpr int16_t authNameErr = -23045;
inline constexpr int16_t noAnsErr = -23046;
inline constexpr int16_t dnrErr = -23047;
inline constexpr int16_t outOfMemory = -23048;
}  // namespace err

namespace tcp_event {
inline constexpr uint16_t closing = 1;
inline constexpr uint16_t ulpTimeout = 2;
inline constexpr uint16_t terminate = 3;
inline constexpr uint16_t dataArrival = 4;
inline constexpr uint16_t urgent = 5;
inline constexpr uint16_t icmpReceived = 6;
}  // namespace tcp_event

namespace udp_event {
inline constexpr uint16_t dataArrival = 1;
inline constexpr uint16_t icmpReceived = 2;
}  // namespace udp_event

namespace termin_reason {
inline constexpr uint16_t remoteAbort = 2;
inline constexpr uint16_t networkFailure = 3;
inline constexpr uint16_t secPrecMismatch = 4;
inline constexpr uint16_t ulpTimeoutTerminate = 5;
inline constexpr uint16_t ulpAbort = 6;
inline constexpr uint16_t ulpClose = 7;
inline constexpr uint16_t serviceError = 8;
}  // namespace termin_reason

// Connection states reported by TCPStatus (section 7.2).
namespace tcp_state {
inline constexpr uint8_t closed = 0;
inline constexpr uint8_t listen = 2;
inline constexpr uint8_t synReceived = 4;
inline constexpr uint8_t synSent = 6;
inline constexpr uint8_t established = 8;
inline constexpr uint8_t finWait1 = 10;
inline constexpr uint8_t finWait2 = 12;
inline constexpr uint8_t closeWait = 14;
inline constexpr uint8_t closing = 16;
inline constexpr uint8_t lastAck = 18;
inline constexpr uint8_t timeWait = 20;
}  // namespace tcp_state

std::string_view cs_code_name(uint16_t cs_code);
std::string_view result_name(int16_t result);

}  // namespace mtb
