// SPDX-License-Identifier: GPL-2.0-or-later
#include "process_manager.h"

#include "fault_report.h"
#include "machine.h"

namespace mtb::machine {

namespace {
constexpr uint16_t kGetCurrentProcess = 0x0037;
constexpr uint16_t kWakeUpProcess = 0x003C;
}  // namespace

int16_t ProcessManager::wake_up(uint32_t high, uint32_t low) {
  if (!is_current(high, low)) return kProcNotFound;
  ++wake_up_calls_;
  wake_pending_ = true;
  return 0;
}

bool ProcessManager::take_wake_up() {
  const bool was = wake_pending_;
  wake_pending_ = false;
  return was;
}

// Both calls are FUNCTION (psn: ProcessSerialNumberPtr): OSErr: the stack holds the selector
// word, the pointer, then the result word; the trap pops selector and pointer.
std::optional<uint32_t> dispatch_os_dispatch(Machine &m, uint32_t pc) {
  Cpu &cpu = m.cpu();
  GuestRam &ram = m.ram();
  const uint32_t sp = cpu.a(7);
  const uint16_t selector = ram.r16(sp);
  const uint32_t psn = ram.r32(sp + 2);
  int16_t result = 0;
  switch (selector) {
    case kGetCurrentProcess:
      ram.w32(psn, ProcessManager::kPsnHigh);
      ram.w32(psn + 4, ProcessManager::kPsnLow);
      break;
    case kWakeUpProcess:
      result = m.processes().wake_up(ram.r32(psn), ram.r32(psn + 4));
      break;
    default:
      m.fail("guest fault: unimplemented _OSDispatch selector " + hex16(selector) +
             " (the machine has GetCurrentProcess 0x0037 and WakeUpProcess 0x003c)");
      return std::nullopt;
  }
  ram.w16(sp + 6, static_cast<uint16_t>(result));
  cpu.set_a(7, sp + 6);
  cpu.set_d(0, static_cast<uint32_t>(static_cast<int32_t>(result)));
  return pc + 2;
}

}  // namespace mtb::machine
