// Interrupt-level work comes in bounded batches with task-level time between them: a guest whose
// completion routines re-issue calls that finish at once must not starve its main program.
// SPDX-License-Identifier: GPL-2.0-or-later
#include <gtest/gtest.h>

#include "driver/driver_core.h"
#include "driver/mactcp_codes.h"
#include "fake_host.h"

namespace mtb::test {

namespace {

// csCode 200: registers as pending and completes at once (as a receive with data buffered does).
class InstantService final : public Service {
public:
    explicit InstantService(DriverCore &core) : core_(&core) {}
    Outcome handle(Call &call) override {
        last = core_->begin_pending(call);
        core_->complete(last, 0);
        return kPending;
    }
    void reset() override {}
    RequestId last{};

private:
    DriverCore *core_;
};

void issue(DriverCore &core, FakeHost &host, uint32_t pb) {
    host.put16(pb + 6, 0xA404);          // async
    host.put32(pb + 12, 0x9000);         // a completion routine
    host.put16(pb + 26, 200);
    GuestRegs regs;
    regs.d[0] = 2;
    regs.a[0] = pb;
    core.emul_op(regs);
}

// A driver core with the .IPP driver opened and InstantService on csCode 200.
class InterruptFairness : public ::testing::Test {
protected:
    InterruptFairness() { host.install_driver(); }
    void SetUp() override {
        core.add_service(200, 200, service);
        GuestRegs open;
        open.a[1] = FakeHost::kDceAddress;
        core.emul_op(open);
        ASSERT_EQ(open.d[0], 0u);
    }
    void TearDown() override {
        host.on_call = nullptr;
        core.shutdown();
    }

    FakeHost host;
    DriverCore core{host, host};
    InstantService service{core};
};

}  // namespace

TEST_F(InterruptFairness, ReissuingCompletionRoutinesGetBoundedBatches) {

    // Every completion routine call issues the request again, from interrupt level.
    host.on_call = [&](uint32_t, GuestRegs &regs) { issue(core, host, regs.a[0]); };
    issue(core, host, 0x4000);
    const uint64_t raised_before = host.raised();
    core.interrupt();
    const std::size_t first_batch = host.calls.size();
    EXPECT_GE(first_batch, 1u);
    EXPECT_LE(first_batch, 64u);
    // No immediate re-raise from inside the batch: task level runs first...
    EXPECT_EQ(host.raised(), raised_before);
    // ...and the rest is resumed after by the breather timer (the network thread's: waited for
    // with a deadline only a lost resumption reaches, not 200 ms a loaded host can overrun).
    EXPECT_TRUE(host.wait_for_raise(raised_before, std::chrono::seconds(5)));
    core.interrupt();  // the breather's own event
    core.interrupt();
    EXPECT_GT(host.calls.size(), first_batch);
}

// Past the budget, a completion made from a routine waits for the next drain whole: ioResult
// stays inProgress with its routine, so task level never sees a final ioResult whose routine has
// not run. Ended meanwhile at task level (TCPAbort and TCPRelease end a stream's deferred
// receives so), the request completes once, with the newer result, and never late with noErr.
TEST_F(InterruptFairness, ADeferredCompletionEndedAtTaskLevelCompletesOnceWithTheNewerResult) {
    constexpr uint32_t kPb = 0x4000;
    const auto io_result = [&] { return static_cast<int16_t>(host.get16(kPb + 16)); };
    host.on_call = [&](uint32_t, GuestRegs &regs) {
        if (static_cast<int16_t>(regs.d[0]) == err::noErr) issue(core, host, regs.a[0]);
    };
    issue(core, host, kPb);
    core.interrupt();  // spends its budget: the last re-issued request's completion is deferred
    ASSERT_TRUE(core.is_deferred(service.last));
    EXPECT_EQ(io_result(), err::inProgress);
    const std::size_t routines = host.calls.size();
    EXPECT_TRUE(core.complete(service.last, err::connectionTerminated));  // at task level
    EXPECT_EQ(io_result(), err::connectionTerminated);
    EXPECT_FALSE(core.is_deferred(service.last));
    core.interrupt();
    ASSERT_EQ(host.calls.size(), routines + 1);
    EXPECT_EQ(static_cast<int16_t>(host.calls.back().regs.d[0]), err::connectionTerminated);
    core.interrupt();
    EXPECT_EQ(host.calls.size(), routines + 1);  // nothing completes twice or late
    EXPECT_EQ(io_result(), err::connectionTerminated);
}

}  // namespace mtb::test
