// How the driver-owned guest RAM (GuestCallbacks::scratch(), `ipp_scratch`, 512 bytes) is shared
// between the services, so that a record one service hands out is never overwritten by another.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstdint>

namespace mtb::scratch {

// The ICMP report (24 bytes) passed to a UDP or TCP ASR. Valid only during that call
// (mactcp-reference 5.1); callbacks never nest (they run at interrupt level and calls made from
// inside them queue their own callbacks), so one record serves every stream.
inline constexpr uint32_t icmpReport = 0;
inline constexpr uint32_t icmpReportSize = 24;

// Reserved for TCPGlobalInfo's TCPParam (24) and TCPStats (52) records, whose pointers live on.
inline constexpr uint32_t tcpGlobalInfo = 32;
inline constexpr uint32_t tcpGlobalInfoSize = 96;

// ipctlLAPStats: the LAPStats record (24) and its interface name string, handed out by pointer.
inline constexpr uint32_t lapStats = 128;
inline constexpr uint32_t lapStatsSize = 48;

// ipctlEchoICMP: echoed payloads (echoedData.ptr), written round-robin so that the replies of
// the most recent pings stay readable after their completion.
inline constexpr uint32_t echoData = 176;
inline constexpr uint32_t echoDataSize = 512 - echoData;

}  // namespace mtb::scratch
