// SPDX-License-Identifier: GPL-2.0-or-later
#include "fault_report.h"

#include <cstdio>

namespace mtb::machine {

std::string hex32(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", v);
  return buf;
}

std::string hex16(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%04x", v & 0xFFFF);
  return buf;
}

std::string exception_name(uint32_t intno) {
  switch (intno) {
    case 2: return "bus error";
    case 3: return "address error";
    case 4: return "illegal instruction";
    case 5: return "division by zero";
    case 6: return "CHK";
    case 7: return "TRAPV";
    case 8: return "privilege violation";
    case 9: return "trace";
    case 10: return "A-line trap";
    case 11: return "F-line (coprocessor) instruction";
    case 0x100: return "RTE";
    default:
      if (intno >= 32 && intno < 48) return "TRAP #" + std::to_string(intno - 32);
      return "exception vector " + std::to_string(intno);
  }
}

std::string describe_cpu_state(const Cpu &cpu, const GuestRam &ram) {
  const uint32_t pc = cpu.pc();
  std::string s = "PC=" + hex32(pc);
  s += ram.contains(pc, 2) ? " opcode=" + hex16(ram.r16(pc)) : " opcode=(outside RAM)";
  s += " SR=" + hex16(cpu.sr()) + "\n D:";
  for (int i = 0; i < 8; ++i) s += " " + hex32(cpu.d(i));
  s += "\n A:";
  for (int i = 0; i < 8; ++i) s += " " + hex32(cpu.a(i));
  return s;
}

}  // namespace mtb::machine
