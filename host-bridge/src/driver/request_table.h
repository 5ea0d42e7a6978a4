// Requests that returned inProgress and must complete exactly once.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstdint>
#include <optional>
#include <unordered_map>

#include "driver/timer_queue.h"

namespace mtb {

using RequestId = uint64_t;

struct PendingRequest {
    RequestId id = 0;
    uint32_t pb = 0;          // guest address of the parameter block
    uint32_t pb_size = 0;     // bytes of it we may write (checked at issue)
    uint16_t cs_code = 0;
    bool async = false;       // ioTrap async bit: call ioCompletion when done
    uint32_t completion = 0;  // ioCompletion at issue time
    uint32_t a5 = 0;          // the caller's A5, restored for its completion routine
    std::optional<TimerQueue::TimerId> timer;  // command timeout, if any
};

class RequestTable {
public:
    RequestId add(PendingRequest request);
    PendingRequest *find(RequestId id);
    // Removes and returns the request; empty if it already completed (exactly-once guard).
    std::optional<PendingRequest> take(RequestId id);
    std::size_t size() const { return requests_.size(); }
    // Ids of every pending request, for KillIO and shutdown.
    template <typename Fn>
    void for_each_id(Fn &&fn) const {
        for (const auto &[id, request] : requests_) fn(id);
    }
    void clear() { requests_.clear(); }

private:
    std::unordered_map<RequestId, PendingRequest> requests_;
    RequestId next_id_ = 1;
};

}  // namespace mtb
