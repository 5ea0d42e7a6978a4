// Events from the network thread to the emulation thread.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>

namespace mtb {

// Multi-producer queue drained on the emulation thread. Events are small closures that hold
// host-side state only: they run on the emulation thread, which alone touches guest memory.
class EventQueue {
public:
    using Event = std::function<void()>;

    // Any thread. Returns true if the queue was empty (the caller should raise the interrupt).
    bool push(Event event);

    // Emulation thread: runs at most `max_events` events, in order, without holding the lock
    // while an event runs (events call guest code, which may push more). Returns true if events
    // remain.
    bool drain(std::size_t max_events);

    // Emulation thread: runs the oldest event; false when there was none.
    bool run_one();

    void clear();
    bool empty() const;

private:
    mutable std::mutex mutex_;
    std::deque<Event> events_;
};

}  // namespace mtb
