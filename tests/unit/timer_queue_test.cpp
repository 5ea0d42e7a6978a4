// SPDX-License-Identifier: GPL-2.0-or-later
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "driver/timer_queue.h"

namespace mtb {

TEST(TimerQueue, RunsDueTimersInOrderAndHonoursCancel) {
    TimerQueue timers;
    const auto t0 = TimerQueue::Clock::now();
    std::vector<int> fired;
    timers.schedule(t0 + std::chrono::seconds(2), [&] { fired.push_back(2); });
    const auto cancelled = timers.schedule(t0 + std::chrono::seconds(1), [&] { fired.push_back(99); });
    timers.schedule(t0 + std::chrono::seconds(1), [&] { fired.push_back(1); });
    timers.cancel(cancelled);
    timers.run_due(t0);
    EXPECT_TRUE(fired.empty());
    timers.run_due(t0 + std::chrono::seconds(3));
    EXPECT_EQ(fired, (std::vector<int>{1, 2}));
    EXPECT_EQ(timers.size(), 0u);
}

TEST(TimerQueue, CallbacksMayScheduleAndCancel) {
    TimerQueue timers;
    const auto t0 = TimerQueue::Clock::now();
    int count = 0;
    TimerQueue::TimerId victim = 0;
    timers.schedule(t0, [&] {
        ++count;
        timers.cancel(victim);
        timers.schedule(t0, [&] { ++count; });
    });
    victim = timers.schedule(t0, [&] { count += 100; });
    timers.run_due(t0);
    EXPECT_EQ(count, 2);
}

}  // namespace mtb
