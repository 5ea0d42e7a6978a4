// The fake emulator the glue is tested against: guest RAM as a byte array, the few Toolbox
// traps the glue calls, a unit table, prefs, interrupt flags, and a stand-in for the emulator's
// EmulOp() switch with the cases the patches add.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "cpu_emulation.h"
#include "main.h"

namespace fake {

// Guest layout. Basilisk II (direct addressing): RAM at guest 0, low memory inside it.
// SheepShaver: RAM elsewhere and low memory mapped apart, which the glue must also handle.
#ifdef SHEEPSHAVER
inline constexpr uint32_t kRamBase = 0x10000000;
#else
inline constexpr uint32_t kRamBase = 0;
#endif
inline constexpr uint32_t kRamSize = 4 * 1024 * 1024;
inline constexpr uint32_t kUnitTable = kRamBase + 0x10000;
inline constexpr uint32_t kHeapStart = kRamBase + 0x20000;

// Low memory and Device Manager offsets (Inside Macintosh: Devices).
inline constexpr uint32_t kUTableBase = 0x11c;
inline constexpr uint32_t kUnitNtryCnt = 0x1d2;
inline constexpr uint32_t kDceSize = 0x34;
inline constexpr uint16_t kDOpened = 0x0020;    // dCtlFlags bit 5
inline constexpr uint16_t kDRamBased = 0x0040;  // dCtlFlags bit 6: dCtlDriver is a handle

// Toolbox errors the fake traps answer.
inline constexpr int16_t kMemFullErr = -108;
inline constexpr int16_t kBadUnitErr = -21;
inline constexpr int16_t kDriverNotFound = -192;  // resNotFound: no such DRVR
inline constexpr int16_t kUnimplemented = -4;
inline constexpr int16_t kGestaltUndefSelectorErr = -5551;

struct ExecuteCall {
    uint32_t addr;
    M68kRegisters regs;
};

struct State {
    std::multimap<std::string, std::string> prefs;  // a name given several times: several values
    std::vector<uint16_t> traps;           // every Execute68kTrap, in order
    std::vector<ExecuteCall> executes;     // every Execute68k, in order
    std::function<void(uint32_t, M68kRegisters *)> on_execute68k;  // what the "guest code" does
    std::vector<uint32_t> allocated;       // NewPtrSysClear results
    std::vector<uint32_t> disposed;        // DisposePtr arguments
    uint32_t heap_next = kHeapStart;
    bool fail_new_ptr = false;
    int16_t drvr_install_error = 0;
    int flush_count = 0;
    bool bogus_emul_op = false;            // the emulator's "FATAL: bogus EMUL_OP" default was reached
    std::vector<std::string> alerts;       // WarningAlert() texts

    // The emulation thread's run mode: inside EmulOp() or not. SheepShaver's Execute68k is
    // legal only in EMUL_OP mode; outside it prints FATAL and carries on (recorded here).
    int emul_op_depth = 0;
    bool execute68k_outside_emul_op = false;
    // Pending interrupt flags are taken inside Execute68k/Execute68kTrap, as both emulators do
    // (SheepShaver: HandleInterrupt in EMUL_OP mode at 68k level 0), unless already in the IRQ.
    bool interrupts_in_guest_calls = true;
    int irq_depth = 0;

    // Gestalt: the System has it, and the real .IPP's Open registers 'mtcp' = 3 in it.
    bool has_gestalt = true;
    bool open_registers_gestalt = true;
    std::map<uint32_t, uint32_t> gestalt;
};

State &state();

// Fresh guest: zeroed RAM, a unit table of `unit_count` entries with units 0..47 taken.
void reset_guest(uint16_t unit_count = 64);
void set_prefs(std::multimap<std::string, std::string> prefs);
// Install another driver in `unit`: a DCE handle in the table. `handle_based` installs it as
// a RAM-based driver (dCtlDriver a handle), as drivers loaded from resources are.
void take_unit(int unit, const char *name = ".Other", bool opened = false, bool handle_based = false);
uint32_t unit(int unit);

// Interrupt flags as the emulator keeps them, and how often TriggerInterrupt() was called.
uint32_t interrupt_flags();
void set_interrupt_flags(uint32_t flags);
int trigger_count();

// The emulator's EmulOp() switch, reduced to the cases the patches touch; any other word
// reaches the "bogus EMUL_OP" default, which sets state().bogus_emul_op.
void emul_op(uint16_t opcode, M68kRegisters *r);

// Every guest call the glue makes starts here: the run-mode check, pending interrupts taken.
void entering_guest_code();

// Allocate `size` zeroed bytes from the fake system heap (the NewPtrSysClear trap uses it too).
uint32_t new_ptr(uint32_t size);

// Read a Pascal string from guest memory.
std::string pascal_string(uint32_t addr);

}  // namespace fake
