// SPDX-License-Identifier: GPL-2.0-or-later
#include "exception_frames.h"

#include <string>

#include "low_memory.h"

namespace mtb::machine {

bool push_level1_frame(Cpu &cpu, GuestRam &ram, uint32_t resume_pc) {
  const uint32_t sr = cpu.sr();
  if (interrupt_mask(sr) >= 1) return false;
  // Supervisor first so that A7 is the supervisor stack; clear trace bits; mask = 1.
  cpu.set_sr(((sr | 0x2000) & ~0xC700u) | 0x0100);
  uint32_t sp = cpu.a(7);
  if (cpu.model() == CpuModel::M68020) {
    sp -= 2;
    ram.w16(sp, static_cast<uint16_t>(lowmem::kLevel1Vector * 4));  // format 0, vector offset
  }
  sp -= 4;
  ram.w32(sp, resume_pc);
  sp -= 2;
  ram.w16(sp, static_cast<uint16_t>(sr));
  cpu.set_a(7, sp);
  return true;
}

uint32_t pop_exception_frame(Cpu &cpu, GuestRam &ram) {
  uint32_t sp = cpu.a(7);
  const uint16_t sr = ram.r16(sp);
  const uint32_t pc = ram.r32(sp + 2);
  uint32_t frame_size = 6;
  if (cpu.model() == CpuModel::M68020) {
    const uint16_t format = ram.r16(sp + 6) >> 12;
    if (format != 0)
      throw GuestMemoryError("RTE with an exception frame of format " + std::to_string(format) +
                             " (the machine only builds format 0)");
    frame_size = 8;
  }
  // A7 while still in supervisor mode, then SR (which may select another stack).
  cpu.set_a(7, sp + frame_size);
  cpu.set_sr(sr);
  return pc;
}

}  // namespace mtb::machine
