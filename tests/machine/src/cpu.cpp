// SPDX-License-Identifier: GPL-2.0-or-later
#include "cpu.h"

#include <cstdio>
#include <stdexcept>

#include "cpu_model.h"
#include "low_memory.h"

namespace mtb::machine {

namespace {

void check(uc_err err, const char *what) {
  if (err != UC_ERR_OK) throw std::runtime_error(std::string(what) + ": " + uc_strerror(err));
}

const int kDataRegs[8] = {UC_M68K_REG_D0, UC_M68K_REG_D1, UC_M68K_REG_D2, UC_M68K_REG_D3,
                          UC_M68K_REG_D4, UC_M68K_REG_D5, UC_M68K_REG_D6, UC_M68K_REG_D7};
const int kAddrRegs[8] = {UC_M68K_REG_A0, UC_M68K_REG_A1, UC_M68K_REG_A2, UC_M68K_REG_A3,
                          UC_M68K_REG_A4, UC_M68K_REG_A5, UC_M68K_REG_A6, UC_M68K_REG_A7};

// Releases a saved context even when a nested run throws.
struct SavedContext {
  uc_engine *uc;
  uc_context *ctx = nullptr;
  explicit SavedContext(uc_engine *e) : uc(e) {
    check(uc_context_alloc(uc, &ctx), "uc_context_alloc");
    check(uc_context_save(uc, ctx), "uc_context_save");
  }
  ~SavedContext() {
    uc_context_restore(uc, ctx);
    uc_context_free(ctx);
  }
};

}  // namespace

Cpu::Cpu(CpuModel model, GuestRam &ram, CpuClient &client)
    : model_(model), ram_(ram), client_(client) {
  claim_process_cpu_model(model);
  check(uc_open(UC_ARCH_M68K, UC_MODE_BIG_ENDIAN, &uc_), "uc_open");
  try {
    // Must come right after uc_open (it fails once memory is mapped).
    check(uc_ctl_set_cpu_model(uc_, unicorn_model_value(model)), "uc_ctl_set_cpu_model");
    check(uc_mem_map_ptr(uc_, 0, ram.size(), UC_PROT_ALL, ram.host()), "uc_mem_map_ptr");
    // Supervisor mode before anything touches A7 (writing SR switches USP/SSP).
    set_sr(0x2700);
    self_test_cpu_model(uc_, model, lowmem::kUnhandledStub);
    check(uc_hook_add(uc_, &intr_hook_, UC_HOOK_INTR, reinterpret_cast<void *>(&Cpu::hook_intr),
                      this, 1, 0),
          "uc_hook_add(INTR)");
    check(uc_hook_add(uc_, &block_hook_, UC_HOOK_BLOCK,
                      reinterpret_cast<void *>(&Cpu::hook_block), this, 1, 0),
          "uc_hook_add(BLOCK)");
    check(uc_hook_add(uc_, &mem_hook_, UC_HOOK_MEM_UNMAPPED | UC_HOOK_MEM_PROT,
                      reinterpret_cast<void *>(&Cpu::hook_unmapped), this, 1, 0),
          "uc_hook_add(MEM_UNMAPPED)");
  } catch (...) {
    uc_close(uc_);
    throw;
  }
}

Cpu::~Cpu() { uc_close(uc_); }

uint32_t Cpu::reg(int id) const {
  uint32_t v = 0;
  uc_reg_read(uc_, id, &v);
  return v;
}
void Cpu::set_reg(int id, uint32_t v) { uc_reg_write(uc_, id, &v); }

uint32_t Cpu::pc() const { return reg(UC_M68K_REG_PC); }
uint32_t Cpu::sr() const { return reg(UC_M68K_REG_SR) & 0xFFFF; }
void Cpu::set_sr(uint32_t sr) { set_reg(UC_M68K_REG_SR, sr & 0xFFFF); }
uint32_t Cpu::d(int n) const { return reg(kDataRegs[n]); }
uint32_t Cpu::a(int n) const { return reg(kAddrRegs[n]); }
void Cpu::set_d(int n, uint32_t v) { set_reg(kDataRegs[n], v); }
void Cpu::set_a(int n, uint32_t v) { set_reg(kAddrRegs[n], v); }
void Cpu::redirect(uint32_t pc) { set_reg(UC_M68K_REG_PC, pc); }

GuestRegs Cpu::regs() const {
  GuestRegs r;
  for (int i = 0; i < 8; ++i) {
    r.d[i] = d(i);
    r.a[i] = a(i);
  }
  return r;
}

void Cpu::set_regs(const GuestRegs &r) {
  for (int i = 0; i < 8; ++i) {
    set_d(i, r.d[i]);
    set_a(i, r.a[i]);
  }
}

void Cpu::stop() {
  stopping_.store(true, std::memory_order_release);
  uc_emu_stop(uc_);
}

void Cpu::stop_from_any_thread() {
  // uc_emu_stop from another thread is what the notes' method 3 relies on; should it be lost
  // (a PC write in a hook clears it), the block hook re-issues it on the emulation thread.
  stopping_.store(true, std::memory_order_release);
  uc_emu_stop(uc_);
}

void Cpu::reset_stop() { stopping_.store(false, std::memory_order_release); }

void Cpu::flush_code_cache(uint32_t begin, uint32_t end) { uc_ctl_remove_cache(uc_, begin, end); }

bool Cpu::run(uint32_t pc, uint32_t sp) {
  set_sr(0x2000);  // supervisor, interrupts enabled; before A7 (SR selects the stack)
  sp = (sp - 4) & ~1u;
  ram_.w32(sp, lowmem::kReturnStub);  // main's caller: returning from _start ends the run
  set_a(7, sp);
  depth_ = 0;
  return run_until_return(pc);
}

bool Cpu::run_until_return(uint32_t pc) {
  for (;;) {
    // Every level stops at the same `until` address, so a nested uc_emu_start overwriting the
    // engine's end address cannot confuse an outer level.
    uc_err err = uc_emu_start(uc_, pc, lowmem::kReturnStub, 0, 0);
    if (stopping()) return false;
    if (err != UC_ERR_OK) {
      std::string what = std::string("Unicorn stopped: ") + uc_strerror(err);
      if (!unmapped_.empty()) what += " (" + unmapped_ + ")";
      client_.on_cpu_failure(what);
      stop();
      return false;
    }
    uint32_t now = this->pc();
    if (now == lowmem::kReturnStub) return true;
    // STOP #imm returns from uc_emu_start without any hook, PC after the 4-byte instruction.
    if (now >= 4 && ram_.contains(now - 4, 2) && ram_.r16(now - 4) == 0x4E72) {
      client_.on_stop_instruction();
      if (stopping()) return false;
      pc = this->pc();
      continue;
    }
    client_.on_cpu_failure("emulation ended without a reason at PC " + std::to_string(now));
    stop();
    return false;
  }
}

bool Cpu::call(uint32_t addr, GuestRegs &regs, uint32_t stack_top) {
  if (stopping()) return false;
  SavedContext saved(uc_);  // restores every register (PC, SR, A7 too) when we leave
  for (int i = 0; i < 8; ++i) set_d(i, regs.d[i]);
  for (int i = 0; i < 7; ++i) set_a(i, regs.a[i]);
  uint32_t sp = ((stack_top ? stack_top : a(7)) & ~1u) - 4;
  ram_.w32(sp, lowmem::kReturnStub);
  set_a(7, sp);
  ++depth_;
  bool ok = run_until_return(addr);
  --depth_;
  regs = this->regs();
  return ok && !stopping();
}

void Cpu::hook_intr(uc_engine *uc, uint32_t intno, void *self) {
  auto *cpu = static_cast<Cpu *>(self);
  if (cpu->stopping()) {
    uc_emu_stop(uc);
    return;
  }
  std::optional<uint32_t> next;
  try {
    next = cpu->client_.on_exception(intno, cpu->pc());
  } catch (const std::exception &e) {  // never let an exception cross Unicorn's C frames
    cpu->client_.on_cpu_failure(std::string("host error while handling a trap: ") + e.what());
    cpu->stop();
  }
  // Writing PC would cancel a uc_emu_stop issued in this hook (notes section 2b): when the run
  // is ending, only (re)issue the stop.
  if (cpu->stopping()) {
    uc_emu_stop(uc);
    return;
  }
  if (!next) {
    cpu->client_.on_cpu_failure("trap handler neither continued nor stopped");
    cpu->stop();
    return;
  }
  cpu->set_reg(UC_M68K_REG_PC, *next);
}

void Cpu::hook_block(uc_engine *uc, uint64_t address, uint32_t, void *self) {
  auto *cpu = static_cast<Cpu *>(self);
  if (cpu->stopping()) {
    uc_emu_stop(uc);
    return;
  }
  try {
    cpu->client_.on_block(static_cast<uint32_t>(address));
  } catch (const std::exception &e) {
    cpu->client_.on_cpu_failure(std::string("host error at a block boundary: ") + e.what());
    cpu->stop();
  }
}

bool Cpu::hook_unmapped(uc_engine *, uc_mem_type type, uint64_t address, int size, int64_t,
                        void *self) {
  auto *cpu = static_cast<Cpu *>(self);
  const char *kind = type == UC_MEM_FETCH_UNMAPPED ? "instruction fetch"
                     : type == UC_MEM_WRITE_UNMAPPED || type == UC_MEM_WRITE_PROT ? "write"
                                                                                 : "read";
  char buf[96];
  std::snprintf(buf, sizeof buf, "%s of %d bytes at unmapped address 0x%08llx", kind, size,
                static_cast<unsigned long long>(address));
  cpu->unmapped_ = buf;
  return false;  // not handled: uc_emu_start returns the matching error
}

}  // namespace mtb::machine
