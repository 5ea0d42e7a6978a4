// ICMP errors as MacTCP reports them to ASRs (mactcp-reference 5.6): the 24-byte ICMPReport.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstdint>
#include <optional>

#include "mactcp_bridge/guest_memory.h"

namespace mtb {

namespace icmp_report_type {
inline constexpr uint16_t netUnreach = 0;
inline constexpr uint16_t hostUnreach = 1;
inline constexpr uint16_t protocolUnreach = 2;
inline constexpr uint16_t portUnreach = 3;
inline constexpr uint16_t fragReqd = 4;
inline constexpr uint16_t sourceRouteFailed = 5;
inline constexpr uint16_t timeExceeded = 6;
inline constexpr uint16_t parmProblem = 7;
inline constexpr uint16_t missingOption = 8;
}  // namespace icmp_report_type

struct IcmpReport {
    uint32_t stream = 0;
    uint32_t local_host = 0;  // host byte order, like every address here
    uint16_t local_port = 0;
    uint32_t remote_host = 0;
    uint16_t remote_port = 0;
    uint16_t report_type = 0;
    uint16_t optional_info = 0;
};

// MacTCP's reportType for an ICMP (type, code) from the host, or empty for messages MacTCP
// does not report (echo replies, redirects, source quench...).
std::optional<uint16_t> report_type_for(uint8_t icmp_type, uint8_t icmp_code);
// The same for an ICMPv6 (type, code) from an IPv6 host behind a stand-in.
std::optional<uint16_t> report_type_for_icmp6(uint8_t icmp6_type, uint8_t icmp6_code);

// Writes the 24-byte record at `address`; false if it does not fit in RAM.
bool write_icmp_report(GuestMemory &memory, uint32_t address, const IcmpReport &report);

}  // namespace mtb
