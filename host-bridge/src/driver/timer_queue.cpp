// SPDX-License-Identifier: GPL-2.0-or-later
#include "driver/timer_queue.h"

#include <utility>

namespace mtb {

TimerQueue::TimerId TimerQueue::schedule(Clock::time_point when, Callback callback) {
    const TimerId id = next_id_++;
    by_id_[id] = queue_.emplace(when, std::make_pair(id, std::move(callback)));
    return id;
}

void TimerQueue::cancel(TimerId id) {
    const auto found = by_id_.find(id);
    if (found == by_id_.end()) return;
    queue_.erase(found->second);
    by_id_.erase(found);
}

void TimerQueue::run_due(Clock::time_point now) {
    while (!queue_.empty() && queue_.begin()->first <= now) {
        auto first = queue_.begin();
        Callback callback = std::move(first->second.second);
        by_id_.erase(first->second.first);
        queue_.erase(first);
        callback();  // may re-enter schedule/cancel: no iterator is held across it
    }
}

std::optional<TimerQueue::Clock::time_point> TimerQueue::earliest() const {
    if (queue_.empty()) return std::nullopt;
    return queue_.begin()->first;
}

void TimerQueue::clear() {
    queue_.clear();
    by_id_.clear();
}

}  // namespace mtb
