// SPDX-License-Identifier: GPL-2.0-or-later
#include "driver/driver_core.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "driver/mactcp_codes.h"
#include "guest/pb_layout.h"
#include "net/live_host_io.h"

namespace mtb {

namespace hdr = layout::header;

namespace {

// Driver entry points (mtb_emul_op_selector in abi.h; the guest driver passes it in d0).
enum : uint32_t { kOpen = 0, kPrime = 1, kControl = 2, kStatus = 3, kClose = 4 };

// Events handled per interrupt before the rest is left for a re-raised one, so the guest's
// 60 Hz tasks keep running under a flood (emulator-integration section 5.7 rule 6).
constexpr std::size_t kMaxEventsPerInterrupt = 64;

// How long task-level guest code gets between two full batches of interrupt-level work.
constexpr auto kInterruptBreather = std::chrono::microseconds(500);

// Bytes of the parameter block each csCode may read and write (mactcp-reference section 3).
// Ordinary UDP calls get 52 so that MacTCP 1.x applications' shorter blocks are never
// written past; only the Multi calls use the 58-byte layout.
uint32_t pb_size_for(uint16_t cs_code) {
    if (cs_code >= 30 && cs_code <= 49) return layout::tcp::size;
    if (cs_code >= 27 && cs_code <= 29) return layout::udp::size;
    if (cs_code >= 20 && cs_code <= 26) return layout::udp::sizeOld;
    switch (cs_code) {
    case 15: return layout::get_addr::size;
    case 17: return layout::icmp_echo::replySize;
    case 19: return layout::lap_stats_pb::lapStatsPtr.end();
    default: return hdr::size;
    }
}

// A block that does not fit in RAM cannot be a real request. TCP and UDP calls answer
// invalidStreamPtr (their stream field is unreadable); the others controlErr.
int16_t truncated_pb_result(uint16_t cs_code) {
    return (cs_code >= 20 && cs_code <= 49) ? err::invalidStreamPtr : err::controlErr;
}

uint32_t as_d0(int16_t result) { return static_cast<uint32_t>(static_cast<int32_t>(result)); }

}  // namespace

DriverCore::DriverCore(HostEnvironment &host, GuestCpu &cpu) : DriverCore(host, cpu, nullptr) {}

DriverCore::DriverCore(HostEnvironment &host, GuestCpu &cpu, net::HostIo *io)
    : owned_io_(io == nullptr ? std::make_unique<net::LiveHostIo>(host) : nullptr), io_(io != nullptr ? io : owned_io_.get()),
      host_(&host), log_(host), callbacks_(cpu) {
    if (auto level = host.pref("ipplog")) log_.set_level(Logger::parse_level(*level, LogLevel::warning));
    callbacks_.set_trace(&trace_);
    if (auto trace = host.pref("ipptrace"); trace && !trace->empty()) {
        recorder_ = std::make_unique<RecordingHostIo>(*io_, &trace_);
        io_ = recorder_.get();
    }
    if (auto allow = host.pref("ippallow")) {
        if (auto problem = outgoing_.configure(*allow))
            log_.error("{}: the guest may reach no address until the pref is fixed", *problem);
        else
            log_.info("outgoing traffic restricted to {}", *allow);
    }
    if (auto listen = host.pref("ipplisten"))
        if (auto problem = listen_.configure(*listen)) log_.error("{}", *problem);
}

DriverCore::~DriverCore() { shutdown(); }

uint32_t DriverCore::guest_ticks() {
    constexpr uint32_t kTicks = 0x16A;
    if (auto ticks = memory_.read32(kTicks)) return *ticks;
    if (auto ticks = host_->read_low_memory32(kTicks)) {
        if (trace_.enabled()) trace_.host("low_memory32", fmt::format(R"(,"addr":{},"value":{})", kTicks, *ticks));
        return *ticks;
    }
    const auto since_epoch = std::chrono::duration_cast<std::chrono::milliseconds>(io_->now().time_since_epoch());
    return static_cast<uint32_t>(since_epoch.count() * 60 / 1000);
}

void DriverCore::start_trace(TraceHeader header) {
    const auto value = host_->pref("ipptrace");
    if (!value || value->empty()) return;
    const auto spec = parse_trace_spec(*value);
    if (!spec) {
        log_.error("ipptrace \"{}\" is not FILE or FILE max=SIZE: no trace recorded", *value);
        return;
    }
    header.emulator = host_->emulator_name();
    for (const char *name : {"ippplugin", "ipplisten", "ippportmap", "ippallow", "ipplog", "ipptrace", "ippdns", "ippicmp",
                             "ipptls", "ipptlsca"})
        header.prefs.emplace_back(name, host_->pref(name));
    const GuestMemory ram = host_->memory();
    if (ram.valid()) {
        header.ram_base = ram.base();
        header.ram_size = ram.size();
        traced_ram_ = {ram.base(), ram.size()};
    }
    if (trace_.open(*spec, header))
        log_.warning("recording a trace of every guest call to {}", spec->path);
    else
        log_.error("cannot write the trace file {}", spec->path);
}

void DriverCore::interpose(const std::function<std::unique_ptr<net::HostIo>(net::HostIo &below)> &make) {
    net::HostIo &below = recorder_ ? recorder_->inner() : *io_;
    interposed_ = make(below);
    if (recorder_) {
        recorder_ = std::make_unique<RecordingHostIo>(*interposed_, &trace_);
        io_ = recorder_.get();
    } else {
        io_ = interposed_.get();
    }
}

void DriverCore::add_service(uint16_t first_cs_code, uint16_t last_cs_code, Service &service) {
    services_.push_back({first_cs_code, last_cs_code, &service});
}

void DriverCore::refresh_memory() {
    memory_ = host_->memory();
    if (trace_.enabled()) [[unlikely]] {
        memory_.set_observer(&trace_);
        if (memory_.valid() && traced_ram_ != std::pair(memory_.base(), memory_.size())) {
            traced_ram_ = {memory_.base(), memory_.size()};
            trace_.ram(memory_.base(), memory_.size());
        }
    }
    if (!memory_.valid() && !said_no_memory_) {
        said_no_memory_ = true;
        log_.error("the host offers no contiguous guest RAM (Basilisk II \"banks\" addressing?): "
                   "every call will fail until it does");
    }
}

// CPU time of the emulation thread, not wall time: a busy host preempting us is not our work
// (slow_call_watch.h: no CPU-clock syscall for a call that stayed under the limit in wall time).
void DriverCore::warn_if_slow(const char *what, SlowCallWatch::Clock::time_point started) {
    if (const auto held = slow_calls_.over_limit(*io_, started)) {
        log_.warning("{} held the emulation thread for {} us of CPU",
                     what, std::chrono::duration_cast<std::chrono::microseconds>(*held).count());
    }
}

void DriverCore::emul_op(GuestRegs &regs) {
    if (shut_down_) {
        regs.d[0] = as_d0(err::notOpenErr);
        return;
    }
    const bool outermost = trap_depth_ == 0 && interrupt_depth_ == 0;
    const auto started = outermost ? slow_calls_.begin(*io_) : SlowCallWatch::Clock::time_point{};
    refresh_memory();
    ++trap_depth_;
    switch (regs.d[0]) {
    case kOpen: {
        const uint32_t dce = regs.a[1];
        const auto driver = memory_.read32(dce + layout::dce::dCtlDriver.offset);
        if (driver && callbacks_.set_driver_base(memory_, *driver)) {
            log_.info("driver opened, image at 0x{:08x}", *driver);
            regs.d[0] = as_d0(err::noErr);
        } else {
            log_.error("Open: the DCE at 0x{:08x} does not point at our driver image", dce);
            regs.d[0] = as_d0(err::ipLoadErr);
        }
        break;
    }
    case kClose:
        regs.d[0] = as_d0(err::closErr);  // MacTCP cannot be closed (mactcp-reference 1.1)
        break;
    case kControl:
        dispatch_control(regs);
        break;
    case kPrime:
    case kStatus: {
        const int16_t result = regs.d[0] == kPrime ? err::readErr : err::statusErr;
        if (memory_.contains(regs.a[0], hdr::size)) memory_.write16(regs.a[0] + hdr::ioResult.offset, static_cast<uint16_t>(result));
        regs.d[0] = as_d0(result);
        break;
    }
    default:
        // Not one of our driver's entries: answer the request anyway, so that a caller waiting
        // on ioResult is not left spinning forever.
        log_.error("unknown driver entry selector {}", regs.d[0]);
        if (memory_.contains(regs.a[0], hdr::size))
            memory_.write16(regs.a[0] + hdr::ioResult.offset, static_cast<uint16_t>(err::controlErr));
        regs.d[0] = as_d0(err::controlErr);
        break;
    }
    --trap_depth_;
    if (outermost) warn_if_slow("emul_op", started);
}

void DriverCore::dispatch_control(GuestRegs &regs) {
    const uint32_t pb_address = regs.a[0];
    if (!memory_.contains(pb_address, hdr::size)) {
        log_.warning("Control with a parameter block outside guest RAM (0x{:08x})", pb_address);
        regs.d[0] = as_d0(err::controlErr);
        return;
    }
    const uint16_t cs_code = memory_.read16(pb_address + hdr::csCode.offset).value_or(0);
    auto pb = ParamBlock::at(memory_, pb_address, pb_size_for(cs_code));
    int16_t result;
    if (!pb) {
        result = truncated_pb_result(cs_code);
        log_.warning("{}: parameter block 0x{:08x} runs past guest RAM", cs_code_name(cs_code), pb_address);
        memory_.write16(pb_address + hdr::ioResult.offset, static_cast<uint16_t>(result));
    } else {
        const uint16_t trap = pb->get(hdr::ioTrap);
        Call call{*pb, cs_code, (trap & hdr::trapAsyncBit) != 0, pb->get(hdr::ioCompletion), regs.a[5]};
        trace_.control(cs_code, pb_address, call.async, call.completion);
        pb->set(hdr::ioResult, static_cast<uint16_t>(err::inProgress));
        const Outcome outcome = dispatch(call);
        if (outcome) memory_.write16(pb_address + hdr::ioResult.offset, static_cast<uint16_t>(*outcome));
        if (!outcome) {
            regs.d[0] = as_d0(err::inProgress);
            return;
        }
        result = *outcome;
    }
    regs.d[0] = as_d0(result);
    if (result != err::noErr) log_.info("{} -> {}", cs_code_name(cs_code), result_name(result));
}

Outcome DriverCore::dispatch(Call &call) {
    if (call.cs_code == static_cast<uint16_t>(CsCode::killIO)) {
        kill_io();
        return err::noErr;
    }
    for (const ServiceRange &range : services_) {
        if (call.cs_code >= range.first && call.cs_code <= range.last) return range.service->handle(call);
    }
    // Unknown csCodes (16, 18, 33, 44..49, anything else): the conventional controlErr;
    // the reference leaves the real driver's answer unconfirmed.
    return err::controlErr;
}

// _KillIO on .IPP: every outstanding request of the driver ends with abortErr, exactly once.
void DriverCore::kill_io() {
    std::vector<RequestId> ids;
    requests_.for_each_id([&](RequestId id) { ids.push_back(id); });
    for (RequestId id : ids) complete(id, err::abortErr);
}

RequestId DriverCore::begin_pending(const Call &call) {
    PendingRequest request;
    request.pb = call.pb.address();
    request.pb_size = call.pb.size();
    request.cs_code = call.cs_code;
    request.async = call.async;
    request.completion = call.completion;
    request.a5 = call.a5;
    return requests_.add(std::move(request));
}

bool DriverCore::is_deferred(RequestId id) const {
    return std::any_of(deferred_.begin(), deferred_.end(), [id](const Deferred &d) { return d.id == id; });
}

bool DriverCore::complete(RequestId id, int16_t result, const std::function<void(const ParamBlock &)> &outputs) {
    // Completing a deferred request again (abort, KillIO): the newer result replaces it.
    std::erase_if(deferred_, [id](const Deferred &d) { return d.id == id; });
    // A call made by a routine at interrupt level finishes now, with its routine in this same
    // drain, while the drain has budget; past it the whole completion (ioResult and routine
    // together) waits for the next drain, so task level never sees a final ioResult whose
    // routine has not run, and a guest re-issuing from its routines cannot starve task level.
    if (interrupt_depth_ > 0 && trap_depth_ > 0) {
        if (requests_.find(id) == nullptr) return false;
        if (drain_budget_ == 0) {
            deferred_.push_back({id, result, outputs});
            return true;
        }
        --drain_budget_;
    }
    std::optional<PendingRequest> request = requests_.take(id);
    if (!request) return false;
    if (request->timer) timers_.cancel(*request->timer);
    refresh_memory();
    auto pb = ParamBlock::at(memory_, request->pb, request->pb_size);
    if (!pb) return true;  // the guest's RAM changed under us: nothing left to write
    if (outputs) outputs(*pb);
    pb->set(hdr::ioResult, static_cast<uint16_t>(result));  // last: clients poll it
    trace_.complete(request->cs_code, request->pb, result);
    log_.debug("{} pb 0x{:08x} completed: {}", cs_code_name(request->cs_code), request->pb, result_name(result));
    if (request->async && request->completion != 0) {
        deliver([this, completion = request->completion, address = request->pb, result, a5 = request->a5] {
            callbacks_.completion(memory_, completion, address, result, a5);
        });
    }
    return true;
}

void DriverCore::deliver(std::function<void()> guest_call) {
    if (trap_depth_ == 0 && interrupt_depth_ > 0) {
        guest_call();
        return;
    }
    deliveries_.push_back(std::move(guest_call));
    // Queued from a call made at interrupt level: the running drain runs it before it ends;
    // raising now would re-enter interrupt level at once.
    if (interrupt_depth_ == 0) host_->raise_interrupt();
}

void DriverCore::set_request_timeout(RequestId id, Clock::duration after, std::function<void()> on_expiry) {
    PendingRequest *request = requests_.find(id);
    if (request == nullptr) return;
    if (request->timer) timers_.cancel(*request->timer);
    request->timer = schedule(after, std::move(on_expiry));
}

TimerQueue::TimerId DriverCore::schedule(Clock::duration after, std::function<void()> callback) {
    const TimerQueue::TimerId id = timers_.schedule(io_->now() + after, std::move(callback));
    arm_wake_up();
    return id;
}

// The host wakes us at the earliest deadline (Event{wake}); re-armed only for an earlier one.
void DriverCore::arm_wake_up() {
    const auto earliest = timers_.earliest();
    if (!earliest || (wake_armed_for_ && *wake_armed_for_ <= *earliest)) return;
    wake_armed_for_ = *earliest;
    io_->arm_wake_up(*earliest);
}

void DriverCore::interrupt() {
    if (shut_down_) return;
    const bool outermost = trap_depth_ == 0 && interrupt_depth_ == 0;
    const auto started = outermost ? slow_calls_.begin(*io_) : SlowCallWatch::Clock::time_point{};
    refresh_memory();
    ++interrupt_depth_;
    const int saved_trap_depth = trap_depth_;
    trap_depth_ = 0;  // guest code we call from here is at interrupt level, not inside a trap
    drain_budget_ = kMaxEventsPerInterrupt;
    const auto now = outermost ? started : io_->now();  // one clock reading (and trace record) fewer
    if (wake_armed_for_ && *wake_armed_for_ <= now) wake_armed_for_.reset();
    timers_.run_due(now);
    // Work left over by the last drain first, then guest calls queued for interrupt level
    // (they are older), then the host's events.
    for (std::size_t left = next_drain_.size(); left > 0 && !next_drain_.empty(); --left) {
        auto work = std::move(next_drain_.front());
        next_drain_.pop_front();
        work();
    }
    while (drain_budget_ > 0) {
        --drain_budget_;
        if (!deferred_.empty()) {
            Deferred next = std::move(deferred_.front());
            deferred_.pop_front();
            complete(next.id, next.result, next.outputs);
            continue;
        }
        if (!deliveries_.empty()) {
            auto guest_call = std::move(deliveries_.front());
            deliveries_.pop_front();
            guest_call();
            continue;
        }
        net::Event event;
        if (!io_->next_event(event)) {
            ++drain_budget_;
            break;
        }
        // The host's one-shot wake-up fired (its deadline passed while this drain ran, after the
        // due timers ran at its start): nothing is armed any more, so arm_wake_up() below arms
        // it again for the earliest timer, already due or not. Believing it still armed lost the
        // wake-up and the timer with it (a spent drain's breather: receives stalled for good).
        if (event.kind == net::Event::Kind::wake) wake_armed_for_.reset();
        router_.dispatch(event);
    }
    // Same drain: the routines of requests that finished inside it (their ioResult is final).
    // Bounded: past the budget, completions made from routines are deferred, not finished.
    while (!deliveries_.empty()) {
        auto guest_call = std::move(deliveries_.front());
        deliveries_.pop_front();
        guest_call();
    }
    const bool more = drain_budget_ == 0 || !deferred_.empty() || !next_drain_.empty();
    drain_budget_ = 0;
    trap_depth_ = saved_trap_depth;
    --interrupt_depth_;
    arm_wake_up();  // re-arms only for a deadline earlier than the one already armed
    // A full batch with more waiting: let the interrupted task-level code run before the rest,
    // or a guest that re-issues calls from its completion routines against a fast host peer
    // would never leave interrupt level (its main program would starve).
    if (more && !drain_resume_scheduled_) {
        drain_resume_scheduled_ = true;
        schedule(kInterruptBreather, [this] { drain_resume_scheduled_ = false; });
    }
    if (outermost) warn_if_slow("interrupt", started);
}

void DriverCore::reset() {
    for (const ServiceRange &range : services_) range.service->reset();
    requests_.clear();
    timers_.clear();
    deliveries_.clear();
    deferred_.clear();
    next_drain_.clear();
    router_.clear();
    wake_armed_for_.reset();
    io_->arm_wake_up(std::nullopt);
    drain_resume_scheduled_ = false;
    callbacks_.forget();
    memory_ = GuestMemory();
    log_.info("reset: every stream, request and guest address dropped");
}

void DriverCore::shutdown() {
    if (shut_down_) return;
    io_->shutdown();  // every host socket is closed here, whatever state the services are in
    reset();
    shut_down_ = true;
}

}  // namespace mtb
