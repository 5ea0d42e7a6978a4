// Human-readable CPU state for fault and timeout reports: PC, the opcode word there, SR and
// every register, so a failing guest test says where it died without a debugger.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstdint>
#include <string>

#include "cpu.h"
#include "guest_ram.h"

namespace mtb::machine {

std::string describe_cpu_state(const Cpu &cpu, const GuestRam &ram);
// Name of a 68k exception vector number as Unicorn reports it in UC_HOOK_INTR.
std::string exception_name(uint32_t intno);
std::string hex32(uint32_t v);
std::string hex16(uint32_t v);

}  // namespace mtb::machine
