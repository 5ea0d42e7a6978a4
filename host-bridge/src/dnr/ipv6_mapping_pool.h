// IPv4 stand-ins for IPv6-only hosts. MacTCP knows only IPv4, so when a name has no A record
// but has AAAA records the DNR answers with addresses from a private pool and the bridge
// connects (and sends UDP) to the IPv6 address behind each one.
//
// The pool is 198.18.0.0/15 (RFC 2544's benchmarking block: reserved, never routed on the
// internet, rarely used on real LANs; 198.18.0.1 .. 198.19.255.254). A mapping lives as long as
// the AAAA record's TTL, at least kMinLifetime so the guest has time to connect, and is never
// given to another IPv6 address while a stream uses it, however old. Emulation thread only.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace mtb::dnr {

using Ipv6Address = std::array<uint8_t, 16>;  // network byte order

class Ipv6MappingPool {
public:
    using Clock = std::chrono::steady_clock;
    static constexpr uint32_t kFirst = 0xC6120001;  // 198.18.0.1
    static constexpr uint32_t kLast = 0xC613FFFE;   // 198.19.255.254
    static constexpr auto kMinLifetime = std::chrono::seconds(60);

    static bool in_pool(uint32_t address) { return address >= kFirst && address <= kLast; }

    struct Mapping {
        Ipv6Address ipv6{};
        std::string name;  // the name the guest looked up (AddrToName answers it)
        Clock::time_point expires;
        uint32_t users = 0;  // streams connected or sending to it
    };

    // The pool address for `ipv6`: the one it already has while its mapping lives (the expiry
    // is extended), else a free one. Nullopt when every pool address is alive or in use.
    std::optional<uint32_t> map(const Ipv6Address &ipv6, const std::string &name, uint32_t ttl_seconds,
                                Clock::time_point now);
    // The stand-in for an IPv6 peer that reached the guest (an `any6` TCP client, a UDP
    // datagram's source): the address it already has while its mapping lives (name kept,
    // lifetime extended to at least kMinLifetime from now), else a new one named by the IPv6
    // address as text (AddrToName answers that). Nullopt when the pool is exhausted.
    std::optional<uint32_t> map_peer(const Ipv6Address &ipv6, Clock::time_point now);
    // The live stand-in of `ipv6`, changing nothing.
    std::optional<uint32_t> stand_in_for(const Ipv6Address &ipv6, Clock::time_point now) const;
    // The mapping behind `address` while it lives or is in use.
    const Mapping *find(uint32_t address, Clock::time_point now) const;

    // A stream starts / stops using the mapping (no-ops for addresses outside the pool or
    // without a mapping; acquire returns false then).
    bool acquire(uint32_t address, Clock::time_point now);
    void release(uint32_t address);

    std::size_t size() const { return mappings_.size(); }
    void clear();

private:
    bool usable(const Mapping &m, Clock::time_point now) const { return m.users > 0 || now < m.expires; }

    std::map<uint32_t, Mapping> mappings_;
    std::map<Ipv6Address, uint32_t> by_ipv6_;
    uint32_t cursor_ = kFirst;  // next-fit: a freed address is not handed out again at once
};

}  // namespace mtb::dnr
