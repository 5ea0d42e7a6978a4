// The resolver's cache: answers STRTOADDR/HINFO/MXINFO at once for names seen recently, and is
// what ENUMCACHE reports, with the records' real remaining TTLs. Emulation thread only.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "dnr/dns_answer.h"

namespace mtb::dnr {

class DnrCache {
public:
    using Clock = std::chrono::steady_clock;
    static constexpr std::size_t kMaxEntries = 1024;  // per record type; the oldest go first

    struct Resolved {
        std::string canonical;
        std::vector<uint32_t> addresses;
    };
    // One record as ENUMCACHE reports it.
    struct Entry {
        std::string name;
        uint16_t type;
        uint32_t ttl;           // seconds left
        uint32_t address = 0;   // A
        std::string target;     // CNAME
    };

    // Records an address answer for `asked` (its CNAME chain and the A records of the
    // canonical name). Answers with TTL 0 are not kept (nothing to reuse).
    void put_address(const std::string &asked, const DnsAnswer &answer, Clock::time_point now);
    void put_hinfo(const std::string &asked, const DnsAnswer &answer, Clock::time_point now);
    void put_mx(const std::string &asked, const DnsAnswer &answer, Clock::time_point now);
    // Hosts-file records: they never expire (MacTCP's cache seeded from "Hosts").
    void put_permanent_address(const std::string &name, uint32_t address);
    void put_permanent_cname(const std::string &alias, const std::string &target);

    std::optional<Resolved> find_address(const std::string &name, Clock::time_point now) const;
    std::optional<DnsAnswer> find_hinfo(const std::string &name, Clock::time_point now) const;
    std::optional<DnsAnswer> find_mx(const std::string &name, Clock::time_point now) const;

    std::vector<Entry> entries(Clock::time_point now) const;
    void clear();

private:
    struct Expiry {
        Clock::time_point at;
        bool permanent = false;
        bool alive(Clock::time_point now) const { return permanent || now < at; }
        uint32_t left(Clock::time_point now) const;
    };
    struct AddressRecord {
        std::vector<uint32_t> addresses;
        Expiry expiry;
    };
    struct CnameRecord {
        std::string target;
        Expiry expiry;
    };
    struct TypedRecord {
        DnsAnswer answer;
        Expiry expiry;
    };

    std::string follow(const std::string &name, Clock::time_point now) const;
    template <typename Map>
    static void make_room(Map &map, Clock::time_point now);

    std::map<std::string, AddressRecord> addresses_;
    std::map<std::string, CnameRecord> cnames_;
    std::map<std::string, TypedRecord> hinfo_, mx_;
};

}  // namespace mtb::dnr
