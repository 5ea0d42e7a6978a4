// 68k exception frames, built and unwound by the host: Unicorn 2.0.1 never vectors an
// exception through guest memory and hands RTE to the INTR hook (notes section 5).
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstdint>

#include "cpu.h"
#include "guest_ram.h"

namespace mtb::machine {

// Takes a level-1 autovector interrupt now if the SR mask allows it: pushes the frame
// (68000: SR + PC; 68020: format-0 frame with vector offset), raises the mask to 1, enters
// supervisor mode. Returns false (nothing changed) when masked. `resume_pc` is what RTE
// returns to. The caller then continues at its level-1 handler.
bool push_level1_frame(Cpu &cpu, GuestRam &ram, uint32_t resume_pc);

// Emulates RTE: pops the frame pushed by push_level1_frame (or by any 68000/format-0 frame),
// restores SR and returns the PC to continue at. Throws GuestMemoryError on an unsupported
// frame format.
uint32_t pop_exception_frame(Cpu &cpu, GuestRam &ram);

inline int interrupt_mask(uint32_t sr) { return static_cast<int>((sr >> 8) & 7); }

}  // namespace mtb::machine
