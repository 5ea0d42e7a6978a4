// The DNR's pure parts: dotted quads, names, hosts files, DNS message reading, the cache clock.
// SPDX-License-Identifier: GPL-2.0-or-later
#include <gtest/gtest.h>

#include "dnr/dnr_cache.h"
#include "dnr/dnr_layout.h"
#include "dnr/dnr_text.h"
#include "dnr/dns_message.h"
#include "dnr/dns_resolver.h"
#include "net/ipv4_text.h"

namespace mtb::dnr {
namespace {

TEST(DnrText, DottedQuads) {
    EXPECT_EQ(parse_dotted_quad("0.0.0.0"), 0u);
    EXPECT_EQ(parse_dotted_quad("192.168.1.2"), 0xC0A80102u);
    EXPECT_EQ(parse_dotted_quad("255.255.255.255"), 0xFFFFFFFFu);
    for (const char *bad : {"", "1", "1.2.3", "1.2.3.4.", "1.2.3.256", "1.2..4", "a.b.c.d", "1.2.3.4 ", "1234.1.1.1",
                            "+1.2.3.4", "-1.2.3.4"})
        EXPECT_FALSE(parse_dotted_quad(bad)) << bad;
    EXPECT_EQ(format_ipv4(0x0A000001), "10.0.0.1");
}

TEST(DnrText, Names) {
    EXPECT_EQ(cache_key("WWW.Example.COM."), "www.example.com");
    EXPECT_EQ(with_trailing_dot("a.b"), "a.b.");
    EXPECT_EQ(with_trailing_dot("a.b."), "a.b.");
    EXPECT_TRUE(plausible_host_name("localhost"));
    EXPECT_TRUE(plausible_host_name("a.b."));
    EXPECT_FALSE(plausible_host_name(""));
    EXPECT_FALSE(plausible_host_name("."));
    EXPECT_FALSE(plausible_host_name(".a"));
    EXPECT_FALSE(plausible_host_name("a b"));
    EXPECT_FALSE(plausible_host_name(std::string(254, 'a')));
}

TEST(DnrText, HostsFile) {
    auto records = parse_hosts_file("a.b IN A 1.2.3.4\rc CNAME a.b.\nd 60 A 5.6.7.8\n e A 999.1.1.1\nf NS x\n;x A 1.1.1.1\nonly two\n");
    ASSERT_EQ(records.size(), 3u);
    EXPECT_EQ(records[0].name, "a.b");
    EXPECT_EQ(records[0].address, 0x01020304u);
    EXPECT_EQ(records[1].type, kTypeCNAME);
    EXPECT_EQ(records[1].target, "a.b");
    EXPECT_EQ(records[2].name, "d");
}

std::vector<uint8_t> message_with(std::vector<uint8_t> answer, uint16_t count = 1) {
    std::vector<uint8_t> m = {0x12, 0x34, 0x81, 0x80, 0, 1, static_cast<uint8_t>(count >> 8), static_cast<uint8_t>(count), 0, 0, 0, 0,
                              1, 'x', 0, 0, 15, 0, 1};
    for (uint8_t b : answer) m.push_back(b);  // (insert() trips a GCC 12 -Warray-bounds false positive)
    return m;
}

TEST(DnsMessage, ReadsMxWithCompressionAndHinfo) {
    // Answer owner = pointer to the question name at offset 12.
    auto m = message_with({0xC0, 12, 0, 15, 0, 1, 0, 0, 1, 0, 0, 7, 0, 5, 2, 'm', 'x', 0xC0, 12,
                           0xC0, 12, 0, 13, 0, 1, 0, 0, 0, 60, 0, 6, 2, 'C', 'P', 2, 'O', 'S'},
                          2);
    auto parsed = parse_dns_message(m);
    ASSERT_TRUE(parsed);
    ASSERT_EQ(parsed->answers.size(), 2u);
    EXPECT_EQ(parsed->answers[0].owner, "x");
    EXPECT_EQ(parsed->answers[0].ttl, 256u);
    EXPECT_EQ(parsed->answers[0].preference, 5);
    EXPECT_EQ(parsed->answers[0].name, "mx.x");
    EXPECT_EQ(parsed->answers[1].cpu, "CP");
    EXPECT_EQ(parsed->answers[1].os, "OS");
}

TEST(DnsMessage, RefusesLoopsAndTruncation) {
    auto loop = message_with({0xC0, 19, 0, 1, 0, 1, 0, 0, 0, 1, 0, 4, 1, 2, 3, 4});  // owner points at itself
    EXPECT_FALSE(parse_dns_message(loop));
    auto m = message_with({0xC0, 12, 0, 1, 0, 1, 0, 0, 0, 1, 0, 4, 1, 2, 3, 4});
    ASSERT_TRUE(parse_dns_message(m));
    for (std::size_t n = 0; n < m.size(); ++n)
        EXPECT_FALSE(parse_dns_message(std::span<const uint8_t>(m.data(), n))) << n;
    auto bad_hinfo = message_with({0xC0, 12, 0, 13, 0, 1, 0, 0, 0, 1, 0, 3, 5, 'a', 'b'});
    EXPECT_FALSE(parse_dns_message(bad_hinfo));
}

TEST(DnrCache, TtlsCountDownAndExpire) {
    DnrCache cache;
    const auto t0 = DnrCache::Clock::now();
    DnsAnswer answer;
    answer.canonical = "www.x";
    answer.addresses = {1, 2};
    answer.ttl = 100;
    answer.cnames = {{"alias.x", "www.x", 50}};
    cache.put_address("alias.x", answer, t0);
    ASSERT_TRUE(cache.find_address("ALIAS.x.", t0));
    EXPECT_EQ(cache.find_address("alias.x", t0)->canonical, "www.x");
    auto entries = cache.entries(t0 + std::chrono::seconds(40));
    ASSERT_EQ(entries.size(), 3u);
    EXPECT_EQ(entries[0].ttl, 60u);
    EXPECT_EQ(entries[2].type, kTypeCNAME);
    EXPECT_EQ(entries[2].ttl, 10u);
    // The alias expires first: asking by alias then misses, by canonical name still hits.
    EXPECT_FALSE(cache.find_address("alias.x", t0 + std::chrono::seconds(60)));
    EXPECT_TRUE(cache.find_address("www.x", t0 + std::chrono::seconds(99)));
    EXPECT_FALSE(cache.find_address("www.x", t0 + std::chrono::seconds(100)));
    EXPECT_TRUE(cache.entries(t0 + std::chrono::seconds(100)).empty());
    answer.ttl = 0;  // TTL 0: nothing to keep
    cache.put_address("zero.x", answer, t0);
    EXPECT_FALSE(cache.find_address("zero.x", t0));
}

TEST(DnrCache, IsBounded) {
    DnrCache cache;
    const auto t0 = DnrCache::Clock::now();
    for (uint32_t i = 0; i < DnrCache::kMaxEntries + 50; ++i) {
        DnsAnswer answer;
        answer.canonical = "h" + std::to_string(i);
        answer.addresses = {i};
        answer.ttl = 1000 + i;
        cache.put_address(answer.canonical, answer, t0);
    }
    EXPECT_LE(cache.entries(t0).size(), DnrCache::kMaxEntries);
    EXPECT_FALSE(cache.find_address("h0", t0));  // the soonest to expire went first
    EXPECT_TRUE(cache.find_address("h" + std::to_string(DnrCache::kMaxEntries + 49), t0));
}

TEST(DnsPref, Parses) {
    std::string problem;
    auto o = parse_dns_pref("127.0.0.1:5353 timeout=250 tries=2", &problem);
    ASSERT_TRUE(o);
    EXPECT_EQ(o->servers, "127.0.0.1:5353");
    EXPECT_EQ(o->timeout_ms, 250);
    EXPECT_EQ(o->tries, 2);
    EXPECT_FALSE(parse_dns_pref("a b", &problem));
    EXPECT_FALSE(parse_dns_pref("a timeout=x", &problem));
    EXPECT_FALSE(parse_dns_pref("a tries=0", &problem));
}

}  // namespace
}  // namespace mtb::dnr
