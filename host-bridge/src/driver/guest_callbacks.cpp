// SPDX-License-Identifier: GPL-2.0-or-later
#include "driver/guest_callbacks.h"

#include <cstring>

#include "mactcp_bridge/ipp_driver_image.h"

namespace mtb {

namespace image = guest_image::ipp_driver;

// The DRVR header and name: flags, delay, masks, entry offsets, ".IPP".
static constexpr uint32_t kSignatureBytes = 23;

bool GuestCallbacks::set_driver_base(const GuestMemory &memory, uint32_t base) {
    if (base % 2 != 0 || !memory.contains(base, image::image_size)) return false;
    uint8_t header[kSignatureBytes];
    if (!memory.read(base, header, sizeof header)) return false;
    if (std::memcmp(header, image::image, sizeof header) != 0) return false;
    base_ = base;
    return true;
}

uint32_t GuestCallbacks::scratch() const { return base_ + image::symbol::ipp_scratch; }

uint32_t GuestCallbacks::scratch_size() {
    return image::symbol::ipp_driver_end - image::symbol::ipp_scratch;
}

bool GuestCallbacks::callable(const GuestMemory &memory, uint32_t routine) const {
    return base_ != 0 && routine != 0 && routine % 2 == 0 && memory.contains(routine, 2);
}

bool GuestCallbacks::run(uint32_t trampoline_offset, GuestRegs &regs) {
    const bool ran = cpu_->call(base_ + trampoline_offset, regs);
    if (trace_) trace_->callback_return(ran);
    return ran;
}

bool GuestCallbacks::completion(const GuestMemory &memory, uint32_t routine, uint32_t pb, int16_t result,
                                uint32_t a5) {
    if (!callable(memory, routine)) return false;
    GuestRegs regs;
    regs.a[0] = pb;
    regs.a[1] = routine;
    regs.d[0] = static_cast<uint32_t>(static_cast<int32_t>(result));
    regs.a[5] = a5;
    if (trace_) trace_->callback("completion", routine, {pb, static_cast<uint32_t>(static_cast<int32_t>(result))});
    return run(image::symbol::ipp_tramp_completion, regs);
}

bool GuestCallbacks::tcp_asr(const GuestMemory &memory, uint32_t routine, uint32_t stream, uint16_t event,
                             uint32_t user_data, uint16_t reason, uint32_t icmp_report, uint32_t a5) {
    if (!callable(memory, routine)) return false;
    GuestRegs regs;
    regs.a[3] = routine;
    regs.a[0] = stream;
    regs.d[0] = event;
    regs.a[2] = user_data;
    regs.d[1] = reason;
    regs.a[1] = icmp_report;
    regs.a[5] = a5;
    if (trace_) trace_->callback("tcp_asr", routine, {stream, event, user_data, reason, icmp_report});
    return run(image::symbol::ipp_tramp_tcp_asr, regs);
}

bool GuestCallbacks::udp_asr(const GuestMemory &memory, uint32_t routine, uint32_t stream, uint16_t event,
                             uint32_t user_data, uint32_t icmp_report, uint32_t a5) {
    if (!callable(memory, routine)) return false;
    GuestRegs regs;
    regs.a[3] = routine;
    regs.a[0] = stream;
    regs.d[0] = event;
    regs.a[2] = user_data;
    regs.a[1] = icmp_report;
    regs.a[5] = a5;
    if (trace_) trace_->callback("udp_asr", routine, {stream, event, user_data, icmp_report});
    return run(image::symbol::ipp_tramp_udp_asr, regs);
}

bool GuestCallbacks::pascal_two_longs(const GuestMemory &memory, uint32_t routine, uint32_t first,
                                      uint32_t second, uint32_t a5) {
    if (!callable(memory, routine)) return false;
    GuestRegs regs;
    regs.a[3] = routine;
    regs.a[0] = first;
    regs.a[1] = second;
    regs.a[5] = a5;
    if (trace_) trace_->callback("pascal_proc", routine, {first, second});
    return run(image::symbol::ipp_tramp_pascal_2l, regs);
}

}  // namespace mtb
