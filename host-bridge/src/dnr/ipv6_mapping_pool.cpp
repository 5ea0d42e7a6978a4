// SPDX-License-Identifier: GPL-2.0-or-later
#include "dnr/ipv6_mapping_pool.h"

#include <algorithm>

#include "dnr/dnr_text.h"

namespace mtb::dnr {

namespace {
constexpr uint32_t kPoolSize = Ipv6MappingPool::kLast - Ipv6MappingPool::kFirst + 1;
}

std::optional<uint32_t> Ipv6MappingPool::map(const Ipv6Address &ipv6, const std::string &name, uint32_t ttl_seconds,
                                             Clock::time_point now) {
    const auto lifetime = std::max<Clock::duration>(std::chrono::seconds(ttl_seconds), kMinLifetime);
    if (auto known = by_ipv6_.find(ipv6); known != by_ipv6_.end()) {
        // The same host again: the same address (alive or not, nobody else has it).
        Mapping &m = mappings_.at(known->second);
        m.expires = std::max(m.expires, now + lifetime);
        m.name = name;
        return known->second;
    }
    // Next fit from the cursor, taking the first address that is free or whose mapping is
    // dead (expired, no user). The pool is large: this rarely looks at more than one.
    uint32_t address = cursor_;
    bool found = false;
    for (uint32_t tried = 0; tried < kPoolSize && !found; ++tried) {
        auto it = mappings_.find(address);
        if (it == mappings_.end()) {
            found = true;
        } else if (!usable(it->second, now)) {
            by_ipv6_.erase(it->second.ipv6);
            mappings_.erase(it);
            found = true;
        } else {
            address = address == kLast ? kFirst : address + 1;
        }
    }
    if (!found) return std::nullopt;
    cursor_ = address == kLast ? kFirst : address + 1;
    mappings_[address] = {ipv6, name, now + lifetime, 0};
    by_ipv6_[ipv6] = address;
    return address;
}

std::optional<uint32_t> Ipv6MappingPool::map_peer(const Ipv6Address &ipv6, Clock::time_point now) {
    if (const auto known = stand_in_for(ipv6, now)) {
        Mapping &m = mappings_.at(*known);
        m.expires = std::max(m.expires, now + kMinLifetime);
        return known;
    }
    return map(ipv6, format_ipv6(ipv6), 0, now);
}

std::optional<uint32_t> Ipv6MappingPool::stand_in_for(const Ipv6Address &ipv6, Clock::time_point now) const {
    const auto known = by_ipv6_.find(ipv6);
    if (known == by_ipv6_.end() || find(known->second, now) == nullptr) return std::nullopt;
    return known->second;
}

const Ipv6MappingPool::Mapping *Ipv6MappingPool::find(uint32_t address, Clock::time_point now) const {
    auto found = mappings_.find(address);
    if (found == mappings_.end() || !usable(found->second, now)) return nullptr;
    return &found->second;
}

bool Ipv6MappingPool::acquire(uint32_t address, Clock::time_point now) {
    auto found = mappings_.find(address);
    if (found == mappings_.end() || !usable(found->second, now)) return false;
    ++found->second.users;
    return true;
}

void Ipv6MappingPool::release(uint32_t address) {
    auto found = mappings_.find(address);
    if (found != mappings_.end() && found->second.users > 0) --found->second.users;
}

void Ipv6MappingPool::clear() {
    mappings_.clear();
    by_ipv6_.clear();
    cursor_ = kFirst;
}

}  // namespace mtb::dnr
