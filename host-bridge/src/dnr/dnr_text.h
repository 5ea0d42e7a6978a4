// Text forms the DNR deals in: dotted quads, host names, hosts files.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mtb::dnr {

// "W.X.Y.Z", four decimal parts 0..255, nothing else (MacTCP answers these without a query).
std::optional<uint32_t> parse_dotted_quad(std::string_view text);
// (Formatting is net/ipv4_text.h's format_ipv4, the one IPv4 formatter.)
// "2001:db8::1" (RFC 5952) of 16 bytes in network order, for log lines.
std::string format_ipv6(const std::array<uint8_t, 16> &address);

// The cache key of a host name: lower case, without the trailing dot.
std::string cache_key(std::string_view name);
// The canonical form MacTCP hands back: with the trailing dot (section 8.5).
std::string with_trailing_dot(std::string_view name);

// A name is queryable if it is 1..253 characters of printable ASCII without spaces, and no
// empty label ("a..b").
bool plausible_host_name(std::string_view name);

// One record of a hosts file in RFC 1035 master-file syntax, as MacTCP's "Hosts" file holds:
//   name [ttl] [IN] A 1.2.3.4      name [ttl] [IN] CNAME other.name.
// Comments start with ';' (master files) or '#'. Anything else is skipped.
struct HostsRecord {
    std::string name;
    uint16_t type;  // kTypeA or kTypeCNAME
    uint32_t address = 0;
    std::string target;
};
std::vector<HostsRecord> parse_hosts_file(std::string_view text);

}  // namespace mtb::dnr
