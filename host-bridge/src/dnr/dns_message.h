// A small, bounds-checked reader of DNS responses (RFC 1035 section 4), for the record types
// c-ares has no parser with TTLs for (HINFO) or that we want with TTLs (MX, CNAME chains).
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace mtb::dnr {

struct DnsRecord {
    std::string owner;  // without the trailing dot
    uint16_t type = 0;
    uint16_t klass = 0;
    uint32_t ttl = 0;
    uint32_t address = 0;     // A
    std::string name;         // CNAME/PTR target, MX exchange (without the trailing dot)
    uint16_t preference = 0;  // MX
    std::string cpu, os;      // HINFO character strings
};

struct DnsMessage {
    uint16_t id = 0;
    uint8_t rcode = 0;
    std::vector<DnsRecord> answers;
};

// Nullopt for a malformed message (truncated, compression loop, oversized name).
std::optional<DnsMessage> parse_dns_message(std::span<const uint8_t> bytes);

// Reads a possibly compressed name at `offset`; advances `offset` past it in the message.
std::optional<std::string> read_dns_name(std::span<const uint8_t> bytes, std::size_t &offset);

}  // namespace mtb::dnr
