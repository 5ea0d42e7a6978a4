// SPDX-License-Identifier: GPL-2.0-or-later
#include "dnr/dnr_cache.h"

#include <algorithm>

#include "dnr/dnr_layout.h"
#include "dnr/dnr_text.h"

namespace mtb::dnr {

namespace {
// A CNAME chain longer than this is a loop (RFC 1034 leaves the bound to the resolver).
constexpr int kMaxCnameHops = 8;
}  // namespace

uint32_t DnrCache::Expiry::left(Clock::time_point now) const {
    if (permanent) return 0x7FFFFFFF;
    if (now >= at) return 0;
    return static_cast<uint32_t>(std::chrono::ceil<std::chrono::seconds>(at - now).count());
}

template <typename Map>
void DnrCache::make_room(Map &map, Clock::time_point now) {
    std::erase_if(map, [&](const auto &item) { return !item.second.expiry.alive(now); });
    while (map.size() >= kMaxEntries) {
        auto soonest = std::min_element(map.begin(), map.end(), [](const auto &a, const auto &b) {
            if (a.second.expiry.permanent != b.second.expiry.permanent) return !a.second.expiry.permanent;
            return a.second.expiry.at < b.second.expiry.at;
        });
        map.erase(soonest);
    }
}

void DnrCache::put_address(const std::string &asked, const DnsAnswer &answer, Clock::time_point now) {
    if (answer.status != err::noErr || answer.addresses.empty()) return;
    for (const CnameLink &link : answer.cnames) {
        if (link.ttl == 0) continue;
        make_room(cnames_, now);
        cnames_[link.alias] = {link.target, {now + std::chrono::seconds(link.ttl)}};
    }
    if (answer.ttl == 0) return;
    make_room(addresses_, now);
    const std::string canonical = answer.canonical.empty() ? cache_key(asked) : answer.canonical;
    addresses_[canonical] = {answer.addresses, {now + std::chrono::seconds(answer.ttl)}};
    // A hosts-file-style answer without the CNAME records (c-ares folds some): remember the
    // alias too, for as long as the address.
    if (cache_key(asked) != canonical && !cnames_.contains(cache_key(asked))) {
        make_room(cnames_, now);
        cnames_[cache_key(asked)] = {canonical, {now + std::chrono::seconds(answer.ttl)}};
    }
}

void DnrCache::put_hinfo(const std::string &asked, const DnsAnswer &answer, Clock::time_point now) {
    if (answer.status != err::noErr || answer.ttl == 0) return;
    make_room(hinfo_, now);
    hinfo_[cache_key(asked)] = {answer, {now + std::chrono::seconds(answer.ttl)}};
}

void DnrCache::put_mx(const std::string &asked, const DnsAnswer &answer, Clock::time_point now) {
    if (answer.status != err::noErr || answer.ttl == 0) return;
    make_room(mx_, now);
    mx_[cache_key(asked)] = {answer, {now + std::chrono::seconds(answer.ttl)}};
}

void DnrCache::put_permanent_address(const std::string &name, uint32_t address) {
    AddressRecord &record = addresses_[cache_key(name)];
    if (!record.expiry.permanent) record = {};
    record.expiry.permanent = true;
    if (record.addresses.size() < 4 &&
        std::find(record.addresses.begin(), record.addresses.end(), address) == record.addresses.end())
        record.addresses.push_back(address);
}

void DnrCache::put_permanent_cname(const std::string &alias, const std::string &target) {
    CnameRecord record;
    record.target = cache_key(target);
    record.expiry.permanent = true;
    cnames_[cache_key(alias)] = record;
}

std::string DnrCache::follow(const std::string &name, Clock::time_point now) const {
    std::string at = cache_key(name);
    for (int hop = 0; hop < kMaxCnameHops; ++hop) {
        auto link = cnames_.find(at);
        if (link == cnames_.end() || !link->second.expiry.alive(now)) break;
        at = link->second.target;
    }
    return at;
}

std::optional<DnrCache::Resolved> DnrCache::find_address(const std::string &name, Clock::time_point now) const {
    const std::string canonical = follow(name, now);
    auto found = addresses_.find(canonical);
    if (found == addresses_.end() || !found->second.expiry.alive(now)) return std::nullopt;
    return Resolved{canonical, found->second.addresses};
}

std::optional<DnsAnswer> DnrCache::find_hinfo(const std::string &name, Clock::time_point now) const {
    auto found = hinfo_.find(cache_key(name));
    if (found == hinfo_.end() || !found->second.expiry.alive(now)) return std::nullopt;
    return found->second.answer;
}

std::optional<DnsAnswer> DnrCache::find_mx(const std::string &name, Clock::time_point now) const {
    auto found = mx_.find(cache_key(name));
    if (found == mx_.end() || !found->second.expiry.alive(now)) return std::nullopt;
    return found->second.answer;
}

// A records one per address (as DNS holds them), then CNAME records. HINFO and MX answers are
// cached but not listed: cacheEntryRecord has no defined rdata form for them.
std::vector<DnrCache::Entry> DnrCache::entries(Clock::time_point now) const {
    std::vector<Entry> out;
    for (const auto &[name, record] : addresses_) {
        if (!record.expiry.alive(now)) continue;
        for (uint32_t address : record.addresses) out.push_back({name, kTypeA, record.expiry.left(now), address, {}});
    }
    for (const auto &[name, record] : cnames_) {
        if (!record.expiry.alive(now)) continue;
        out.push_back({name, kTypeCNAME, record.expiry.left(now), 0, record.target});
    }
    return out;
}

void DnrCache::clear() {
    addresses_.clear();
    cnames_.clear();
    hinfo_.clear();
    mx_.clear();
}

}  // namespace mtb::dnr
