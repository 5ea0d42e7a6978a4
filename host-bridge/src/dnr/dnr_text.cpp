// SPDX-License-Identifier: GPL-2.0-or-later
#include "dnr/dnr_text.h"

#include <arpa/inet.h>

#include <cctype>
#include <charconv>

#include "dnr/dnr_layout.h"

namespace mtb::dnr {

std::optional<uint32_t> parse_dotted_quad(std::string_view text) {
    uint32_t address = 0;
    const char *p = text.data();
    const char *end = text.data() + text.size();
    for (int part = 0; part < 4; ++part) {
        if (part > 0) {
            if (p == end || *p != '.') return std::nullopt;
            ++p;
        }
        // 1 to 3 digits: from_chars alone would take "0001" or "+1".
        const char *digits = p;
        while (p != end && p - digits < 4 && std::isdigit(static_cast<unsigned char>(*p))) ++p;
        if (p == digits || p - digits > 3) return std::nullopt;
        unsigned value = 0;
        std::from_chars(digits, p, value);
        if (value > 255) return std::nullopt;
        address = (address << 8) | value;
    }
    if (p != end) return std::nullopt;
    return address;
}

std::string format_ipv6(const std::array<uint8_t, 16> &address) {
    char text[INET6_ADDRSTRLEN] = {};
    ::inet_ntop(AF_INET6, address.data(), text, sizeof text);
    return text;
}

std::string cache_key(std::string_view name) {
    if (!name.empty() && name.back() == '.') name.remove_suffix(1);
    std::string key(name);
    for (char &c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return key;
}

std::string with_trailing_dot(std::string_view name) {
    std::string out(name);
    if (out.empty() || out.back() != '.') out.push_back('.');
    return out;
}

bool plausible_host_name(std::string_view name) {
    if (!name.empty() && name.back() == '.') name.remove_suffix(1);
    if (name.empty() || name.size() > 253) return false;
    char previous = '.';
    for (char c : name) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= ' ' || u >= 0x7F) return false;
        if (c == '.' && previous == '.') return false;
        previous = c;
    }
    return true;
}

namespace {

std::vector<std::string_view> fields(std::string_view line) {
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i]))) ++i;
        std::size_t start = i;
        while (i < line.size() && !std::isspace(static_cast<unsigned char>(line[i]))) ++i;
        if (i > start) out.push_back(line.substr(start, i - start));
    }
    return out;
}

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
    return true;
}

bool all_digits(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s)
        if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    return true;
}

}  // namespace

std::vector<HostsRecord> parse_hosts_file(std::string_view text) {
    std::vector<HostsRecord> records;
    std::size_t start = 0;
    while (start < text.size()) {
        // Mac text files end lines with CR; Unix-made ones with LF.
        std::size_t end = text.find_first_of("\r\n", start);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = text.substr(start, end - start);
        start = end + 1;
        if (auto comment = line.find_first_of(";#"); comment != std::string_view::npos) line = line.substr(0, comment);
        auto f = fields(line);
        if (f.size() < 3) continue;
        std::size_t i = 1;
        if (i < f.size() && all_digits(f[i])) ++i;  // TTL
        if (i < f.size() && iequals(f[i], "IN")) ++i;
        if (i + 1 >= f.size()) continue;  // no type and value left
        if (!plausible_host_name(f[0])) continue;
        HostsRecord record;
        record.name = cache_key(f[0]);
        if (iequals(f[i], "A")) {
            auto address = parse_dotted_quad(f[i + 1]);
            if (!address) continue;
            record.type = kTypeA;
            record.address = *address;
        } else if (iequals(f[i], "CNAME")) {
            if (!plausible_host_name(f[i + 1])) continue;
            record.type = kTypeCNAME;
            record.target = cache_key(f[i + 1]);
        } else {
            continue;  // NS and friends: the bridge uses the host's name servers
        }
        records.push_back(std::move(record));
    }
    return records;
}

}  // namespace mtb::dnr
