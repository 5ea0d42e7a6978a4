// SPDX-License-Identifier: GPL-2.0-or-later
#include "event_traps.h"

#include <string>

#include "machine.h"

namespace mtb::machine {

namespace {

constexpr uint16_t kNullEvent = 0;
constexpr uint16_t kBtnState = 0x0080;  // modifiers bit 7: the mouse button is up

// EventRecord: what (0), message (2), when (6), where (10: v, h), modifiers (14).
void write_null_event(Machine &m, uint32_t event) {
  GuestRam &ram = m.ram();
  ram.w16(event, kNullEvent);
  ram.w32(event + 2, 0);
  ram.w32(event + 6, m.update_ticks());
  ram.w32(event + 10, 0);  // the mouse rests at (0, 0)
  ram.w16(event + 14, kBtnState);
}

}  // namespace

std::optional<uint32_t> dispatch_event_trap(Machine &m, uint16_t trap, uint32_t pc) {
  Cpu &cpu = m.cpu();
  GuestRam &ram = m.ram();
  const uint32_t sp = cpu.a(7);
  m.deliver_pending_interrupt();
  if (cpu.stopping()) return std::nullopt;
  switch (trap) {
    case kSystemTaskTrap:  // PROCEDURE SystemTask
      return pc + 2;
    case kGetNextEventTrap:  // FUNCTION (eventMask: INTEGER; VAR theEvent: EventRecord): BOOLEAN
    case kEventAvailTrap: {
      write_null_event(m, ram.r32(sp));
      ram.w16(sp + 6, 0);  // FALSE (a Pascal Boolean is the high byte of its word)
      cpu.set_a(7, sp + 6);
      return pc + 2;
    }
    case kWaitNextEventTrap: {
      // FUNCTION (eventMask: INTEGER; VAR theEvent: EventRecord; sleep: LONGINT;
      //           mouseRgn: RgnHandle): BOOLEAN
      const uint32_t sleep = ram.r32(sp + 4);
      const uint32_t event = ram.r32(sp + 8);
      if (!m.processes().take_wake_up() && sleep > 0) {
        const uint64_t until = uint64_t{m.update_ticks()} + sleep;
        if (!m.host_wait([&] { return m.processes().take_wake_up() || m.update_ticks() >= until; }))
          return std::nullopt;
      }
      write_null_event(m, event);
      ram.w16(sp + 14, 0);  // FALSE
      cpu.set_a(7, sp + 14);
      return pc + 2;
    }
    default:
      m.fail("guest fault: Toolbox trap " + std::to_string(trap) + " is not an Event Manager trap");
      return std::nullopt;
  }
}

}  // namespace mtb::machine
