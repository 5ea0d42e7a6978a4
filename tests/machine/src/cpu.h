// The Unicorn engine behind the machine: registers, hooks, top-level runs and nested
// host->guest calls, and stopping from any thread. Knows nothing about the Toolbox: every trap,
// block boundary and memory fault goes to a CpuClient.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <unicorn/unicorn.h>

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>

#include "guest_ram.h"
#include "mtb_machine/test_machine.h"

namespace mtb::machine {

struct GuestRegs {
  uint32_t d[8] = {};
  uint32_t a[8] = {};
};

class CpuClient {
 public:
  virtual ~CpuClient() = default;
  // A 68k exception Unicorn did not vector (A-line, illegal/host call, RTE, TRAP...). PC is
  // still on the trapping word. Return the PC to continue at, or nullopt after Cpu::stop().
  virtual std::optional<uint32_t> on_exception(uint32_t intno, uint32_t pc) = 0;
  // Start of a translated block at `address`: the instruction boundary where interrupts are
  // injected (Cpu::redirect).
  virtual void on_block(uint32_t address) = 0;
  // The guest executed STOP: PC is after it. Wait for an interrupt and/or redirect.
  virtual void on_stop_instruction() = 0;
  // The run cannot go on (unmapped access, host exception in a hook...): report it.
  virtual void on_cpu_failure(const std::string &what) = 0;
};

class Cpu {
 public:
  Cpu(CpuModel model, GuestRam &ram, CpuClient &client);
  ~Cpu();
  Cpu(const Cpu &) = delete;
  Cpu &operator=(const Cpu &) = delete;

  CpuModel model() const { return model_; }
  uint32_t pc() const;
  uint32_t sr() const;
  void set_sr(uint32_t sr);
  GuestRegs regs() const;
  void set_regs(const GuestRegs &r);  // d0-d7/a0-a7
  uint32_t d(int n) const;
  uint32_t a(int n) const;
  void set_d(int n, uint32_t v);
  void set_a(int n, uint32_t v);
  // Inside on_block: continue at `pc` instead (interrupt entry).
  void redirect(uint32_t pc);

  // Top-level run from `pc` with supervisor SR 0x2000 and the given stack. Returns when the
  // guest returns to the return stub (true) or the run was stopped (false).
  bool run(uint32_t pc, uint32_t sp);
  // Nested host->guest call from inside a hook: runs `addr` on the current stack with d0-d7/a0-a6
  // from `regs` until it returns (RTS to the return stub), then puts back every register.
  // `regs` receives the registers the routine ended with. False when the run was stopped.
  // `stack_top` (if nonzero) is where the return address goes below, instead of the current
  // A7: a Pascal call's arguments are placed there first.
  bool call(uint32_t addr, GuestRegs &regs, uint32_t stack_top = 0);
  int depth() const { return depth_; }

  // Ends every run level (exit, fault). stop() on the emulation thread; stop_from_any_thread()
  // for the watchdog. Once stopped, every nested level unwinds; clear with reset_stop().
  void stop();
  void stop_from_any_thread();
  bool stopping() const { return stopping_.load(std::memory_order_acquire); }
  void reset_stop();

  // Drops translations of [begin, end) after guest code there was rewritten by the host.
  // (Not uc_ctl_flush_tlb: in 2.0.1 a full TB flush touches the whole 1 GB code buffer,
  // costing ~1 GB RSS and up to seconds per machine.)
  void flush_code_cache(uint32_t begin, uint32_t end);

 private:
  static void hook_intr(uc_engine *uc, uint32_t intno, void *self);
  static void hook_block(uc_engine *uc, uint64_t address, uint32_t size, void *self);
  static bool hook_unmapped(uc_engine *uc, uc_mem_type type, uint64_t address, int size,
                            int64_t value, void *self);
  bool run_until_return(uint32_t pc);
  uint32_t reg(int id) const;
  void set_reg(int id, uint32_t v);

  CpuModel model_;
  GuestRam &ram_;
  CpuClient &client_;
  uc_engine *uc_ = nullptr;
  uc_hook intr_hook_ = 0, block_hook_ = 0, mem_hook_ = 0;
  std::atomic<bool> stopping_{false};
  int depth_ = 0;
  std::string unmapped_;  // description of the last unmapped access
};

}  // namespace mtb::machine
