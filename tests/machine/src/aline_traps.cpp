// The A-line traps the machine implements. OS traps (bit 11 clear): number in bits 0-7, bit 9/10
// are flags (immediate/async for I/O, clear/sys for the Memory Manager), bit 8 on Gestalt and
// the allocators means "result in a0". Toolbox traps (bit 11 set): number in bits 0-9, Pascal
// stack convention. Anything else ends the run with a clear report instead of limping on.
// SPDX-License-Identifier: GPL-2.0-or-later
#include <string>

#include "fault_report.h"
#include "low_memory.h"
#include "machine.h"
#include "traps.h"

namespace mtb::machine {

namespace {

constexpr int16_t kGestaltUndefSelectorErr = -5551;

void set_result(Cpu &cpu, int32_t result) { cpu.set_d(0, static_cast<uint32_t>(result)); }

std::optional<uint32_t> toolbox_trap(Machine &m, uint16_t word, uint32_t pc) {
  Cpu &cpu = m.cpu();
  switch (word & 0x03FF) {
    case 0x175:  // TickCount: FUNCTION TickCount: LONGINT; result space already on the stack
      m.ram().w32(cpu.a(7), m.update_ticks());
      return pc + 2;
    default:
      m.fail("guest fault: unimplemented Toolbox trap " + hex16(word));
      return std::nullopt;
  }
}

std::optional<uint32_t> gestalt_trap(Machine &m, uint16_t word, uint32_t pc) {
  Cpu &cpu = m.cpu();
  if ((word & 0x0600) != 0) {  // NewGestalt / ReplaceGestalt / GetGestaltProcPtr
    m.fail("guest fault: unimplemented Gestalt variant " + hex16(word));
    return std::nullopt;
  }
  if (auto value = m.gestalt(cpu.d(0))) {
    cpu.set_a(0, *value);
    set_result(cpu, 0);
  } else {
    set_result(cpu, kGestaltUndefSelectorErr);
  }
  return pc + 2;
}

}  // namespace

std::optional<uint32_t> dispatch_aline_trap(Machine &m, uint16_t word, uint32_t pc) {
  if (word & 0x0800) return toolbox_trap(m, word, pc);
  Cpu &cpu = m.cpu();
  MemoryManager &mm = m.memory();
  const bool sys = word & 0x0400;  // Memory Manager: system heap
  switch (word & 0xFF) {
    case 0x00: set_result(cpu, m.devices().trap_open(word, cpu.a(0))); break;
    case 0x01: set_result(cpu, m.devices().trap_close(word, cpu.a(0))); break;
    case 0x02:  // _Read
    case 0x03:  // _Write
    case 0x04:  // _Control
    case 0x05:  // _Status
      set_result(cpu, m.devices().trap_io(word, cpu.a(0)));
      break;
    case 0x06: set_result(cpu, m.devices().trap_kill_io(word, cpu.a(0))); break;
    case 0x1E: {  // NewPtr (every block is zeroed, so the clear bit needs no handling)
      cpu.set_a(0, mm.new_ptr(cpu.d(0), sys));
      set_result(cpu, static_cast<int16_t>(m.ram().r16(lowmem::kMemErr)));
      break;
    }
    case 0x1F: set_result(cpu, mm.dispose_ptr(cpu.a(0))); break;
    case 0x22: {  // NewHandle
      cpu.set_a(0, mm.new_handle(cpu.d(0), sys));
      set_result(cpu, static_cast<int16_t>(m.ram().r16(lowmem::kMemErr)));
      break;
    }
    case 0x23: set_result(cpu, mm.dispose_handle(cpu.a(0))); break;
    case 0x29:  // HLock: blocks never move
    case 0x2A:  // HUnlock
      set_result(cpu, mm.check_handle(cpu.a(0)));
      break;
    case 0x2E: set_result(cpu, mm.block_move(cpu.a(0), cpu.a(1), cpu.d(0))); break;
    case 0x3B: {  // Delay: a0 = ticks -> d0 = Ticks at the end
      const uint32_t until = m.update_ticks() + cpu.a(0);
      if (!m.host_wait([&] { return m.update_ticks() >= until; })) return std::nullopt;
      cpu.set_d(0, m.update_ticks());
      break;
    }
    case 0xAD: return gestalt_trap(m, word, pc);
    default:
      m.fail("guest fault: unimplemented OS trap " + hex16(word));
      return std::nullopt;
  }
  if (cpu.stopping()) return std::nullopt;
  return pc + 2;
}

}  // namespace mtb::machine
