// When a result procedure may run (DnrService::hold_left), on a host whose clocks the test moves:
// never before the guest has run past the call that returned cacheFault, however much wall time
// passed while the emulation thread was kept off the CPU (issue 13 item 5: MacPython's macdnr
// pattern lost an answer under load 20 when the hold's wall-clock limit ran out unseen).
// SPDX-License-Identifier: GPL-2.0-or-later
#include <gtest/gtest.h>

#include <deque>
#include <functional>

#include "dnr/dnr_service.h"
#include "dnr_harness.h"
#include "net/forwarding_host_io.h"
#include "net/live_host_io.h"

namespace mtb::test {
namespace {

using namespace dnr;
using namespace std::chrono_literals;

// The host-operations seam with the test's clocks: wall time, the emulation thread's CPU time
// and the one armed wake-up move only when the test says; lookups are recorded and answered
// when the test says. Sockets (unused here) go to the live host.
class ManualClocksIo final : public net::ForwardingHostIo {
public:
    explicit ManualClocksIo(FakeHost &host) : ForwardingHostIo(live_), live_(host) {}

    net::Clock::time_point now() override { return now_; }
    net::Clock::duration thread_cpu_time() override { return cpu_; }
    void arm_wake_up(std::optional<net::Clock::time_point> deadline) override { armed_ = deadline; }
    bool next_event(net::Event &out) override {
        if (events_.empty()) return false;
        out = std::move(events_.front());
        events_.pop_front();
        return true;
    }
    std::optional<std::string> dns_open(const ResolverOptions &) override { return std::nullopt; }
    void dns_start(uint64_t query, QueryKind, const std::string &, uint32_t) override { started.push_back(query); }
    void dns_cancel_all() override { started.clear(); }

    // `wall` passes, of which the emulation thread spent `cpu` on the CPU; the wake-up fires if due.
    void pass(net::Clock::duration wall, net::Clock::duration cpu) {
        now_ += wall;
        cpu_ += cpu;
        if (armed_ && *armed_ <= now_) {
            armed_.reset();
            events_.push_back(net::Event{});  // Kind::wake
        }
    }
    // Wall time up to the armed wake-up, which fires.
    void pass_to_wake_up(net::Clock::duration cpu) {
        ASSERT_TRUE(armed_.has_value());
        pass(std::max(*armed_ - now_, net::Clock::duration::zero()), cpu);
    }
    void answer(uint64_t query, DnsAnswer answer) {
        net::Event event;
        event.kind = net::Event::Kind::dns;
        event.query = query;
        event.answer = std::move(answer);
        events_.push_back(std::move(event));
    }

    std::vector<uint64_t> started;

private:
    net::LiveHostIo live_;
    net::Clock::time_point now_ = net::Clock::time_point(1h);
    net::Clock::duration cpu_ = 1s;
    std::optional<net::Clock::time_point> armed_;
    std::deque<net::Event> events_;
};

DnsAnswer www_answer() {
    DnsAnswer answer;
    answer.canonical = "www.test.example";
    answer.addresses = {0x0A010203};
    answer.ttl = 60;
    return answer;
}

struct HoldHarness {
    HoldHarness() : h(false, 300, inject<ManualClocksIo>), io(*static_cast<ManualClocksIo *>(h.injected.io)) {
        EXPECT_EQ(h.open(), err::noErr);
        h.put_string(DnrHarness::kName, "www.test.example");
        EXPECT_EQ(h.dnr(kStrToAddr, DnrHarness::kName, DnrHarness::kRecord, DnrHarness::kProc, DnrHarness::kUserData),
                  err::cacheFault);
        EXPECT_EQ(io.started.size(), 1u);
        issued = io.now();
    }
    // `wall` after the call (the thread on the CPU for `cpu` of it) the answer is queued and the
    // thread takes an interrupt.
    void answer_after(net::Clock::duration wall, net::Clock::duration cpu) {
        io.pass(wall, cpu);
        io.answer(io.started[0], www_answer());
        h.bridge->interrupt();
    }
    // `step`, then an interrupt, until the result procedure has run: how many interrupts.
    int interrupts_until_answered(const std::function<void()> &step) {
        int interrupts = 0;
        while (h.proc_calls().empty() && interrupts < 1000) {
            step();
            h.bridge->interrupt();
            ++interrupts;
        }
        return interrupts;
    }
    DnrHarness h;
    ManualClocksIo &io;
    net::Clock::time_point issued;
};

// The emulation thread is preempted right after the trap, before the application marks its
// request as waiting (MacPython, mactcp-reference 8.5), and gets the CPU back 700 ms later; the
// answer came meanwhile. The first interrupt the thread then takes must not run the procedure:
// the guest has not executed one instruction since the call. Once the guest has run, it does.
TEST(DnrHold, WallTimeSpentOffTheCpuDoesNotReleaseTheResultProc) {
    HoldHarness t;
    t.answer_after(700ms, 0ms);
    EXPECT_TRUE(t.h.proc_calls().empty()) << "result procedure ran before the guest ran past its call";
    EXPECT_EQ(t.h.rtn_code(), err::cacheFault);  // hostInfo not written either

    EXPECT_EQ(t.interrupts_until_answered([&] { t.io.pass_to_wake_up(DnrService::kMinGuestCpu); }), 1);
    ASSERT_EQ(t.h.proc_calls().size(), 1u);
    EXPECT_EQ(t.h.rtn_code(), 0);
    EXPECT_EQ(t.h.addr(0), 0x0A010203u);
}

// The same, with the thread kept off the CPU again before every recheck: each recheck is one
// chance for the guest to run, whatever the wall time between them.
TEST(DnrHold, RepeatedPreemptionGivesTheGuestItsChancesNotWallTime) {
    HoldHarness t;
    t.answer_after(1s, 0ms);
    const int rechecks = t.interrupts_until_answered([&] { t.io.pass(1s, 0ms); });
    ASSERT_EQ(t.h.proc_calls().size(), 1u);
    EXPECT_EQ(1 + rechecks, DnrService::kHoldChances);
    // The answer, not the 37-second deadline that passed meanwhile (the answer had come).
    EXPECT_EQ(t.h.rtn_code(), 0);
}

// An idle emulator (a guest sleeping in WaitNextEvent uses little CPU) is not kept waiting for
// CPU time it will not use: rechecks kProgressRecheck apart, answered on time, end the hold after
// kHoldChances of them, about kLongestHold.
TEST(DnrHold, AnIdleGuestGetsItsAnswerAfterItsChances) {
    HoldHarness t;
    t.answer_after(1ms, 0ms);
    t.interrupts_until_answered([&] { t.io.pass_to_wake_up(0ms); });
    ASSERT_EQ(t.h.proc_calls().size(), 1u);
    EXPECT_GE(t.io.now() - t.issued, DnrService::kLongestHold);
    EXPECT_LE(t.io.now() - t.issued, DnrService::kMinCallbackDelay + DnrService::kLongestHold);
}

// A guest that runs gets its answer as soon as kMinCallbackDelay has passed.
TEST(DnrHold, AGuestThatRunsGetsItsAnswerAfterTheMinimumDelay) {
    HoldHarness t;
    t.answer_after(1ms, 1ms);
    EXPECT_TRUE(t.h.proc_calls().empty());
    t.io.pass_to_wake_up(DnrService::kMinGuestCpu);
    t.h.bridge->interrupt();
    ASSERT_EQ(t.h.proc_calls().size(), 1u);
    EXPECT_EQ(t.io.now() - t.issued, DnrService::kMinCallbackDelay);
}

}  // namespace
}  // namespace mtb::test
