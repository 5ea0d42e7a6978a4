// IPv6-only hosts through the DNR: names with only AAAA records answer with stand-ins from the
// mapping pool (198.18.0.0/15); AddrToName and EnumCache show the name; mappings expire with the
// TTL and are never given to another host while a stream uses them. Also the per-lookup memory
// of which name the guest looked up for an address.
// SPDX-License-Identifier: GPL-2.0-or-later
#include <gtest/gtest.h>

#include <set>

#include "dnr/ipv6_mapping_pool.h"
#include "dnr/looked_up_names.h"
#include "dnr_harness.h"

namespace mtb::test {
namespace {

using namespace dnr;
using Clock = std::chrono::steady_clock;

Ipv6Address v6(uint8_t last) {
    Ipv6Address a{};
    a[0] = 0x20;
    a[1] = 0x01;
    a[2] = 0x0d;
    a[3] = 0xb8;
    a[15] = last;
    return a;
}

TEST(DnrIpv6, AaaaOnlyNameAnswersWithPoolAddresses) {
    DnrHarness h;
    h.open();
    h.put_string(DnrHarness::kName, "v6pair.test.example");
    ASSERT_EQ(h.dnr(kStrToAddr, DnrHarness::kName, DnrHarness::kRecord, DnrHarness::kProc, 0), err::cacheFault);
    ASSERT_TRUE(h.pump_until([&] { return h.proc_calls().size() == 1; }));
    EXPECT_EQ(h.rtn_code(), 0);
    EXPECT_EQ(h.get_string(DnrHarness::kRecord + host_info::cname), "v6pair.test.example.");
    const uint32_t first = h.addr(0), second = h.addr(1);
    EXPECT_TRUE(Ipv6MappingPool::in_pool(first)) << std::hex << first;
    EXPECT_TRUE(Ipv6MappingPool::in_pool(second)) << std::hex << second;
    EXPECT_NE(first, second);
    EXPECT_EQ(h.addr(2), 0u);

    // A names with an A record are untouched, and a second lookup of the same IPv6 host gives
    // the same stand-in (here from the cache).
    h.put_string(DnrHarness::kName, "v6pair.test.example");
    ASSERT_EQ(h.dnr(kStrToAddr, DnrHarness::kName, DnrHarness::kRecord + 0x200, 0, 0), err::noErr);
    EXPECT_EQ(h.addr(0, DnrHarness::kRecord + 0x200), first);
}

TEST(DnrIpv6, NamesWithoutAnyAddressStayUnknown) {
    DnrHarness h;
    h.open();
    h.put_string(DnrHarness::kName, "test.example");  // MX records only: NODATA for A and AAAA
    ASSERT_EQ(h.dnr(kStrToAddr, DnrHarness::kName, DnrHarness::kRecord, DnrHarness::kProc, 0), err::cacheFault);
    ASSERT_TRUE(h.pump_until([&] { return h.proc_calls().size() == 1; }));
    EXPECT_EQ(h.rtn_code(), err::authNameErr);
    h.put_string(DnrHarness::kName, "nx.test.example");  // NXDOMAIN: no AAAA query
    const int before = h.dns.queries_for("nx.test.example");
    ASSERT_EQ(h.dnr(kStrToAddr, DnrHarness::kName, DnrHarness::kRecord, DnrHarness::kProc, 0), err::cacheFault);
    ASSERT_TRUE(h.pump_until([&] { return h.proc_calls().size() == 2; }));
    EXPECT_EQ(h.rtn_code(), err::authNameErr);
    EXPECT_EQ(h.dns.queries_for("nx.test.example") - before, 1);
}

TEST(DnrIpv6, AddrToNameAndEnumCacheShowTheName) {
    DnrHarness h;
    h.open();
    h.put_string(DnrHarness::kName, "v6only.test.example");
    ASSERT_EQ(h.dnr(kStrToAddr, DnrHarness::kName, DnrHarness::kRecord, DnrHarness::kProc, 0), err::cacheFault);
    ASSERT_TRUE(h.pump_until([&] { return h.proc_calls().size() == 1; }));
    const uint32_t stand_in = h.addr(0);
    ASSERT_TRUE(Ipv6MappingPool::in_pool(stand_in));

    const int queries = h.dns.queries();
    const uint32_t record = DnrHarness::kRecord + 0x400;
    ASSERT_EQ(h.dnr(kAddrToName, stand_in, record, DnrHarness::kProc, 5), err::cacheFault);
    EXPECT_EQ(h.proc_calls().size(), 1u);  // never before the call returned
    ASSERT_TRUE(h.pump_until([&] { return h.proc_calls().size() == 2; }));
    EXPECT_EQ(h.rtn_code(record), 0);
    EXPECT_EQ(h.get_string(record + host_info::cname), "v6only.test.example.");
    EXPECT_EQ(h.addr(0, record), stand_in);
    EXPECT_EQ(h.dns.queries(), queries);  // no PTR query for a stand-in

    std::vector<std::pair<std::string, uint32_t>> seen;
    h.host.on_call = [&](uint32_t, GuestRegs &regs) {
        const uint32_t entry = regs.a[0];
        if (entry < DnrHarness::kPb || entry >= DnrHarness::kPb + call::size) return;
        if (h.host.get16(entry + 4) == kTypeA) seen.emplace_back(h.get_string(h.host.get32(entry)), h.host.get32(entry + 12));
    };
    EXPECT_EQ(h.dnr(kEnumCache, DnrHarness::kProc, 0), err::noErr);
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0].first, "v6only.test.example.");
    EXPECT_EQ(seen[0].second, stand_in);
}

