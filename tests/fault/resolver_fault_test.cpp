// Resolver faults: a DNS server that answers SERVFAIL, never answers, answers truncated (and
// has no TCP to retry on) or answers with malformed messages. Every lookup ends exactly once
// with a DNR error, good lookups in between still succeed, and healthy TCP streams alongside
// carry every byte.
// SPDX-License-Identifier: GPL-2.0-or-later
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "dnr_harness.h"
#include "healthy_stream.h"

namespace mtb::test {

using namespace dnr;

TEST(ResolverFault, BadAnswersEndEachLookupOnceWithAnError) {
    TestDnsServer dns;
    dns.add_standard_zone();
    dns.add_servfail("servfail.test.example");
    dns.add_silent("silent.test.example");
    dns.add_truncated("truncated.test.example");
    dns.add_malformed("malformed.test.example");
    TcpHarness h(std::map<std::string, std::string>{{"ippdns", dns.pref(300, 2)}});
    HealthyStream a(h, 0xC0000), b(h, 0xD0000);
    constexpr uint32_t kCallPb = 0x8000, kProc = 0x9000;
    ASSERT_EQ(dnr_call(h.host, h.bridge, kCallPb, kOpenResolver, 0, 0, 0, 0, DnrHarness::kA5), 0);

    struct Lookup {
        std::string name;
        uint32_t selector;
        bool good;
    };
    // c-ares retries a truncated answer over TCP; this server has no TCP, and the refused
    // connection fails EVERY lookup then outstanding on that server with ECONNREFUSED (noAnsErr),
    // good ones included. Whether a good lookup is still outstanding at that moment is a matter
    // of scheduling, so truncated answers get a batch of their own, and good lookups are checked
    // alongside every other fault and again after the truncated ones (recovery).
    const std::vector<Lookup> alongside = {
        {"servfail.test.example", kStrToAddr, false}, {"silent.test.example", kStrToAddr, false},
        {"malformed.test.example", kStrToAddr, false}, {"malformed.test.example", kHInfo, false},
        {"malformed.test.example", kMXInfo, false},    {"servfail.test.example", kHInfo, false},
        {"www.test.example", kStrToAddr, true},        {"www.test.example", kHInfo, true},
        {"test.example", kMXInfo, true},
    };
    const std::vector<Lookup> truncated = {
        {"truncated.test.example", kStrToAddr, false}, {"truncated.test.example", kMXInfo, false},
    };
    std::set<std::pair<std::string, uint32_t>> asked;  // a name's first lookup goes to the server
    for (int round = 0; round < 3; ++round) {  // three rounds: the malformed kinds take turns
        // Names not asked before, so the server answers them after the refused TCP connection.
        const std::vector<Lookup> good_again = {
            {"host" + std::to_string(2 * round) + ".test.example", kStrToAddr, true},
            {"host" + std::to_string(2 * round + 1) + ".test.example", kStrToAddr, true},
        };
        for (const auto *batch : {&alongside, &truncated, &good_again}) {
            const std::vector<Lookup> &lookups = *batch;
            const std::size_t before = h.host.calls.size();
            std::vector<uint32_t> records;
            std::vector<bool> waited(lookups.size());
            for (std::size_t i = 0; i < lookups.size(); ++i) {
                const uint32_t name = 0x70000 + 0x100 * static_cast<uint32_t>(i);
                const uint32_t record = 0x78000 + 0x400 * static_cast<uint32_t>(i);
                std::fill(h.host.ram.begin() + record, h.host.ram.begin() + record + 0x400, 0xA5);
                const std::string text = lookups[i].name;
                std::copy(text.begin(), text.end(), h.host.ram.begin() + name);
                h.host.ram[name + text.size()] = 0;
                const int16_t result = dnr_call(h.host, h.bridge, kCallPb, lookups[i].selector, name, record, kProc,
                                                static_cast<uint32_t>(i), DnrHarness::kA5);
                // After a name's first lookup, answers (and failures) may come from the cache at once.
                const bool first = asked.insert({text, lookups[i].selector}).second;
                if (result == err::cacheFault) {
                    records.push_back(record);
                    waited[i] = true;
                } else {
                    EXPECT_FALSE(first) << text << ": the first lookup of a name goes to the server";
                    EXPECT_TRUE(lookups[i].good ? result == 0 : result < 0) << text << " " << lookups[i].selector << " " << result;
                    waited[i] = false;
                }
            }
            auto procs = [&] {
                std::size_t n = 0;
                for (std::size_t c = before; c < h.host.calls.size(); ++c)
                    n += h.host.calls[c].addr == FakeHost::kDriverAddress + guest_image::ipp_driver::symbol::ipp_tramp_pascal_2l;
                return n;
            };
            ASSERT_TRUE(pump_with(h, [&] { return procs() == records.size(); }, std::chrono::seconds(20), a, b)) << round;
            pump_with(h, [] { return false; }, std::chrono::milliseconds(200), a, b);
            EXPECT_EQ(procs(), records.size());  // each exactly once
            for (std::size_t i = 0; i < lookups.size(); ++i) {
                if (!waited[i]) continue;
                const uint32_t record = 0x78000 + 0x400 * static_cast<uint32_t>(i);
                const auto rtn = static_cast<int32_t>(h.host.get32(record));
                if (lookups[i].good) {
                    EXPECT_EQ(rtn, 0) << lookups[i].name << " " << lookups[i].selector;
                } else {
                    EXPECT_LT(rtn, 0) << lookups[i].name << " " << lookups[i].selector;
                }
            }
        }
    }
    EXPECT_GE(dns.queries_for("malformed.test.example"), 1);
    a.finish();
    b.finish();
}

}  // namespace mtb::test
