// SPDX-License-Identifier: GPL-2.0-or-later
#include "policy/outgoing_policy.h"

#include <arpa/inet.h>

#include <charconv>

namespace mtb {

namespace {

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return text;
}

}  // namespace

std::optional<std::string> OutgoingPolicy::configure(std::string_view pref) {
    blocks_.clear();
    restricted_ = !trim(pref).empty();
    while (!pref.empty()) {
        const auto comma = pref.find(',');
        const std::string_view entry = trim(pref.substr(0, comma));
        pref = comma == std::string_view::npos ? std::string_view() : pref.substr(comma + 1);
        if (entry.empty()) continue;
        const auto slash = entry.find('/');
        const std::string address(entry.substr(0, slash));
        unsigned bits = 32;
        if (slash != std::string_view::npos) {
            const std::string_view length = entry.substr(slash + 1);
            const auto [end, ec] = std::from_chars(length.data(), length.data() + length.size(), bits);
            if (ec != std::errc() || end != length.data() + length.size() || bits > 32) {
                blocks_.clear();
                return "bad prefix length in ippallow entry '" + std::string(entry) + "'";
            }
        }
        in_addr parsed{};
        if (::inet_pton(AF_INET, address.c_str(), &parsed) != 1) {
            blocks_.clear();
            return "bad address in ippallow entry '" + std::string(entry) + "'";
        }
        const uint32_t mask = bits == 0 ? 0 : 0xFFFFFFFFu << (32 - bits);
        blocks_.push_back({ntohl(parsed.s_addr) & mask, mask});
    }
    return std::nullopt;
}

bool OutgoingPolicy::allows(uint32_t address) const {
    if (!restricted_) return true;
    for (const Block &block : blocks_) {
        if ((address & block.mask) == block.network) return true;
    }
    return false;
}

}  // namespace mtb
