// Fake emulator side for the glue tests: the guest-memory and guest-code functions the glue
// uses, declared as emulator-integration.md sections 2.4, 3.4 and 6 give them for each emulator.
// SPDX-License-Identifier: GPL-2.0-or-later
#ifndef FAKE_CPU_EMULATION_H
#define FAKE_CPU_EMULATION_H

#include "sysdeps.h"

struct M68kRegisters;

#ifdef SHEEPSHAVER
extern uint32 RAMBase;    // guest address of RAM (SheepShaver's name)
#else
extern uint32 RAMBaseMac; // guest address of RAM (Basilisk II's name)
#endif
extern uint8 *RAMBaseHost;
extern uint32 RAMSize;

// Inline in the emulators; out of line here so the fake can check every address.
uint8 *Mac2HostAddr(uint32 addr);
uint32 ReadMacInt16(uint32 addr);
uint32 ReadMacInt32(uint32 addr);
void WriteMacInt16(uint32 addr, uint32 value);
void WriteMacInt32(uint32 addr, uint32 value);

#ifdef SHEEPSHAVER
// C++ linkage in SheepShaver.
extern void Execute68k(uint32 pc, M68kRegisters *r);
extern void Execute68kTrap(uint16 trap, M68kRegisters *r);
extern void FlushCodeCache(uintptr start, uintptr end);
#else
// C linkage in Basilisk II.
extern "C" void Execute68k(uint32 addr, M68kRegisters *r);
extern "C" void Execute68kTrap(uint16 trap, M68kRegisters *r);
extern void TriggerInterrupt(void);
#endif

#endif
