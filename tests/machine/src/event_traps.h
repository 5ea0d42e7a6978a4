// The Event Manager calls every event loop makes, as idle points: WaitNextEvent, GetNextEvent,
// EventAvail and SystemTask. The machine has no keyboard, mouse or windows, so there is never
// an event: each call delivers the plugin's pending interrupt (when the guest's mask allows
// it), and WaitNextEvent also sleeps up to its `sleep` ticks, servicing interrupts meanwhile,
// until WakeUpProcess (process_manager.h) wakes it. The event functions return FALSE with a
// null event, as Inside Macintosh describes.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstdint>
#include <optional>

namespace mtb::machine {

class Machine;

// Toolbox trap numbers (word & 0x3FF) handled here.
inline constexpr uint16_t kWaitNextEventTrap = 0x060;
inline constexpr uint16_t kGetNextEventTrap = 0x170;
inline constexpr uint16_t kEventAvailTrap = 0x171;
inline constexpr uint16_t kSystemTaskTrap = 0x1B4;

std::optional<uint32_t> dispatch_event_trap(Machine &m, uint16_t trap, uint32_t pc);

}  // namespace mtb::machine
