// The "held the emulation thread" warning without a CPU-clock syscall per call.
//
// The thread's CPU clock (CLOCK_THREAD_CPUTIME_ID) is a real syscall on Linux, 0.5 us here:
// two per call doubled the cost of a TCPStatus. The wall clock is read in user space (vDSO,
// 25 ns), and a call's CPU time never exceeds its wall time, so a call that took at most the
// limit in wall time needs no CPU reading at all. For the rare call that took longer, the CPU
// time it used is bounded from below by an anchor (wall, CPU) read at most kAnchorAge before
// the call began: the thread cannot have used more CPU between the anchor and the call's start
// than the wall time between them. The warning reports that lower bound, so preemption on a
// busy host (wall time, not work) never triggers it, and a call over the limit by more than
// kAnchorAge always does. One CPU reading per kAnchorAge of wall time at most.
//
// Both clocks are read through the host-operations seam (HostIo::now, thread_cpu_time), so a
// trace records every reading and a replay makes the same decisions (tests/traces/README.md).
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <chrono>
#include <optional>

#include "net/host_io.h"

namespace mtb {

class SlowCallWatch {
public:
    using Clock = net::Clock;
    static constexpr auto kLimit = std::chrono::milliseconds(1);
    static constexpr auto kAnchorAge = std::chrono::microseconds(100);

    // At the start of an outermost call: its wall-clock start (io.now(), usable as the call's now).
    Clock::time_point begin(net::HostIo &io) {
        const auto now = io.now();
        if (now - anchor_wall_ >= kAnchorAge) anchor(now, io.thread_cpu_time());
        return now;
    }

    // At its end: the CPU time it used, at least, when that is over the limit.
    std::optional<Clock::duration> over_limit(net::HostIo &io, Clock::time_point began) {
        const auto now = io.now();
        if (now - began <= kLimit) return std::nullopt;
        const auto cpu = io.thread_cpu_time();
        const auto used = (cpu - anchor_cpu_) - (began - anchor_wall_);
        anchor(now, cpu);
        if (used <= kLimit) return std::nullopt;
        return used;
    }

private:
    void anchor(Clock::time_point wall, Clock::duration cpu) {
        anchor_wall_ = wall;
        anchor_cpu_ = cpu;
    }

    Clock::time_point anchor_wall_{};
    Clock::duration anchor_cpu_{};
};

}  // namespace mtb
