// DnrService through the bridge's control path, on fake guest RAM, against the tests' DNS server.
// SPDX-License-Identifier: GPL-2.0-or-later
#include <gtest/gtest.h>

#include <set>

#include "dnr/dnr_service.h"
#include "dnr_harness.h"
#include "net/live_host_io.h"
#include "net/forwarding_host_io.h"

namespace mtb::test {
namespace {

using namespace dnr;

TEST(DnrService, EverySelectorAnswersNotOpenBeforeOpenResolver) {
    DnrHarness h;
    h.put_string(DnrHarness::kName, "www.test.example");
    for (uint32_t selector = kCloseResolver; selector <= kMXInfo; ++selector)
        EXPECT_EQ(h.dnr(selector, DnrHarness::kName, DnrHarness::kRecord, DnrHarness::kProc, 0), err::notOpenErr)
            << "selector " << selector;
    EXPECT_EQ(h.open(), err::noErr);
    // Open for this application only.
    EXPECT_EQ(h.dnr(kAddrToStr, 0x01020304, DnrHarness::kRecord, 0, 0, DnrHarness::kA5 + 0x100), err::notOpenErr);
    EXPECT_EQ(h.dnr(kCloseResolver), err::noErr);
    EXPECT_EQ(h.dnr(kAddrToStr, 0x01020304, DnrHarness::kRecord), err::notOpenErr);
}

TEST(DnrService, UnknownSelectorsAnswerDnrErr) {
    DnrHarness h;
    h.open();
    for (uint32_t selector : {0u, 9u, 100u, 0xFFFFFFFFu, 0x00010003u}) EXPECT_EQ(h.dnr(selector), err::dnrErr);
    EXPECT_TRUE(h.proc_calls().empty());
}

TEST(DnrService, OtherCsCodesOfThePrivateRangeAnswerControlErr) {
    DnrHarness h;
    h.host.put16(DnrHarness::kPb + layout::header::csCode.offset, 0x4E05);
    EXPECT_EQ(h.control(DnrHarness::kPb), err::controlErr);
}

TEST(DnrService, DottedQuadIsAnsweredAtOnceWithANilResultProc) {
    DnrHarness h;
    h.open();
    h.put_string(DnrHarness::kName, "192.168.1.2");
    std::fill(h.host.ram.begin() + DnrHarness::kRecord, h.host.ram.begin() + DnrHarness::kRecord + 276, 0xAA);
    EXPECT_EQ(h.dnr(kStrToAddr, DnrHarness::kName, DnrHarness::kRecord, 0, 0), err::noErr);
    EXPECT_EQ(h.rtn_code(), 0);
    EXPECT_EQ(h.get_string(DnrHarness::kRecord + host_info::cname), "");  // NCSA inet_addr checks this
    EXPECT_EQ(h.addr(0), 0xC0A80102u);
    for (int i = 1; i < 4; ++i) EXPECT_EQ(h.addr(i), 0u);
    h.pump_for(std::chrono::milliseconds(50));
    EXPECT_TRUE(h.proc_calls().empty());
    EXPECT_EQ(h.dns.queries(), 0);
}

TEST(DnrService, MalformedDottedQuadsAreNamesNotAddresses) {
    DnrHarness h;
    h.open();
    for (const char *text : {"1.2.3", "1.2.3.256", "1.2.3.4.5", "01.2.3.4x"}) {
        h.put_string(DnrHarness::kName, text);
        const int16_t result = h.dnr(kStrToAddr, DnrHarness::kName, DnrHarness::kRecord, 0, 0);
        EXPECT_EQ(result, err::noResultProc) << text;  // a query would be needed
    }
}

// The live host layer with the emulation thread's CPU clock stopped, as when the host keeps
// the emulator off the CPU right after the trap: wall time passes, the guest does not run.
class StoppedCpuClockIo final : public net::ForwardingHostIo {
public:
    explicit StoppedCpuClockIo(FakeHost &host) : ForwardingHostIo(live_), live_(host) {}
    net::Clock::duration thread_cpu_time() override { return std::chrono::milliseconds(7); }

private:
    net::LiveHostIo live_;
};

// kMinCallbackDelay of wall time does not prove the guest reached its next statement: while
// the emulation thread has not run (its CPU clock stands still) the result procedure waits,
// up to kLongestHold.
TEST(DnrService, TheResultProcWaitsForTheGuestToRunNotOnlyForTime) {
    DnrHarness h(true, 300, inject<StoppedCpuClockIo>);
    h.open();
    h.put_string(DnrHarness::kName, "www.test.example");
    const auto issued = std::chrono::steady_clock::now();
    EXPECT_EQ(h.dnr(kStrToAddr, DnrHarness::kName, DnrHarness::kRecord, DnrHarness::kProc, DnrHarness::kUserData),
              err::cacheFault);
    ASSERT_TRUE(h.pump_until([&] { return !h.proc_calls().empty(); }));
    EXPECT_GE(std::chrono::steady_clock::now() - issued, DnrService::kLongestHold);
    EXPECT_EQ(h.proc_calls().size(), 1u);
    EXPECT_EQ(h.rtn_code(), 0);
}

TEST(DnrService, NameLookupReturnsCacheFaultThenCallsTheProcOnceLater) {
    DnrHarness h;
    h.open();
    h.put_string(DnrHarness::kName, "www.test.example");
    const auto issued = std::chrono::steady_clock::now();
    EXPECT_EQ(h.dnr(kStrToAddr, DnrHarness::kName, DnrHarness::kRecord, DnrHarness::kProc, DnrHarness::kUserData),
              err::cacheFault);
    EXPECT_EQ(h.rtn_code(), err::cacheFault);
    EXPECT_TRUE(h.proc_calls().empty());  // never before the call returned
    ASSERT_TRUE(h.pump_until([&] { return !h.proc_calls().empty(); }));
    // ...nor within the application's next statements (the server answers in microseconds).
    EXPECT_GE(std::chrono::steady_clock::now() - issued, DnrService::kMinCallbackDelay);
    h.pump_for(std::chrono::milliseconds(100));
    const auto calls = h.proc_calls();
    ASSERT_EQ(calls.size(), 1u);
    EXPECT_EQ(calls[0].regs.a[3], DnrHarness::kProc);
    EXPECT_EQ(calls[0].regs.a[0], DnrHarness::kRecord);
    EXPECT_EQ(calls[0].regs.a[1], DnrHarness::kUserData);
    EXPECT_EQ(calls[0].regs.a[5], DnrHarness::kA5);
    EXPECT_EQ(h.rtn_code(), 0);
    EXPECT_EQ(h.get_string(DnrHarness::kRecord + host_info::cname), "www.test.example.");
    std::set<uint32_t> addresses{h.addr(0), h.addr(1)};
    EXPECT_EQ(addresses, (std::set<uint32_t>{0x0A010203, 0x0A010204}));
    EXPECT_EQ(h.addr(2), 0u);

    // Now cached: answered at once, no query, no procedure call (even with a NIL one).
    const int queries = h.dns.queries();
    std::fill(h.host.ram.begin() + DnrHarness::kRecord, h.host.ram.begin() + DnrHarness::kRecord + 276, 0);
    h.put_string(DnrHarness::kName, "WWW.Test.Example.");
    EXPECT_EQ(h.dnr(kStrToAddr, DnrHarness::kName, DnrHarness::kRecord, 0, 0), err::noErr);
    EXPECT_EQ(h.rtn_code(), 0);
    EXPECT_EQ(h.get_string(DnrHarness::kRecord + host_info::cname), "www.test.example.");
    EXPECT_NE(h.addr(0), 0u);
    EXPECT_EQ(h.dns.queries(), queries);
    EXPECT_EQ(h.proc_calls().size(), 1u);
}

TEST(DnrService, CnameChainGivesTheCanonicalNameAndAtMostFourAddresses) {
    DnrHarness h;
    h.open();
    h.put_string(DnrHarness::kName, "alias.test.example");
    ASSERT_EQ(h.dnr(kStrToAddr, DnrHarness::kName, DnrHarness::kRecord, DnrHarness::kProc, 0), err::cacheFault);
    ASSERT_TRUE(h.pump_until([&] { return h.proc_calls().size() == 1; }));
    EXPECT_EQ(h.get_string(DnrHarness::kRecord + host_info::cname), "www.test.example.");

    const uint32_t record2 = DnrHarness::kRecord + 0x400;
    h.put_string(DnrHarness::kName, "many.test.example");
    ASSERT_EQ(h.dnr(kStrToAddr, DnrHarness::kName, record2, DnrHarness::kProc, 0), err::cacheFault);
    ASSERT_TRUE(h.pump_until([&] { return h.proc_calls().size() == 2; }));
    EXPECT_EQ(h.rtn_code(record2), 0);
    for (int i = 0; i < 4; ++i) EXPECT_EQ(h.addr(i, record2) & 0xFFFFFF00u, 0x0A020000u) << i;
    // The 277th byte onwards is not ours: nothing written past the 276-byte record.
    EXPECT_EQ(h.host.get8(record2 + host_info::size), 0);
}

TEST(DnrService, ErrorsOfTheServerBecomeDnrCodes) {
    DnrHarness h;
    h.open();
    struct Case {
        const char *name;
        int16_t expected;
    } cases[] = {{"nx.test.example", err::authNameErr},
                 // c-ares 1.18 retries SERVFAIL on the next server and, when every server
                 // failed, reports ARES_ECONNREFUSED ("could not contact DNS servers"): the
                 // same as no answer at all.
                 {"broken.test.example", err::noAnsErr},
                 {"slow.test.example", err::noAnsErr}};
    uint32_t record = DnrHarness::kRecord;
    uint32_t name = DnrHarness::kName;
    for (const Case &c : cases) {
        h.put_string(name, c.name);
        ASSERT_EQ(h.dnr(kStrToAddr, name, record, DnrHarness::kProc, record), err::cacheFault) << c.name;
        record += 0x200;
        name += 0x100;
    }
    ASSERT_TRUE(h.pump_until([&] { return h.proc_calls().size() == 3; }, std::chrono::seconds(10)));
    record = DnrHarness::kRecord;
    for (const Case &c : cases) {
        EXPECT_EQ(h.rtn_code(record), c.expected) << c.name;
        record += 0x200;
    }
    for (const auto &call : h.proc_calls()) EXPECT_EQ(call.regs.a[0], call.regs.a[1]);  // userData = record
}

TEST(DnrService, NoResultProcWhenAQueryIsNeeded) {
    DnrHarness h;
    h.open();
    h.put_string(DnrHarness::kName, "www.test.example");
    EXPECT_EQ(h.dnr(kStrToAddr, DnrHarness::kName, DnrHarness::kRecord, 0, 0), err::noResultProc);
    EXPECT_EQ(h.rtn_code(), err::noResultProc);
    EXPECT_EQ(h.dnr(kStrToAddr, DnrHarness::kName, DnrHarness::kRecord, 0x9001, 0), err::noResultProc);  // odd
    EXPECT_EQ(h.dnr(kStrToAddr, DnrHarness::kName, DnrHarness::kRecord, 0xF0000000, 0), err::noResultProc);
    EXPECT_EQ(h.dnr(kAddrToName, 0x0A010203, DnrHarness::kRecord, 0, 0), err::noResultProc);
    EXPECT_EQ(h.dnr(kHInfo, DnrHarness::kName, DnrHarness::kRecord, 0, 0), err::noResultProc);
    h.pump_for(std::chrono::milliseconds(50));
    EXPECT_EQ(h.dns.queries(), 0);
}

TEST(DnrService, AddrToStr) {
    DnrHarness h;
    h.open();
    std::fill(h.host.ram.begin() + DnrHarness::kName, h.host.ram.begin() + DnrHarness::kName + 32, 0x55);
    EXPECT_EQ(h.dnr(kAddrToStr, 0xFFFEFDFC, DnrHarness::kName), err::noErr);
    EXPECT_EQ(h.get_string(DnrHarness::kName), "255.254.253.252");
    EXPECT_EQ(h.host.get8(DnrHarness::kName + 16), 0x55);
    EXPECT_EQ(h.dnr(kAddrToStr, 0, FakeHost::kRamSize - 4), err::dnrErr);  // "0.0.0.0" needs 8
    EXPECT_EQ(h.dnr(kAddrToStr, 0, 0xFFFFFFFF), err::dnrErr);
}

TEST(DnrService, AddrToNameAlwaysQueries) {
    DnrHarness h;
    h.open();
    ASSERT_EQ(h.dnr(kAddrToName, 0x0A010203, DnrHarness::kRecord, DnrHarness::kProc, 7), err::cacheFault);
    ASSERT_TRUE(h.pump_until([&] { return h.proc_calls().size() == 1; }));
    EXPECT_EQ(h.rtn_code(), 0);
    EXPECT_EQ(h.get_string(DnrHarness::kRecord + host_info::cname), "www.test.example.");
    EXPECT_EQ(h.addr(0), 0x0A010203u);
    ASSERT_EQ(h.dnr(kAddrToName, 0x0A010203, DnrHarness::kRecord, DnrHarness::kProc, 7), err::cacheFault);
    ASSERT_EQ(h.dnr(kAddrToName, 0x0A0909FF, DnrHarness::kRecord + 0x200, DnrHarness::kProc, 7), err::cacheFault);
    ASSERT_TRUE(h.pump_until([&] { return h.proc_calls().size() == 3; }));
    EXPECT_EQ(h.rtn_code(DnrHarness::kRecord + 0x200), err::authNameErr);
}

TEST(DnrService, HInfoAndMXInfo) {
    DnrHarness h;
    h.open();
    const uint32_t hinfo = DnrHarness::kRecord, mx = DnrHarness::kRecord + 0x400;
    h.put_string(DnrHarness::kName, "www.test.example");
    h.put_string(DnrHarness::kName + 0x100, "test.example");
    ASSERT_EQ(h.dnr(kHInfo, DnrHarness::kName, hinfo, DnrHarness::kProc, 1), err::cacheFault);
    ASSERT_EQ(h.dnr(kMXInfo, DnrHarness::kName + 0x100, mx, DnrHarness::kProc, 2), err::cacheFault);
    ASSERT_TRUE(h.pump_until([&] { return h.proc_calls().size() == 2; }));
    EXPECT_EQ(h.rtn_code(hinfo), 0);
    EXPECT_EQ(h.get_string(hinfo + return_rec::cname), "www.test.example.");
    EXPECT_EQ(h.get_string(hinfo + return_rec::cpuType), "MC68040");
    EXPECT_EQ(h.get_string(hinfo + return_rec::osType), "MACOS");
    EXPECT_EQ(h.rtn_code(mx), 0);
    EXPECT_EQ(h.host.get16(mx + return_rec::mxPreference.offset), 10);
    EXPECT_EQ(h.get_string(mx + return_rec::mxExchange), "mx1.test.example.");
    // Cached now: at once, no procedure call.
    EXPECT_EQ(h.dnr(kMXInfo, DnrHarness::kName + 0x100, mx, 0, 0), err::noErr);
    EXPECT_EQ(h.get_string(mx + return_rec::mxExchange), "mx1.test.example.");
    // A name without MX records.
    h.put_string(DnrHarness::kName, "mx1.test.example");
    ASSERT_EQ(h.dnr(kMXInfo, DnrHarness::kName, mx, DnrHarness::kProc, 3), err::cacheFault);
    ASSERT_TRUE(h.pump_until([&] { return h.proc_calls().size() == 3; }));
    EXPECT_EQ(h.rtn_code(mx), err::authNameErr);
}

TEST(DnrService, EnumCacheReportsEntriesWithRealTtlsSynchronously) {
    DnrHarness h;
    h.open();
    h.put_string(DnrHarness::kName, "alias.test.example");
    ASSERT_EQ(h.dnr(kStrToAddr, DnrHarness::kName, DnrHarness::kRecord, DnrHarness::kProc, 0), err::cacheFault);
    ASSERT_TRUE(h.pump_until([&] { return h.proc_calls().size() == 1; }));

    struct Seen {
        std::string name;
        uint16_t type, klass;
        uint32_t ttl, rdata;
        std::string rdata_text;
    };
    std::vector<Seen> seen;
    h.host.on_call = [&](uint32_t, GuestRegs &regs) {
        const uint32_t record = regs.a[0];
        if (record < DnrHarness::kPb || record >= DnrHarness::kPb + call::size) return;  // not ENUMCACHE's
        Seen s;
        s.name = h.get_string(h.host.get32(record));
        s.type = h.host.get16(record + 4);
        s.klass = h.host.get16(record + 6);
        s.ttl = h.host.get32(record + 8);
        s.rdata = h.host.get32(record + 12);
        if (s.type == kTypeCNAME) s.rdata_text = h.get_string(s.rdata);
        EXPECT_EQ(regs.a[1], 0xABCDu);
        seen.push_back(s);
    };
    EXPECT_EQ(h.dnr(kEnumCache, DnrHarness::kProc, 0xABCD), err::noErr);
    ASSERT_EQ(seen.size(), 3u);  // 2 A + 1 CNAME
    int a = 0, cname = 0;
    for (const Seen &s : seen) {
        EXPECT_EQ(s.klass, 1);
        if (s.type == kTypeA) {
            ++a;
            EXPECT_EQ(s.name, "www.test.example.");
            EXPECT_TRUE(s.rdata == 0x0A010203u || s.rdata == 0x0A010204u);
            EXPECT_GT(s.ttl, 290u);
            EXPECT_LE(s.ttl, 300u);  // the smallest TTL of the chain: A 300 < CNAME 600
        } else {
            ++cname;
            EXPECT_EQ(s.type, kTypeCNAME);
            EXPECT_EQ(s.name, "alias.test.example.");
            EXPECT_EQ(s.rdata_text, "www.test.example.");
        }
    }
    EXPECT_EQ(a, 2);
    EXPECT_EQ(cname, 1);
    EXPECT_EQ(h.dnr(kEnumCache, 0, 0), err::noErr);  // NIL procedure: nothing to do
}

TEST(DnrService, CacheEntriesExpireWithTheirTtl) {
    DnrHarness h;
    h.open();
    h.put_string(DnrHarness::kName, "short.test.example");  // TTL 2 s
    ASSERT_EQ(h.dnr(kStrToAddr, DnrHarness::kName, DnrHarness::kRecord, DnrHarness::kProc, 0), err::cacheFault);
    ASSERT_TRUE(h.pump_until([&] { return h.proc_calls().size() == 1; }));
    EXPECT_EQ(h.dnr(kStrToAddr, DnrHarness::kName, DnrHarness::kRecord, 0, 0), err::noErr);
    std::this_thread::sleep_for(std::chrono::milliseconds(2100));
    EXPECT_EQ(h.dnr(kStrToAddr, DnrHarness::kName, DnrHarness::kRecord, DnrHarness::kProc, 0), err::cacheFault);
    ASSERT_TRUE(h.pump_until([&] { return h.proc_calls().size() == 2; }));
}

TEST(DnrService, CloseResolverDropsPendingCallbacks) {
    DnrHarness h;
    h.dns.set_delay(std::chrono::milliseconds(150));
    h.open();
    h.put_string(DnrHarness::kName, "www.test.example");
    ASSERT_EQ(h.dnr(kStrToAddr, DnrHarness::kName, DnrHarness::kRecord, DnrHarness::kProc, 0), err::cacheFault);
    EXPECT_EQ(h.dnr(kCloseResolver), err::noErr);
    h.pump_for(std::chrono::milliseconds(600));
    EXPECT_TRUE(h.proc_calls().empty());
    EXPECT_EQ(h.rtn_code(), err::cacheFault);  // the record is not written after the close either
    // Another application's lookup is not affected by this one's close.
    EXPECT_EQ(h.dnr(kOpenResolver, 0, 0, 0, 0, DnrHarness::kA5 + 0x100), err::noErr);
    EXPECT_EQ(h.open(), err::noErr);
    h.put_string(DnrHarness::kName, "alias.test.example");
    ASSERT_EQ(h.dnr(kStrToAddr, DnrHarness::kName, DnrHarness::kRecord, DnrHarness::kProc, 0, DnrHarness::kA5 + 0x100),
              err::cacheFault);
    ASSERT_EQ(h.dnr(kStrToAddr, DnrHarness::kName, DnrHarness::kRecord + 0x200, DnrHarness::kProc, 0), err::cacheFault);
    EXPECT_EQ(h.dnr(kCloseResolver), err::noErr);
    ASSERT_TRUE(h.pump_until([&] { return h.proc_calls().size() == 1; }));
    h.pump_for(std::chrono::milliseconds(300));
    ASSERT_EQ(h.proc_calls().size(), 1u);
    EXPECT_EQ(h.proc_calls()[0].regs.a[5], DnrHarness::kA5 + 0x100);
}

// Concurrent, not one at a time: the server holds every answer until all 50 questions have
// arrived, which a resolver asking one at a time never lets happen (its lookups time out).
TEST(DnrService, FiftyLookupsInFlightEachCompleteOnce) {
    constexpr int kCount = 50;
    DnrHarness h(true, 5000);  // the server waits for the 50th question, however slow the host
    h.dns.hold_answers_until(kCount);
    h.open();
    const auto started = std::chrono::steady_clock::now();
    for (int i = 0; i < kCount; ++i) {
        const uint32_t name = 0x20000 + 0x100 * i;
        const uint32_t record = 0x40000 + 0x200 * i;
        h.put_string(name, "host" + std::to_string(i) + ".test.example");
        ASSERT_EQ(h.dnr(kStrToAddr, name, record, DnrHarness::kProc, i), err::cacheFault) << i;
    }
    ASSERT_TRUE(h.pump_until([&] { return h.proc_calls().size() == kCount; }, std::chrono::seconds(30)));
    const auto elapsed = std::chrono::steady_clock::now() - started;
    h.pump_for(std::chrono::milliseconds(200));
    ASSERT_EQ(h.proc_calls().size(), static_cast<std::size_t>(kCount));
    EXPECT_GE(h.dns.most_unanswered(), kCount);
    std::set<uint32_t> user_data;
    for (const auto &call : h.proc_calls()) user_data.insert(call.regs.a[1]);
    EXPECT_EQ(user_data.size(), static_cast<std::size_t>(kCount));  // each exactly once
    for (int i = 0; i < kCount; ++i) {
        const uint32_t record = 0x40000 + 0x200 * i;
        EXPECT_EQ(h.rtn_code(record), 0) << i;
        EXPECT_EQ(h.addr(0, record), 0x0A040000u + i) << i;
    }
    RecordProperty("fifty_lookups_ms", static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count()));
}

TEST(DnrService, BadGuestPointersGetDnrErrorsAndCrashNothing) {
    DnrHarness h;
    h.open();
    const uint32_t end = FakeHost::kRamSize;
    // A name running into the end of RAM without a NUL.
    std::fill(h.host.ram.end() - 64, h.host.ram.end(), 'a');
    EXPECT_EQ(h.dnr(kStrToAddr, end - 64, DnrHarness::kRecord, DnrHarness::kProc, 0), err::nameSyntaxErr);
    EXPECT_EQ(h.rtn_code(), err::nameSyntaxErr);
    EXPECT_EQ(h.dnr(kHInfo, end - 64, DnrHarness::kRecord, DnrHarness::kProc, 0), err::nameSyntaxErr);
    // A name longer than any DNS name, NUL-terminated far away.
    std::fill(h.host.ram.begin() + 0x20000, h.host.ram.begin() + 0x20000 + 1000, 'b');
    h.host.ram[0x20000 + 1000] = 0;
    EXPECT_EQ(h.dnr(kStrToAddr, 0x20000, DnrHarness::kRecord, DnrHarness::kProc, 0), err::nameSyntaxErr);
    // Name pointers outside RAM.
    for (uint32_t p : {end, end + 100, 0xFFFFFFFFu, 0x80000000u})
        EXPECT_EQ(h.dnr(kStrToAddr, p, DnrHarness::kRecord, DnrHarness::kProc, 0), err::nameSyntaxErr) << p;
    // Records outside RAM, or straddling its end.
    h.put_string(DnrHarness::kName, "www.test.example");
    for (uint32_t r : {end, end - 100, 0xFFFFFF00u, 0xFFFFFFFFu}) {
        EXPECT_EQ(h.dnr(kStrToAddr, DnrHarness::kName, r, DnrHarness::kProc, 0), err::dnrErr) << r;
        EXPECT_EQ(h.dnr(kAddrToName, 1, r, DnrHarness::kProc, 0), err::dnrErr) << r;
        EXPECT_EQ(h.dnr(kHInfo, DnrHarness::kName, r, DnrHarness::kProc, 0), err::dnrErr) << r;
        EXPECT_EQ(h.dnr(kMXInfo, DnrHarness::kName, end - 300, DnrHarness::kProc, 0), err::dnrErr);  // 518 needed
    }
    // Empty and silly names.
    h.put_string(DnrHarness::kName, "");
    EXPECT_EQ(h.dnr(kStrToAddr, DnrHarness::kName, DnrHarness::kRecord, DnrHarness::kProc, 0), err::nameSyntaxErr);
    h.put_string(DnrHarness::kName, "a..b");
    EXPECT_EQ(h.dnr(kStrToAddr, DnrHarness::kName, DnrHarness::kRecord, DnrHarness::kProc, 0), err::nameSyntaxErr);
    h.put_string(DnrHarness::kName, "sp ace.example");
    EXPECT_EQ(h.dnr(kStrToAddr, DnrHarness::kName, DnrHarness::kRecord, DnrHarness::kProc, 0), err::nameSyntaxErr);
    // The call block itself running past the end of RAM.
    const uint32_t pb = end - 100;
    h.host.put16(pb + layout::header::ioTrap.offset, 0xA004);
    h.host.put16(pb + layout::header::csCode.offset, static_cast<uint16_t>(CsCode::dnrCall));
    EXPECT_EQ(h.control(pb), err::dnrErr);
    h.pump_for(std::chrono::milliseconds(100));
    EXPECT_TRUE(h.proc_calls().empty());
    EXPECT_EQ(h.dns.queries(), 0);
}

TEST(DnrService, ResetDropsPendingLookups) {
    DnrHarness h;
    h.dns.set_delay(std::chrono::milliseconds(100));
    h.open();
    h.put_string(DnrHarness::kName, "www.test.example");
    ASSERT_EQ(h.dnr(kStrToAddr, DnrHarness::kName, DnrHarness::kRecord, DnrHarness::kProc, 0), err::cacheFault);
    h.bridge->reset();
    h.pump_for(std::chrono::milliseconds(400));
    EXPECT_TRUE(h.proc_calls().empty());
    EXPECT_EQ(h.rtn_code(), err::cacheFault);
}

TEST(DnrService, HostsFileSeedsTheCache) {
    DnrHarness h;
    const std::string hosts =
        "; MacTCP Hosts file\r"
        "printer.lab       IN A     10.9.8.7\r"
        "laser             CNAME    printer.lab\r"
        "twice.lab  3600   IN A     10.0.0.1   # comment\n"
        "twice.lab         IN A     10.0.0.2\r"
        "junk line\r";
    h.put_string(0x30000, hosts);
    EXPECT_EQ(h.dnr(kOpenResolver, 0, 0, 0, 0, DnrHarness::kA5, 0x30000, static_cast<uint32_t>(hosts.size())),
              err::noErr);
    h.put_string(DnrHarness::kName, "laser");
    EXPECT_EQ(h.dnr(kStrToAddr, DnrHarness::kName, DnrHarness::kRecord, 0, 0), err::noErr);
    EXPECT_EQ(h.get_string(DnrHarness::kRecord + host_info::cname), "printer.lab.");
    EXPECT_EQ(h.addr(0), 0x0A090807u);
    h.put_string(DnrHarness::kName, "twice.lab");
    EXPECT_EQ(h.dnr(kStrToAddr, DnrHarness::kName, DnrHarness::kRecord, 0, 0), err::noErr);
    EXPECT_EQ(h.addr(0), 0x0A000001u);
    EXPECT_EQ(h.addr(1), 0x0A000002u);
    EXPECT_EQ(h.dns.queries(), 0);
    // Hosts data outside RAM is ignored, not fatal.
    EXPECT_EQ(h.dnr(kOpenResolver, 0, 0, 0, 0, DnrHarness::kA5, 0xFFFFFF00, 0x1000), err::noErr);
}

}  // namespace
}  // namespace mtb::test