TEST(Ipv6MappingPool, SameHostSameAddressOthersDiffer) {
    Ipv6MappingPool pool;
    const auto now = Clock::now();
    const auto a = pool.map(v6(1), "a.example", 300, now);
    const auto b = pool.map(v6(2), "b.example", 300, now);
    ASSERT_TRUE(a && b);
    EXPECT_NE(*a, *b);
    EXPECT_EQ(pool.map(v6(1), "a.example", 300, now + std::chrono::seconds(10)), a);
    ASSERT_NE(pool.find(*a, now), nullptr);
    EXPECT_EQ(pool.find(*a, now)->ipv6, v6(1));
    EXPECT_EQ(pool.find(*a, now)->name, "a.example");
    EXPECT_EQ(pool.find(0x0A000001, now), nullptr);
    EXPECT_FALSE(Ipv6MappingPool::in_pool(0xC611FFFF));
    EXPECT_TRUE(Ipv6MappingPool::in_pool(0xC6120001));
    EXPECT_TRUE(Ipv6MappingPool::in_pool(0xC613FFFE));
    EXPECT_FALSE(Ipv6MappingPool::in_pool(0xC613FFFF));
}

TEST(Ipv6MappingPool, MappingsExpireWithTheTtlButNotWhileUsed) {
    Ipv6MappingPool pool;
    const auto now = Clock::now();
    const auto used = pool.map(v6(1), "used.example", 600, now);
    const auto idle = pool.map(v6(2), "idle.example", 600, now);
    ASSERT_TRUE(used && idle);
    EXPECT_TRUE(pool.acquire(*used, now));
    const auto later = now + std::chrono::seconds(601);
    EXPECT_EQ(pool.find(*idle, later), nullptr);  // expired with its TTL
    ASSERT_NE(pool.find(*used, later), nullptr);  // a stream still uses it
    EXPECT_FALSE(pool.acquire(*idle, later));
    pool.release(*used);
    EXPECT_EQ(pool.find(*used, later), nullptr);
    // TTL 0 still leaves the guest time to connect.
    const auto brief = pool.map(v6(3), "brief.example", 0, now);
    ASSERT_TRUE(brief);
    EXPECT_NE(pool.find(*brief, now + Ipv6MappingPool::kMinLifetime - std::chrono::seconds(1)), nullptr);
}

// A peer that reaches the guest (an any6 TCP client, a UDP datagram's IPv6 source) keeps the
// stand-in and name a lookup gave it, and lives on while it keeps coming; an unknown one gets a
// stand-in named by its address.
TEST(Ipv6MappingPool, PeersKeepTheirLookedUpStandInOthersGetOneNamedByTheirAddress) {
    Ipv6MappingPool pool;
    const auto now = Clock::now();
    const auto looked_up = pool.map(v6(1), "a.example", 0, now);
    ASSERT_TRUE(looked_up);
    EXPECT_EQ(pool.stand_in_for(v6(1), now), looked_up);
    EXPECT_FALSE(pool.stand_in_for(v6(2), now));
    const auto later = now + Ipv6MappingPool::kMinLifetime - std::chrono::seconds(1);
    EXPECT_EQ(pool.map_peer(v6(1), later), looked_up);
    EXPECT_EQ(pool.find(*looked_up, later)->name, "a.example");
    EXPECT_NE(pool.find(*looked_up, later + std::chrono::seconds(30)), nullptr);  // extended from `later`
    const auto stranger = pool.map_peer(v6(2), now);
    ASSERT_TRUE(stranger);
    EXPECT_NE(*stranger, *looked_up);
    EXPECT_EQ(pool.find(*stranger, now)->name, "2001:db8::2");
    EXPECT_FALSE(pool.stand_in_for(v6(2), now + Ipv6MappingPool::kMinLifetime));
}

