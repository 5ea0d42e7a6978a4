// The bridge's engine: dispatch by csCode, pending requests, completion and callback delivery.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>

#include <boost/asio/steady_timer.hpp>

#include "driver/call.h"
#include "driver/event_queue.h"
#include "driver/guest_callbacks.h"
#include "driver/listen_address.h"
#include "driver/logger.h"
#include "driver/network_thread.h"
#include "driver/outgoing_policy.h"
#include "driver/request_table.h"
#include "driver/timer_queue.h"
#include "trace/trace_writer.h"
#include "mactcp_bridge/guest_cpu.h"
#include "mactcp_bridge/host_environment.h"

namespace mtb {

class DriverCore {
public:
    using Clock = TimerQueue::Clock;

    DriverCore(HostEnvironment &host, GuestCpu &cpu);
    ~DriverCore();

    // --- entry points from the host (emulation thread) -------------------------------------
    void emul_op(GuestRegs &regs);
    void interrupt();
    void reset();
    void shutdown();

    void add_service(uint16_t first_cs_code, uint16_t last_cs_code, Service &service);
    // `ipptrace`: starts recording when the pref names a file. `header` brings the host network;
    // the emulator, prefs and RAM are filled in here.
    void start_trace(TraceHeader header);

    // --- services' toolbox (emulation thread unless noted) ---------------------------------
    GuestMemory &memory() { return memory_; }
    Logger &log() { return log_; }
    HostEnvironment &host() { return *host_; }
    NetworkThread &net() { return net_; }
    GuestCallbacks &callbacks() { return callbacks_; }
    TraceWriter &trace() { return trace_; }
    // `ippallow`: check every guest-chosen destination before connecting or sending to it.
    const OutgoingPolicy &outgoing() const { return outgoing_; }
    // `ipplisten`: where other hosts may reach the guest (TCP listeners, UDP streams, ICMP).
    const ListenAddress &listen() const { return listen_; }

    // Registers a call that returned inProgress.
    RequestId begin_pending(const Call &call);
    bool is_pending(RequestId id) { return requests_.find(id) != nullptr; }
    const PendingRequest *pending(RequestId id) { return requests_.find(id); }

    // Finishes a pending request exactly once: `outputs` writes result fields into the pb,
    // then ioResult is written, then ioCompletion runs (async calls only). Returns false if
    // the request had already completed.
    bool complete(RequestId id, int16_t result, const std::function<void(const ParamBlock &)> &outputs = {});

    // A timer owned by a pending request: cancelled when the request completes.
    void set_request_timeout(RequestId id, Clock::duration after, std::function<void()> on_expiry);
    TimerQueue::TimerId schedule(Clock::duration after, std::function<void()> callback);
    void cancel_timer(TimerQueue::TimerId id) { timers_.cancel(id); }

    // Any thread: run `event` on the emulation thread at interrupt level. Events queued
    // before a reset are dropped.
    void post_event(std::function<void()> event);

    // Runs guest code now when at interrupt level, or queues it for the next interrupt when
    // called from inside a trap (completion routines and ASRs always run at interrupt level).
    void deliver(std::function<void()> guest_call);

    bool inside_trap() const { return trap_depth_ > 0; }

    // The guest's Ticks (low-memory 0x16A, 60 Hz), for records stamped in guest time (ICMP
    // echo). Read through the host where low memory lies outside RAM; if nothing can read it,
    // a 60 Hz count from the host clock keeps differences meaningful.
    uint32_t guest_ticks();

private:
    void dispatch_control(GuestRegs &regs);
    Outcome dispatch(Call &call);
    void kill_io();
    void arm_wake_up();
    void refresh_memory();
    void warn_if_slow(const char *what, Clock::time_point started);

    struct ServiceRange {
        uint16_t first, last;
        Service *service;
    };

    HostEnvironment *host_;
    Logger log_;
    TraceWriter trace_;
    OutgoingPolicy outgoing_;
    ListenAddress listen_;
    GuestMemory memory_;
    GuestCallbacks callbacks_;
    RequestTable requests_;
    TimerQueue timers_;
    EventQueue events_;
    std::vector<ServiceRange> services_;
    std::atomic<uint64_t> generation_{0};
    int trap_depth_ = 0;
    int interrupt_depth_ = 0;
    std::optional<Clock::time_point> wake_armed_for_;
    bool drain_resume_scheduled_ = false;
    bool said_no_memory_ = false;
    std::pair<uint32_t, uint32_t> traced_ram_{0, 0};  // RAM base and size the trace last recorded
    bool shut_down_ = false;
    NetworkThread net_;  // last: its thread stops before the state above goes away
    boost::asio::steady_timer wake_timer_;  // network thread only
};

}  // namespace mtb
