// Names for logs and traces.
// SPDX-License-Identifier: GPL-2.0-or-later
#include "driver/mactcp_codes.h"

namespace mtb {

std::string_view cs_code_name(uint16_t cs_code) {
    switch (static_cast<CsCode>(cs_code)) {
    case CsCode::killIO: return "KillIO";
    case CsCode::ipctlGetAddr: return "ipctlGetAddr";
    case CsCode::ipctlEchoICMP: return "ipctlEchoICMP";
    case CsCode::ipctlLAPStats: return "ipctlLAPStats";
    case CsCode::udpCreate: return "UDPCreate";
    case CsCode::udpRead: return "UDPRead";
    case CsCode::udpBfrReturn: return "UDPBfrReturn";
    case CsCode::udpWrite: return "UDPWrite";
    case CsCode::udpRelease: return "UDPRelease";
    case CsCode::udpMaxMTUSize: return "UDPMaxMTUSize";
    case CsCode::udpStatus: return "UDPStatus";
    case CsCode::udpMultiCreate: return "UDPMultiCreate";
    case CsCode::udpMultiSend: return "UDPMultiSend";
    case CsCode::udpMultiRead: return "UDPMultiRead";
    case CsCode::tcpCreate: return "TCPCreate";
    case CsCode::tcpPassiveOpen: return "TCPPassiveOpen";
    case CsCode::tcpActiveOpen: return "TCPActiveOpen";
    case CsCode::tcpSend: return "TCPSend";
    case CsCode::tcpNoCopyRcv: return "TCPNoCopyRcv";
    case CsCode::tcpRcvBfrReturn: return "TCPRcvBfrReturn";
    case CsCode::tcpRcv: return "TCPRcv";
    case CsCode::tcpClose: return "TCPClose";
    case CsCode::tcpAbort: return "TCPAbort";
    case CsCode::tcpStatus: return "TCPStatus";
    case CsCode::tcpExtendedStat: return "TCPExtendedStat";
    case CsCode::tcpRelease: return "TCPRelease";
    case CsCode::tcpGlobalInfo: return "TCPGlobalInfo";
    case CsCode::dnrCall: return "DNRCall";
    case CsCode::dnrLast: break;
    }
    return "unknown";
}

std::string_view result_name(int16_t result) {
    switch (result) {
    case err::inProgress: return "inProgress";
    case err::noErr: return "noErr";
    case err::controlErr: return "controlErr";
    case err::statusErr: return "statusErr";
    case err::readErr: return "readErr";
    case err::closErr: return "closErr";
    case err::abortErr: return "abortErr";
    case err::notOpenErr: return "notOpenErr";
    case err::memFullErr: return "memFullErr";
    case err::ipBadLapErr: return "ipBadLapErr";
    case err::ipBadCnfgErr: return "ipBadCnfgErr";
    case err::ipNoCnfgErr: return "ipNoCnfgErr";
    case err::ipLoadErr: return "ipLoadErr";
    case err::ipBadAddr: return "ipBadAddr";
    case err::connectionClosing: return "connectionClosing";
    case err::invalidLength: return "invalidLength";
    case err::connectionExists: return "connectionExists";
    case err::connectionDoesntExist: return "connectionDoesntExist";
    case err::insufficientResources: return "insufficientResources";
    case err::invalidStreamPtr: return "invalidStreamPtr";
    case err::streamAlreadyOpen: return "streamAlreadyOpen";
    case err::connectionTerminated: return "connectionTerminated";
    case err::invalidBufPtr: return "invalidBufPtr";
    case err::invalidRDS: return "invalidRDS/invalidWDS";
    case err::openFailed: return "openFailed";
    case err::commandTimeout: return "commandTimeout";
    case err::duplicateSocket: return "duplicateSocket";
    case err::ipDontFragErr: return "ipDontFragErr";
    case err::ipDestDeadErr: return "ipDestDeadErr";
    case err::icmpEchoTimeoutErr: return "icmpEchoTimeoutErr";
    case err::ipNoFragMemErr: return "ipNoFragMemErr";
    case err::ipRouteErr: return "ipRouteErr";
    case err::nameSyntaxErr: return "nameSyntaxErr";
    case err::cacheFault: return "cacheFault";
    case err::noResultProc: return "noResultProc";
    case err::noNameServer: return "noNameServer";
    case err::authNameErr: return "authNameErr";
    case err::noAnsErr: return "noAnsErr";
    case err::dnrErr: return "dnrErr";
    case err::outOfMemory: return "outOfMemory";
    default: return "unknown";
    }
}

}  // namespace mtb
