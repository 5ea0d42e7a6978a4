// SPDX-License-Identifier: GPL-2.0-or-later
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "driver/event_queue.h"
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

TEST(EventQueue, DrainIsBoundedAndOrdered) {
    EventQueue queue;
    std::vector<int> seen;
    for (int i = 0; i < 10; ++i) queue.push([&seen, i] { seen.push_back(i); });
    EXPECT_TRUE(queue.drain(4));
    EXPECT_EQ(seen.size(), 4u);
    EXPECT_FALSE(queue.drain(100));
    EXPECT_EQ(seen, (std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
}

TEST(EventQueue, EventsMayPushWhileDraining) {
    EventQueue queue;
    int runs = 0;
    queue.push([&] {
        ++runs;
        queue.push([&] { ++runs; });
    });
    EXPECT_FALSE(queue.drain(10));
    EXPECT_EQ(runs, 2);
}

TEST(EventQueue, ManyProducers) {
    EventQueue queue;
    std::atomic<int> runs = 0;
    std::vector<std::thread> producers;
    for (int t = 0; t < 4; ++t)
        producers.emplace_back([&] {
            for (int i = 0; i < 1000; ++i) queue.push([&] { ++runs; });
        });
    for (auto &producer : producers) producer.join();
    while (queue.drain(64)) {
    }
    EXPECT_EQ(runs.load(), 4000);
}

}  // namespace mtb
