// The A-line traps the machine implements. OS traps (bit 11 clear): number in bits 0-7, bits
// 9/10 are flags (immediate/async for I/O, clear/sys for the Memory Manager, variants for
// Gestalt and GetTrapAddress). Toolbox traps (bit 11 set): number in bits 0-9, Pascal stack
// convention. Anything else ends the run with a clear report instead of limping on; code that
// asks first (GetTrapAddress vs _Unimplemented, the TrapAvailable idiom) sees it as missing.
// SPDX-License-Identifier: GPL-2.0-or-later
#include <algorithm>
#include <string>

#include "event_traps.h"
#include "fault_report.h"
#include "low_memory.h"
#include "machine.h"
#include "traps.h"

namespace mtb::machine {

namespace {

// Every trap the machine implements, as the word its GetTrapAddress stub runs (the OS ones with
// the flag bits the handler needs: _HGetFileInfo's HFS bit, for instance).
constexpr uint16_t kOSTrapWords[] = {0xA000, 0xA001, 0xA002, 0xA003, 0xA004, 0xA005, 0xA006, 0xA20C,
                                     0xA011, 0xA01E, 0xA01F, 0xA022, 0xA023, 0xA029, 0xA02A, 0xA02E,
                                     0xA03B, 0xA046, 0xA260, 0xA064, 0xA0AD};
constexpr uint16_t kToolTraps[] = {
    0x00E /* Get1IndResource */, 0x01A /* HOpenResFile */, 0x023 /* FindFolder */,
    kWaitNextEventTrap, 0x08F /* _OSDispatch */, kGetNextEventTrap, kEventAvailTrap,
    0x175 /* TickCount */, 0x192 /* DetachResource */, 0x194 /* CurResFile */,
    0x198 /* UseResFile */, 0x19A /* CloseResFile */, 0x19D /* GetIndResource */,
    0x1A3 /* ReleaseResource */, 0x1AF /* ResError */, kSystemTaskTrap};
constexpr uint16_t kUnimplementedToolTrap = 0x09F;

bool os_trap_implemented(uint16_t num) {
  return std::any_of(std::begin(kOSTrapWords), std::end(kOSTrapWords),
                     [num](uint16_t word) { return (word & 0xFF) == num; });
}
bool tool_trap_implemented(uint16_t num) {
  return std::find(std::begin(kToolTraps), std::end(kToolTraps), num) != std::end(kToolTraps);
}

void set_result(Cpu &cpu, int32_t result) { cpu.set_d(0, static_cast<uint32_t>(result)); }

std::optional<uint32_t> toolbox_trap(Machine &m, uint16_t word, uint32_t pc) {
  if (ResourceManager::handles(word)) return dispatch_resource_trap(m, word, pc);
  Cpu &cpu = m.cpu();
  switch (word & 0x03FF) {
    case kWaitNextEventTrap:
    case kGetNextEventTrap:
    case kEventAvailTrap:
    case kSystemTaskTrap:
      return dispatch_event_trap(m, word & 0x03FF, pc);
    case 0x08F: return dispatch_os_dispatch(m, pc);  // _OSDispatch: the Process Manager
    case 0x175:  // TickCount: FUNCTION TickCount: LONGINT; result space already on the stack
      m.ram().w32(cpu.a(7), m.update_ticks());
      return pc + 2;
    default:
      m.fail("guest fault: unimplemented Toolbox trap " + hex16(word));
      return std::nullopt;
  }
}

// GetTrapAddress (0xA146, old numbering: < 0x50 is an OS trap), GetOSTrapAddress (0xA346),
// GetToolTrapAddress (0xA746): d0 = trap number -> a0 = address.
void get_trap_address(Machine &m, uint16_t word) {
  Cpu &cpu = m.cpu();
  const uint16_t num = cpu.d(0) & 0x3FF;
  bool tool = false;
  switch (word & 0x0600) {
    case 0x0000: tool = num >= 0x50; break;
    case 0x0200: tool = false; break;
    default: tool = true; break;
  }
  uint32_t addr = lowmem::kUnimplementedStub;
  if (tool && tool_trap_implemented(num))
    addr = lowmem::kToolTrapStubs + num * 4u;
  else if (!tool && num < 0x100 && os_trap_implemented(num))
    addr = lowmem::kOSTrapStubs + num * 4u;
  cpu.set_a(0, addr);
  set_result(cpu, 0);
}

// Calls a guest selector function: FUNCTION (selector: OSType; VAR response: LONGINT): OSErr.
std::optional<int16_t> call_gestalt_proc(Machine &m, uint32_t proc, uint32_t selector,
                                         uint32_t *response) {
  Cpu &cpu = m.cpu();
  GuestRam &ram = m.ram();
  // Below the current stack: the response cell, then the Pascal frame (pushed left to right:
  // result space, selector, VAR response).
  const uint32_t response_addr = (cpu.a(7) & ~1u) - 16;
  const uint32_t args = response_addr - 10;
  ram.w32(response_addr, 0);
  ram.w16(args + 8, 0);
  ram.w32(args + 4, selector);
  ram.w32(args, response_addr);
  GuestRegs regs = cpu.regs();
  if (!cpu.call(proc, regs, args)) return std::nullopt;
  *response = ram.r32(response_addr);
  return static_cast<int16_t>(ram.r16(args + 8));  // the callee popped down to its result
}

std::optional<uint32_t> gestalt_trap(Machine &m, uint16_t word, uint32_t pc) {
  Cpu &cpu = m.cpu();
  GestaltTable &table = m.gestalt();
  const uint32_t selector = cpu.d(0);
  switch (word & 0x0600) {
    case 0x0000: {  // Gestalt: d0 = selector -> a0 = response, d0 = result
      auto entry = table.find(selector);
      if (!entry) {
        set_result(cpu, GestaltTable::kUndefSelectorErr);
        break;
      }
      uint32_t response = entry->value;
      int16_t err = 0;
      if (entry->is_proc) {
        auto result = call_gestalt_proc(m, entry->value, selector, &response);
        if (!result) return std::nullopt;
        err = *result;
      }
      cpu.set_a(0, response);
      set_result(cpu, err);
      break;
    }
    case 0x0200:  // NewGestalt: d0 = selector, a0 = function
      set_result(cpu, table.new_proc(selector, cpu.a(0)));
      break;
    case 0x0400: {  // ReplaceGestalt: d0 = selector, a0 = function -> a0 = old function
      uint32_t old = 0;
      const int16_t err = table.replace_proc(selector, cpu.a(0), &old);
      if (err == 0) cpu.set_a(0, old);
      set_result(cpu, err);
      break;
    }
    default:
      m.fail("guest fault: unimplemented Gestalt variant " + hex16(word));
      return std::nullopt;
  }
  return pc + 2;
}

}  // namespace

void install_trap_stubs(GuestRam &ram) {
  constexpr uint16_t kRts = 0x4E75;
  for (uint16_t word : kOSTrapWords) {
    const uint32_t stub = lowmem::kOSTrapStubs + (word & 0xFFu) * 4u;
    ram.w16(stub, word);
    ram.w16(stub + 2, kRts);
  }
  for (uint16_t num : kToolTraps) {
    ram.w16(lowmem::kToolTrapStubs + num * 4u, static_cast<uint16_t>(0xA800 | num));
    ram.w16(lowmem::kToolTrapStubs + num * 4u + 2, kRts);
  }
  // _Unimplemented itself: calling it is a clear fault ("unimplemented Toolbox trap 0xa89f").
  ram.w16(lowmem::kUnimplementedStub, static_cast<uint16_t>(0xA800 | kUnimplementedToolTrap));
  ram.w16(lowmem::kUnimplementedStub + 2, kRts);
}

std::optional<uint32_t> dispatch_aline_trap(Machine &m, uint16_t word, uint32_t pc) {
  if (word & 0x0800) return toolbox_trap(m, word, pc);
  if (ResourceManager::handles(word) || m.resources().owns_io(word, m.cpu().a(0)))
    return dispatch_resource_trap(m, word, pc);  // HFS, MoveHHi, data forks
  Cpu &cpu = m.cpu();
  MemoryManager &mm = m.memory();
  const bool sys = word & 0x0400;  // Memory Manager: system heap
  // Memory Manager: the clear bit (NewPtrClear, NewHandleClear), as the ROM decides it.
  const BlockContents contents = word & 0x0200 ? BlockContents::cleared : BlockContents::garbage;
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
    case 0x1E: {  // NewPtr
      cpu.set_a(0, mm.new_ptr(cpu.d(0), sys, contents));
      set_result(cpu, static_cast<int16_t>(m.ram().r16(lowmem::kMemErr)));
      break;
    }
    case 0x1F: set_result(cpu, mm.dispose_ptr(cpu.a(0))); break;
    case 0x22: {  // NewHandle
      cpu.set_a(0, mm.new_handle(cpu.d(0), sys, contents));
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
    case 0x46: get_trap_address(m, word); break;
    case 0xAD: return gestalt_trap(m, word, pc);
    default:
      m.fail("guest fault: unimplemented OS trap " + hex16(word));
      return std::nullopt;
  }
  if (cpu.stopping()) return std::nullopt;
  return pc + 2;
}

}  // namespace mtb::machine
