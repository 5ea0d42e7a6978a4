// The test machine's guest memory map: Mac OS low-memory globals it maintains, and where it
// puts its own stubs, heaps and the program. Addresses of globals follow Inside Macintosh.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstdint>

#include "mtb_guest_abi.h"

namespace mtb::machine::lowmem {

// Mac OS globals.
inline constexpr uint32_t kUTableBase = 0x011C;   // long: unit table (DCE handles)
inline constexpr uint32_t kCPUFlag = 0x012F;      // byte: 0 = 68000, 2 = 68020
inline constexpr uint32_t kBootDrive = 0x0210;    // word: the System Folder's volume
inline constexpr uint32_t kTicks = 0x016A;        // long: 60 Hz tick count
inline constexpr uint32_t kUnitNtryCnt = 0x01D2;  // word: unit table entries
inline constexpr uint32_t kMemErr = 0x0220;       // word: last Memory Manager result
inline constexpr uint32_t kJIODone = 0x08FC;      // long: address of IODone
inline constexpr uint32_t kCurrentA5 = 0x0904;    // long: the application's A5
inline constexpr uint32_t kWarmStart = 0x0CFC;    // long: 'WLSC' once the system is up

// Autovector of a level-1 interrupt (vector 25) in the 68k vector table.
inline constexpr uint32_t kLevel1Vector = 25;

// The machine's own stubs, above the system globals (0x0000-0x0FFF).
inline constexpr uint32_t kReturnStub = 0x1000;   // MTB_HOSTCALL_RETURN: end of host->guest calls
inline constexpr uint32_t kIrqStub = 0x1010;      // MTB_HOSTCALL_IRQ; RTE
inline constexpr uint32_t kIODoneStub = 0x1020;   // MTB_HOSTCALL_IODONE; RTS
inline constexpr uint32_t kUnhandledStub = 0x1030; // target of every other vector: ILLEGAL
inline constexpr uint32_t kUnimplementedStub = 0x1040; // what GetTrapAddress gives for
                                                       // traps the machine lacks: _Unimplemented
inline constexpr uint32_t kA5World = 0x1100;      // 256 bytes of "application globals"
// Trap "addresses" (GetTrapAddress): for each implemented trap a 4-byte stub "trap word; RTS".
inline constexpr uint32_t kOSTrapStubs = 0x2000;    // 256 OS traps
inline constexpr uint32_t kToolTrapStubs = 0x2400;  // 1024 Toolbox traps, up to 0x3400

// Heaps: the system heap holds the unit table, DCEs and installed drivers; the application
// heap serves NewPtr/NewHandle; the program sits between them at its link address.
inline constexpr uint32_t kSystemHeapBase = 0x4000;
inline constexpr uint32_t kSystemHeapEnd = MTB_GUEST_LOAD_ADDRESS;
inline constexpr uint32_t kProgramBase = MTB_GUEST_LOAD_ADDRESS;
inline constexpr uint32_t kProgramMaxSize = 0x00100000;  // programs up to 1 MB
inline constexpr uint32_t kAppHeapBase = kProgramBase + kProgramMaxSize;
inline constexpr uint32_t kStackSize = 0x00020000;       // 128 KB at the top of RAM
inline constexpr uint32_t kMinRamSize = kAppHeapBase + 0x00100000 + kStackSize;

inline constexpr uint16_t kUnitTableEntries = 64;       // units 48..63 are free for drivers
inline constexpr uint16_t kFirstDynamicUnit = 48;

}  // namespace mtb::machine::lowmem
