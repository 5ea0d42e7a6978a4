// What one lookup produced, as the DNR reports it (host-side only: no guest addresses).
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "driver/mactcp_codes.h"

namespace mtb::dnr {

enum class QueryKind { address, name, hinfo, mx };

struct CnameLink {
    std::string alias, target;  // cache keys (lower case, no trailing dot)
    uint32_t ttl = 0;
};

struct DnsAnswer {
    int16_t status = err::noErr;   // noErr or a DNR error code (section 6)
    std::string canonical;         // without the trailing dot
    std::vector<uint32_t> addresses;  // A records, in the order received
    // AAAA records (network byte order), asked for only when the name has no A record: the
    // DNR then answers with stand-ins from its IPv6 mapping pool.
    std::vector<std::array<uint8_t, 16>> ipv6_addresses;
    uint32_t ttl = 0;              // seconds: the smallest TTL of the records used
    std::vector<CnameLink> cnames;
    uint16_t mx_preference = 0;
    std::string mx_exchange;       // without the trailing dot
    std::string hinfo_cpu, hinfo_os;
};

inline DnsAnswer dns_error(int16_t status) {
    DnsAnswer answer;
    answer.status = status;
    return answer;
}

}  // namespace mtb::dnr