TEST(Ipv6MappingPool, AnAddressInUseIsNeverGivenToAnotherHost) {
    Ipv6MappingPool pool;
    auto now = Clock::now();
    const auto held = pool.map(v6(1), "held.example", 1, now);
    ASSERT_TRUE(held);
    ASSERT_TRUE(pool.acquire(*held, now));
    now += std::chrono::hours(1);
    // Walk the cursor around the whole pool (131070 addresses) with short-lived mappings.
    std::set<uint32_t> handed_out;
    for (uint32_t i = 0; i < 131070 + 10; ++i) {
        Ipv6Address other = v6(0);
        other[12] = static_cast<uint8_t>(i >> 16);
        other[13] = static_cast<uint8_t>(i >> 8);
        other[14] = static_cast<uint8_t>(i);
        other[15] = 0x77;
        const auto got = pool.map(other, "x.example", 0, now);
        ASSERT_TRUE(got);
        ASSERT_NE(*got, *held) << i;
        if (i % 1000 == 0) now += Ipv6MappingPool::kMinLifetime + std::chrono::seconds(1);  // old ones die
    }
    EXPECT_EQ(pool.find(*held, now)->name, "held.example");
}

TEST(Ipv6MappingPool, FullPoolSaysSo) {
    Ipv6MappingPool pool;
    const auto now = Clock::now();
    std::optional<uint32_t> last;
    for (uint32_t i = 0; i < Ipv6MappingPool::kLast - Ipv6MappingPool::kFirst + 1; ++i) {
        Ipv6Address other = v6(0);
        other[13] = static_cast<uint8_t>(i >> 16);
        other[14] = static_cast<uint8_t>(i >> 8);
        other[15] = static_cast<uint8_t>(i);
        last = pool.map(other, "x.example", 300, now);
        ASSERT_TRUE(last);
    }
    Ipv6Address another = v6(1);
    another[5] = 1;
    EXPECT_FALSE(pool.map(another, "one.too.many", 300, now));
    EXPECT_EQ(pool.map(v6(0), "x.example", 300, now), Ipv6MappingPool::kFirst);  // known hosts still map
}

TEST(LookedUpNames, RemembersTheAskedNamePerLookupWithItsTtl) {
    LookedUpNames names;
    const auto now = Clock::now();
    names.remember("Mail.Example.COM.", {0x0A000001, 0x0A000002}, 3600, now);
    EXPECT_EQ(names.name_for(0x0A000001, now), "mail.example.com");
    EXPECT_EQ(names.name_for(0x0A000002, now), "mail.example.com");
    EXPECT_EQ(names.name_for(0x0A000003, now), std::nullopt);
    EXPECT_EQ(names.name_for(0x0A000001, now + std::chrono::seconds(3601)), std::nullopt);
    // A short TTL is stretched so the guest can still connect; the latest lookup wins.
    names.remember("imap.example.com", {0x0A000001}, 0, now);
    EXPECT_EQ(names.name_for(0x0A000001, now + LookedUpNames::kMinLifetime - std::chrono::seconds(1)), "imap.example.com");
    // Hosts-file names are permanent and not overridden by lookups.
    names.remember_permanent("local.lab", 0xC0A80001, now);
    names.remember("other.lab", {0xC0A80001}, 60, now);
    EXPECT_EQ(names.name_for(0xC0A80001, now + std::chrono::hours(24 * 365)), "local.lab");
}

TEST(LookedUpNames, BoundedInSize) {
    LookedUpNames names;
    const auto now = Clock::now();
    for (uint32_t i = 0; i < LookedUpNames::kMaxEntries + 100; ++i)
        names.remember("h.example", {0x0A000000 + i}, 600 + i, now);
    EXPECT_LE(names.size(), LookedUpNames::kMaxEntries);
    EXPECT_EQ(names.name_for(0x0A000000 + LookedUpNames::kMaxEntries + 99, now), "h.example");  // the newest kept
}

}  // namespace
}  // namespace mtb::test
