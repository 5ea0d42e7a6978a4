// The bridge's engine: dispatch by csCode, pending requests, completion and callback delivery.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>

#include "driver/call.h"
#include "driver/guest_callbacks.h"
#include "driver/logger.h"
#include "driver/request_table.h"
#include "driver/slow_call_watch.h"
#include "driver/timer_queue.h"
#include "net/event_router.h"
#include "net/host_io.h"
#include "policy/listen_address.h"
#include "policy/outgoing_policy.h"
#include "trace/recording_host_io.h"
#include "trace/trace_writer.h"
#include "mactcp_bridge/guest_cpu.h"
#include "mactcp_bridge/host_environment.h"

namespace mtb {

class DriverCore {
public:
    using Clock = TimerQueue::Clock;

    // With the live host (Linux sockets, the network thread, the real clock).
    DriverCore(HostEnvironment &host, GuestCpu &cpu);
    // With any host: a trace replay, the fuzzer's scripted host, a TLS or recording decorator.
    // `io` must outlive the DriverCore.
    DriverCore(HostEnvironment &host, GuestCpu &cpu, net::HostIo &io) : DriverCore(host, cpu, &io) {}
    // `io` null: the live host.
    DriverCore(HostEnvironment &host, GuestCpu &cpu, net::HostIo *io);
    ~DriverCore();

    // --- entry points from the host (emulation thread) -------------------------------------
    void emul_op(GuestRegs &regs);
    void interrupt();
    void reset();
    void shutdown();

    void add_service(uint16_t first_cs_code, uint16_t last_cs_code, Service &service);
    // Puts a decorator of the host layer (TLS over chosen sockets) between the host and the
    // trace recorder, so a trace records what the services see. `make` gets the layer to wrap.
    // Once, at construction, before any socket is opened.
    void interpose(const std::function<std::unique_ptr<net::HostIo>(net::HostIo &below)> &make);
    // `ipptrace`: starts recording when the pref names a file. `header` brings the host network;
    // the emulator, prefs and RAM are filled in here.
    void start_trace(TraceHeader header);

    // --- services' toolbox (emulation thread unless noted) ---------------------------------
    GuestMemory &memory() { return memory_; }
    Logger &log() { return log_; }
    HostEnvironment &host() { return *host_; }
    // Every host operation, the clock and the host's events (net/host_io.h).
    net::HostIo &io() { return *io_; }
    net::EventRouter &router() { return router_; }
    Clock::time_point now() { return io_->now(); }
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


    // Runs guest code now when at interrupt level, or queues it for the next interrupt when
    // called from inside a trap (completion routines and ASRs always run at interrupt level).
    void deliver(std::function<void()> guest_call);

    bool inside_trap() const { return trap_depth_ > 0; }

    // False while a call made by a routine at interrupt level may not finish a request: the
    // running drain has spent its budget (fairness to task level). A service then leaves the
    // request pending as it is (data stays buffered, TCPAbort still finds it) and resumes at
    // the next drain; complete() called anyway defers the whole completion to that drain.
    // A completion made while completion_allowed() was false, waiting for the next drain. A
    // later complete() of the same request replaces it (TCPAbort, KillIO, reset).
    bool is_deferred(RequestId id) const;
    bool completion_allowed() const { return !(interrupt_depth_ > 0 && trap_depth_ > 0 && drain_budget_ == 0); }
    // Runs `work` at the start of the next interrupt drain (which a spent drain always asks for).
    void at_next_drain(std::function<void()> work) { next_drain_.push_back(std::move(work)); }

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
    void warn_if_slow(const char *what, SlowCallWatch::Clock::time_point started);

    struct ServiceRange {
        uint16_t first, last;
        Service *service;
    };

    std::unique_ptr<net::HostIo> owned_io_;  // the live host, unless one was injected
    net::HostIo *io_;
    std::unique_ptr<net::HostIo> interposed_;  // see interpose(): below the recorder
    net::EventRouter router_;
    HostEnvironment *host_;
    Logger log_;
    TraceWriter trace_;
    std::unique_ptr<RecordingHostIo> recorder_;  // `ipptrace`: wraps io_, so every host result is recorded
    OutgoingPolicy outgoing_;
    ListenAddress listen_;
    GuestMemory memory_;
    GuestCallbacks callbacks_;
    RequestTable requests_;
    TimerQueue timers_;
    // Guest calls (completion routines, ASRs) waiting for interrupt level. Emulation thread.
    std::deque<std::function<void()>> deliveries_;
    // Completions made from routines after the drain's budget ran out: finished next drain.
    struct Deferred {
        RequestId id;
        int16_t result;
        std::function<void(const ParamBlock &)> outputs;
    };
    std::deque<Deferred> deferred_;
    std::deque<std::function<void()>> next_drain_;
    std::size_t drain_budget_ = 0;  // work left in the running interrupt drain
    std::vector<ServiceRange> services_;
    int trap_depth_ = 0;
    int interrupt_depth_ = 0;
    std::optional<Clock::time_point> wake_armed_for_;
    bool drain_resume_scheduled_ = false;
    bool said_no_memory_ = false;
    std::pair<uint32_t, uint32_t> traced_ram_{0, 0};  // RAM base and size the trace last recorded
    bool shut_down_ = false;
    SlowCallWatch slow_calls_;
};

}  // namespace mtb
