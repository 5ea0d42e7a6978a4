// Deadlines owned by the emulation thread (command timeouts, ULP timers, DNR timeouts).
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <unordered_map>

namespace mtb {

// Every timer lives here, on the emulation thread; the host (HostIo::arm_wake_up) arms one wake-up
// for the earliest deadline (DriverCore::arm_wake_up). O(log n) per timer, no fixed table.
class TimerQueue {
public:
    using Clock = std::chrono::steady_clock;
    using TimerId = uint64_t;
    using Callback = std::function<void()>;

    TimerId schedule(Clock::time_point when, Callback callback);
    void cancel(TimerId id);

    // Runs every callback due at `now`, earliest first. Callbacks may schedule or cancel.
    void run_due(Clock::time_point now);

    std::optional<Clock::time_point> earliest() const;
    std::size_t size() const { return by_id_.size(); }
    void clear();

private:
    using Queue = std::multimap<Clock::time_point, std::pair<TimerId, Callback>>;
    Queue queue_;
    std::unordered_map<TimerId, Queue::iterator> by_id_;
    TimerId next_id_ = 1;
};

}  // namespace mtb
