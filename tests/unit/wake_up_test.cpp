// The bridge's timers reach the host as ONE armed wake-up (HostIo::arm_wake_up, a one-shot): a
// wake-up that fires while an interrupt drain is running (a drain of completion routines and
// ASRs can take milliseconds, more under ASan) must not be lost. It was: the drain had run its
// due timers at its start, swallowed the Event{wake} in its loop, and believed the wake-up still
// armed, so the timer (the drain's breather that resumes receives held back at the end of a
// spent drain, a command timeout) never ran and the stream stalled (issue 13, the guest test
// Tcp.AbortAndReleaseDuringTransfersLeaveOtherStreamsAlone: "stream stalled at 81920 bytes").
// SPDX-License-Identifier: GPL-2.0-or-later
#include <gtest/gtest.h>

#include "net/forwarding_host_io.h"
#include "net/live_host_io.h"
#include "tcp_test_support.h"

namespace mtb::test {

namespace {

// The live host with a clock of the test's own and a wake-up the test fires.
class ManualWakeIo final : public net::ForwardingHostIo {
public:
    explicit ManualWakeIo(FakeHost &host) : ForwardingHostIo(live_), live_(host) {}
    net::Clock::time_point now() override { return now_; }
    void arm_wake_up(std::optional<net::Clock::time_point> deadline) override { armed = deadline; }
    bool next_event(net::Event &out) override {
        if (fire_during_drain && armed) {
            // Time passes inside the drain; the one-shot fires and is then no longer armed.
            now_ = *armed + std::chrono::milliseconds(1);
            armed.reset();
            fire_during_drain = false;
            out = net::Event{};  // Kind::wake
            return true;
        }
        return ForwardingHostIo::next_event(out);
    }

    std::optional<net::Clock::time_point> armed;
    bool fire_during_drain = false;

private:
    net::LiveHostIo live_;
    net::Clock::time_point now_ = net::Clock::time_point(std::chrono::hours(1));
};

constexpr uint32_t kStream = 0x20000;

}  // namespace

TEST(WakeUp, AWakeUpThatFiresDuringADrainIsArmedAgain) {
    TcpHarness h(inject<ManualWakeIo>);
    auto &io = *static_cast<ManualWakeIo *>(h.injected.io);
    ASSERT_EQ(h.create(kStream), 0);
    h.passive_open(0x5000, kStream, 0, 1);  // a one-second command timeout: a timer
    ASSERT_TRUE(io.armed.has_value());
    io.fire_during_drain = true;
    h.bridge.interrupt();  // starts before the deadline; the wake-up fires inside it
    EXPECT_EQ(h.result(0x5000), err::inProgress);
    ASSERT_TRUE(io.armed.has_value()) << "the wake-up fired inside a drain and none is armed: the timer never runs";
    h.bridge.interrupt();  // the host's answer to the re-armed (already due) wake-up
    EXPECT_EQ(h.result(0x5000), err::commandTimeout);
}

}  // namespace mtb::test
