// SPDX-License-Identifier: GPL-2.0-or-later
#include "dnr/looked_up_names.h"

#include <algorithm>

#include "dnr/dnr_text.h"

namespace mtb::dnr {

void LookedUpNames::make_room(Clock::time_point now) {
    if (names_.size() < kMaxEntries) return;
    std::erase_if(names_, [&](const auto &item) { return !item.second.permanent && item.second.expires <= now; });
    while (names_.size() >= kMaxEntries) {
        auto soonest = std::min_element(names_.begin(), names_.end(), [](const auto &a, const auto &b) {
            if (a.second.permanent != b.second.permanent) return !a.second.permanent;
            return a.second.expires < b.second.expires;
        });
        names_.erase(soonest);
    }
}

void LookedUpNames::remember(const std::string &name, const std::vector<uint32_t> &addresses, uint32_t ttl_seconds,
                             Clock::time_point now) {
    const auto lifetime = std::max<Clock::duration>(std::chrono::seconds(ttl_seconds), kMinLifetime);
    for (uint32_t address : addresses) {
        auto found = names_.find(address);
        if (found != names_.end() && found->second.permanent) continue;  // the hosts file decides
        if (found == names_.end()) make_room(now);
        names_[address] = {cache_key(name), now + lifetime, false};
    }
}

void LookedUpNames::remember_permanent(const std::string &name, uint32_t address, Clock::time_point now) {
    make_room(now);
    names_[address] = {cache_key(name), {}, true};
}

std::optional<std::string> LookedUpNames::name_for(uint32_t address, Clock::time_point now) const {
    auto found = names_.find(address);
    if (found == names_.end() || (!found->second.permanent && found->second.expires <= now)) return std::nullopt;
    return found->second.name;
}

}  // namespace mtb::dnr
