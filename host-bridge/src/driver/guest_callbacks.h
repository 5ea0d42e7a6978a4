// Runs guest callbacks through the driver's trampolines, with their real conventions.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstdint>

#include "mactcp_bridge/guest_cpu.h"
#include "mactcp_bridge/guest_memory.h"
#include "trace/trace_writer.h"

namespace mtb {

class GuestCallbacks {
public:
    explicit GuestCallbacks(GuestCpu &cpu) : cpu_(&cpu) {}
    void set_trace(TraceWriter *trace) { trace_ = trace; }

    // The installed driver image (from the DCE at Open). Refused unless the bytes there are
    // our image's header, so a forged DCE cannot make us jump anywhere.
    bool set_driver_base(const GuestMemory &memory, uint32_t base);
    bool has_driver() const { return base_ != 0; }
    uint32_t driver_base() const { return base_; }
    void forget() { base_ = 0; }

    // Guest RAM owned by the driver (ipp_scratch), for records handed to callbacks.
    uint32_t scratch() const;
    static uint32_t scratch_size();

    // C completion routine: routine(pb), with a0 = pb, d0 = result, a5 = caller's A5.
    bool completion(const GuestMemory &memory, uint32_t routine, uint32_t pb, int16_t result, uint32_t a5);
    // Pascal TCP ASR (stream, event, userData, reason, icmpMsg), registers per the Guide too.
    bool tcp_asr(const GuestMemory &memory, uint32_t routine, uint32_t stream, uint16_t event,
                 uint32_t user_data, uint16_t reason, uint32_t icmp_report, uint32_t a5);
    // Pascal UDP ASR (stream, event, userData, icmpMsg).
    bool udp_asr(const GuestMemory &memory, uint32_t routine, uint32_t stream, uint16_t event,
                 uint32_t user_data, uint32_t icmp_report, uint32_t a5);
    // Pascal procedure of two longs (DNR result procedures, EnumCache).
    bool pascal_two_longs(const GuestMemory &memory, uint32_t routine, uint32_t first, uint32_t second,
                          uint32_t a5);

private:
    bool callable(const GuestMemory &memory, uint32_t routine) const;
    bool run(uint32_t trampoline_offset, GuestRegs &regs);

    GuestCpu *cpu_;
    TraceWriter *trace_ = nullptr;
    uint32_t base_ = 0;
};

}  // namespace mtb
