// Which name the guest looked up for an address, remembered per lookup with its TTL: a guest
// connects by address only, and a TLS-wrapped connection needs the name for SNI and to check
// the server's certificate (and `ipptls` host limits match it). The name is the one the guest
// asked for, not the end of its CNAME chain: that is the name a certificate is issued for.
// When several names share an address the latest lookup wins. Emulation thread only.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mtb::dnr {

class LookedUpNames {
public:
    using Clock = std::chrono::steady_clock;
    // A guest connects right after its lookup, but a TTL of 0 or a few seconds would forget the
    // name before it does: names live at least this long.
    static constexpr auto kMinLifetime = std::chrono::minutes(5);
    static constexpr std::size_t kMaxEntries = 4096;  // the soonest to expire go first

    void remember(const std::string &name, const std::vector<uint32_t> &addresses, uint32_t ttl_seconds,
                  Clock::time_point now);
    void remember_permanent(const std::string &name, uint32_t address, Clock::time_point now);  // hosts-file records
    std::optional<std::string> name_for(uint32_t address, Clock::time_point now) const;
    std::size_t size() const { return names_.size(); }
    void clear() { names_.clear(); }

private:
    struct Entry {
        std::string name;
        Clock::time_point expires;
        bool permanent = false;
    };
    void make_room(Clock::time_point now);
    std::map<uint32_t, Entry> names_;
};

}  // namespace mtb::dnr
