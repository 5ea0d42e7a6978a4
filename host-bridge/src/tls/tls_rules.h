// The `ipptls` pref: which guest connections the bridge carries over TLS (issue 15).
//
//   ipptls 143=993,110=995,119=563
//   ipptls 143=993@mail.example.com,119=563@.example.net,110=995@192.0.2.0/24
//   ipptls 143=993@192.0.2.7#sha256:3A:0F:...:C1      (accept this self-signed certificate)
//
// Rules are separated by commas and tried in order; the first that matches a TCPActiveOpen
// wins. A rule is GUEST=TLS (the guest's plaintext port -> the TLS port on the same host),
// optionally `@LIMIT`: a host name as the guest looked it up through our DNR (exact, or a
// suffix when it starts with a dot) or an IPv4 address / CIDR block; optionally `#sha256:HEX`:
// the SHA-256 fingerprint of the server's certificate (DER), accepted even when it does not
// verify (self-signed, other name, expired) — an explicit opt-in per rule.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "policy/outgoing_policy.h"

namespace mtb::tls {

using Fingerprint = std::array<uint8_t, 32>;  // SHA-256 of the certificate's DER encoding

struct TlsRule {
    std::string text;  // as written, for log lines
    uint16_t guest_port = 0;
    uint16_t tls_port = 0;
    std::string host_limit;  // lower case; ".suffix" matches below it; empty: no name limit
    std::optional<OutgoingPolicy> address_limit;  // one CIDR block
    std::optional<Fingerprint> pin;

    // `name`: what the guest looked up for `address` (empty when it connected by number).
    bool matches(uint16_t port, uint32_t address, std::string_view name) const;
};

struct TlsRuleSet {
    std::vector<TlsRule> rules;
    std::vector<std::string> problems;  // one line per refused rule, naming it

    const TlsRule *match(uint16_t port, uint32_t address, std::string_view name) const;
};

// Parses the pref. Malformed rules and rules that would loop (a TLS port that is also some
// rule's guest port, or a rule onto its own port) are refused and named in `problems`; the
// well-formed, loop-free rules are kept.
TlsRuleSet parse_tls_rules(std::string_view pref);

// "sha256:AB:CD..." or plain hex (colons optional, any case); nullopt unless exactly 32 bytes.
std::optional<Fingerprint> parse_fingerprint(std::string_view text);
std::string format_fingerprint(const Fingerprint &fingerprint);

}  // namespace mtb::tls
