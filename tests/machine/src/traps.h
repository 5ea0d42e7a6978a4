// Trap decoding: A-line Toolbox/OS traps and the machine's 0x71xx host calls. Each returns the
// PC to continue at, or nullopt after ending the run (exit or fault).
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstdint>
#include <optional>

namespace mtb::machine {

class Machine;
class GuestRam;

// Writes the per-trap stubs GetTrapAddress hands out (low_memory.h kOSTrapStubs...).
void install_trap_stubs(GuestRam &ram);

std::optional<uint32_t> dispatch_aline_trap(Machine &m, uint16_t word, uint32_t pc);
std::optional<uint32_t> dispatch_host_call(Machine &m, uint16_t word, uint32_t pc);

}  // namespace mtb::machine
