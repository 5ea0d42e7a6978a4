// The 0x71xx host calls (mtb_guest_abi.h): the guest runtime's own (exit, print, params, idle)
// and the words the machine plants in guest memory (plugin EMUL_OP, interrupt, IODone).
// SPDX-License-Identifier: GPL-2.0-or-later
#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <string>

#include "fault_report.h"
#include "low_memory.h"
#include "machine.h"
#include "traps.h"

namespace mtb::machine {

namespace {

constexpr uint32_t kMaxPrint = 1u << 20;
constexpr uint32_t kMaxIdleMs = 1000;

mtb_regs to_abi(const GuestRegs &r) {
  mtb_regs out{};
  std::copy(std::begin(r.d), std::end(r.d), out.d);
  std::copy(std::begin(r.a), std::end(r.a), out.a);
  return out;
}

std::optional<uint32_t> param(Machine &m, uint32_t pc) {
  Cpu &cpu = m.cpu();
  const std::string name = m.ram().c_string(cpu.a(0), 256);
  const std::string *value = m.param(name);
  if (!value) {
    cpu.set_d(0, 0);
    cpu.set_d(1, 0);
    return pc + 2;
  }
  errno = 0;
  char *end = nullptr;
  const long long v = std::strtoll(value->c_str(), &end, 0);
  if (errno || end == value->c_str() || *end) {
    m.fail("guest asked for numeric parameter '" + name + "' but its value is '" + *value + "'");
    return std::nullopt;
  }
  cpu.set_d(0, static_cast<uint32_t>(v));
  cpu.set_d(1, 1);
  return pc + 2;
}

std::optional<uint32_t> param_text(Machine &m, uint32_t pc) {
  Cpu &cpu = m.cpu();
  const std::string *value = m.param(m.ram().c_string(cpu.a(0), 256));
  if (!value) {
    cpu.set_d(0, static_cast<uint32_t>(-1));
    return pc + 2;
  }
  const uint32_t size = cpu.d(1);
  if (size) {
    const uint32_t n = std::min<uint32_t>(static_cast<uint32_t>(value->size()), size - 1);
    if (!m.ram().write(cpu.a(1), value->data(), n)) throw GuestMemoryError("PARAM_TEXT buffer");
    m.ram().w8(cpu.a(1) + n, 0);
  }
  cpu.set_d(0, static_cast<uint32_t>(value->size()));
  return pc + 2;
}

std::optional<uint32_t> idle(Machine &m, uint32_t pc) {
  const uint32_t ms = std::min(m.cpu().d(0), kMaxIdleMs);
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  // Returns with the interrupt still pending: the guest takes it at its next instruction.
  while (!m.irq().pending() && !m.cpu().stopping() && std::chrono::steady_clock::now() < until)
    m.irq().wait_for(std::chrono::milliseconds(1));
  m.update_ticks();
  if (m.cpu().stopping()) return std::nullopt;
  return pc + 2;
}

std::optional<uint32_t> plugin_emul_op(Machine &m, uint32_t pc) {
  if (!m.plugin()) {
    m.fail("guest fault: plugin EMUL_OP executed but no plugin is loaded");
    return std::nullopt;
  }
  Cpu &cpu = m.cpu();
  mtb_regs regs = to_abi(cpu.regs());
  {
    Machine::PluginCall call(m);
    m.plugin()->emul_op(regs);
  }
  if (cpu.stopping()) return std::nullopt;
  // a7 is not the plugin's to change (the driver's stack must stay balanced).
  for (int i = 0; i < 8; ++i) cpu.set_d(i, regs.d[i]);
  for (int i = 0; i < 7; ++i) cpu.set_a(i, regs.a[i]);
  return pc + 2;
}

std::optional<uint32_t> interrupt(Machine &m, uint32_t pc) {
  // Reached through the level-1 frame pushed at a block boundary; RTE follows.
  if (m.irq().take() && m.plugin()) {
    Machine::PluginCall call(m);
    m.plugin()->interrupt();
  }
  if (m.cpu().stopping()) return std::nullopt;
  return pc + 2;
}

}  // namespace

std::optional<uint32_t> dispatch_host_call(Machine &m, uint16_t word, uint32_t pc) {
  Cpu &cpu = m.cpu();
  switch (word) {
    case MTB_HOSTCALL_EXIT:
      m.exit_program(static_cast<int32_t>(cpu.d(0)));
      return std::nullopt;
    case MTB_HOSTCALL_PRINT:
      m.print(m.ram().c_string(cpu.a(0), kMaxPrint));
      return pc + 2;
    case MTB_HOSTCALL_PARAM: return param(m, pc);
    case MTB_HOSTCALL_IDLE: return idle(m, pc);
    case MTB_HOSTCALL_PARAM_TEXT: return param_text(m, pc);
    case MTB_HOSTCALL_PLUGIN: return plugin_emul_op(m, pc);
    case MTB_HOSTCALL_IRQ: return interrupt(m, pc);
    case MTB_HOSTCALL_IODONE:
      m.devices().io_done(cpu.a(1), static_cast<int16_t>(cpu.d(0) & 0xFFFF));
      if (cpu.stopping()) return std::nullopt;
      return pc + 2;
    case MTB_HOSTCALL_RETURN:
      m.fail("guest fault: executed the machine's return stub (a stray RTS?)");
      return std::nullopt;
    default:
      m.fail("guest fault: unknown host call " + hex16(word));
      return std::nullopt;
  }
}

}  // namespace mtb::machine
