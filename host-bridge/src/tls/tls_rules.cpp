// SPDX-License-Identifier: GPL-2.0-or-later
#include "tls/tls_rules.h"

#include <algorithm>
#include <charconv>
#include <set>

#include <fmt/format.h>

#include "dnr/dnr_text.h"

namespace mtb::tls {

namespace {

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return text;
}

std::optional<uint16_t> parse_port(std::string_view text) {
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value == 0 || value > 65535)
        return std::nullopt;
    return static_cast<uint16_t>(value);
}

bool looks_like_address(std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
        return (c >= '0' && c <= '9') || c == '.' || c == '/';
    });
}

// One rule, or the reason it is refused.
std::optional<TlsRule> parse_rule(std::string_view text, std::string &problem) {
    TlsRule rule;
    rule.text = std::string(text);
    const auto fail = [&](const std::string &why) {
        problem = "ipptls rule '" + rule.text + "' refused: " + why;
        return std::nullopt;
    };
    std::string_view rest = text;
    if (const auto hash = rest.find('#'); hash != std::string_view::npos) {
        rule.pin = parse_fingerprint(trim(rest.substr(hash + 1)));
        if (!rule.pin) return fail("the fingerprint after '#' is not sha256: and 32 bytes of hex");
        rest = trim(rest.substr(0, hash));
    }
    if (const auto at = rest.find('@'); at != std::string_view::npos) {
        std::string_view limit = trim(rest.substr(at + 1));
        rest = trim(rest.substr(0, at));
        if (limit.empty()) return fail("nothing after '@' (a host name, address or CIDR block)");
        if (looks_like_address(limit)) {
            OutgoingPolicy block;
            if (auto bad = block.configure(limit)) return fail(fmt::format("'{}' is not an IPv4 address or CIDR block", limit));
            rule.address_limit = block;
        } else {
            if (limit.back() == '.') limit.remove_suffix(1);
            const std::string_view name = limit.front() == '.' ? limit.substr(1) : limit;
            if (!dnr::plausible_host_name(name) || name.find_first_of("@#=,/") != std::string_view::npos)
                return fail(fmt::format("'{}' is not a host name", limit));
            rule.host_limit = fmt::format("{}{}", limit.front() == '.' ? "." : "", dnr::cache_key(name));
        }
    }
    const auto equals = rest.find('=');
    if (equals == std::string_view::npos) return fail("expected GUESTPORT=TLSPORT");
    const auto guest = parse_port(trim(rest.substr(0, equals)));
    const auto tls = parse_port(trim(rest.substr(equals + 1)));
    if (!guest) return fail(fmt::format("guest port '{}' is not 1..65535", trim(rest.substr(0, equals))));
    if (!tls) return fail(fmt::format("TLS port '{}' is not 1..65535", trim(rest.substr(equals + 1))));
    if (*guest == *tls) return fail("a port mapped onto itself would carry TLS over TLS; name the plaintext port");
    rule.guest_port = *guest;
    rule.tls_port = *tls;
    return rule;
}

bool name_matches(std::string_view limit, std::string_view name) {
    if (limit.empty()) return true;
    if (name.empty()) return false;
    if (limit.front() != '.') return name == limit;
    return name.size() > limit.size() && name.substr(name.size() - limit.size()) == limit;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

bool TlsRule::matches(uint16_t port, uint32_t address, std::string_view name) const {
    if (port != guest_port) return false;
    if (address_limit && !address_limit->allows(address)) return false;
    return name_matches(host_limit, dnr::cache_key(name));
}

const TlsRule *TlsRuleSet::match(uint16_t port, uint32_t address, std::string_view name) const {
    for (const TlsRule &rule : rules) {
        if (rule.matches(port, address, name)) return &rule;
    }
    return nullptr;
}

TlsRuleSet parse_tls_rules(std::string_view pref) {
    TlsRuleSet set;
    std::vector<TlsRule> parsed;
    while (!pref.empty()) {
        const auto comma = pref.find(',');
        const std::string_view entry = trim(pref.substr(0, comma));
        pref = comma == std::string_view::npos ? std::string_view() : pref.substr(comma + 1);
        if (entry.empty()) continue;
        std::string problem;
        if (auto rule = parse_rule(entry, problem))
            parsed.push_back(std::move(*rule));
        else
            set.problems.push_back(std::move(problem));
    }
    // A TLS port that is also a guest port would be wrapped twice if rules chained (they do
    // not): refuse both sides, the configuration is not saying what it means.
    std::set<uint16_t> guest_ports, tls_ports;
    for (const TlsRule &rule : parsed) {
        guest_ports.insert(rule.guest_port);
        tls_ports.insert(rule.tls_port);
    }
    for (TlsRule &rule : parsed) {
        if (tls_ports.contains(rule.guest_port)) {
            set.problems.push_back("ipptls rule '" + rule.text + "' refused: guest port " + std::to_string(rule.guest_port) +
                                   " is the TLS port of another rule (a loop)");
        } else if (guest_ports.contains(rule.tls_port)) {
            set.problems.push_back("ipptls rule '" + rule.text + "' refused: TLS port " + std::to_string(rule.tls_port) +
                                   " is mapped again by another rule (a loop)");
        } else {
            set.rules.push_back(std::move(rule));
        }
    }
    return set;
}

std::optional<Fingerprint> parse_fingerprint(std::string_view text) {
    if (text.size() >= 7 && (text.substr(0, 7) == "sha256:" || text.substr(0, 7) == "SHA256:")) text.remove_prefix(7);
    Fingerprint out{};
    std::size_t count = 0;
    int high = -1;
    for (char c : text) {
        if (c == ':') {
            if (high >= 0) return std::nullopt;  // a colon inside a byte
            continue;
        }
        const int value = hex_value(c);
        if (value < 0) return std::nullopt;
        if (high < 0) {
            high = value;
            continue;
        }
        if (count == out.size()) return std::nullopt;
        out[count++] = static_cast<uint8_t>(high << 4 | value);
        high = -1;
    }
    if (count != out.size() || high >= 0) return std::nullopt;
    return out;
}

std::string format_fingerprint(const Fingerprint &fingerprint) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out = "sha256:";
    for (std::size_t i = 0; i < fingerprint.size(); ++i) {
        if (i != 0) out.push_back(':');
        out.push_back(kHex[fingerprint[i] >> 4]);
        out.push_back(kHex[fingerprint[i] & 15]);
    }
    return out;
}

}  // namespace mtb::tls
