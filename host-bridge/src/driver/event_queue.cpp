// SPDX-License-Identifier: GPL-2.0-or-later
#include "driver/event_queue.h"

#include <utility>

namespace mtb {

bool EventQueue::push(Event event) {
    std::lock_guard lock(mutex_);
    const bool was_empty = events_.empty();
    events_.push_back(std::move(event));
    return was_empty;
}

bool EventQueue::drain(std::size_t max_events) {
    for (std::size_t i = 0; i < max_events; ++i) {
        Event event;
        {
            std::lock_guard lock(mutex_);
            if (events_.empty()) return false;
            event = std::move(events_.front());
            events_.pop_front();
        }
        event();
    }
    return !empty();
}

bool EventQueue::run_one() {
    Event event;
    {
        std::lock_guard lock(mutex_);
        if (events_.empty()) return false;
        event = std::move(events_.front());
        events_.pop_front();
    }
    event();
    return true;
}

void EventQueue::clear() {
    std::deque<Event> dropped;
    {
        std::lock_guard lock(mutex_);
        dropped.swap(events_);
    }
    // Destroyed outside the lock: a closure's captured state may release sockets.
}

bool EventQueue::empty() const {
    std::lock_guard lock(mutex_);
    return events_.empty();
}

}  // namespace mtb
