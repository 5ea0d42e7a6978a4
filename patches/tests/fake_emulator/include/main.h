// Fake emulator side for the glue tests: M68kRegisters and the interrupt flags
// (emulator-integration.md sections 2.3, 3.3, 5.1), including the INTFLAG_IPP the patches add.
// SPDX-License-Identifier: GPL-2.0-or-later
#ifndef FAKE_MAIN_H
#define FAKE_MAIN_H

#include "sysdeps.h"

extern void WarningAlert(const char *text);	// both emulators: a dialog in GUI builds

#ifdef SHEEPSHAVER
struct M68kRegisters {
	uint32 d[8];
	uint32 a[8];
};
enum {
	INTFLAG_VIA = 1,
	INTFLAG_ETHER = 4,
	INTFLAG_IPP = 256
};
extern volatile uint32 InterruptFlags;
extern void SetInterruptFlag(uint32);
extern void ClearInterruptFlag(uint32);
extern void TriggerInterrupt(void);
#else
struct M68kRegisters {
	uint32 d[8];
	uint32 a[8];
	uint16 sr;
};
enum {
	INTFLAG_60HZ = 1,
	INTFLAG_ETHER = 8,
	INTFLAG_IPP = 256
};
extern uint32 InterruptFlags;
extern void SetInterruptFlag(uint32 flag);
extern void ClearInterruptFlag(uint32 flag);
extern void FlushCodeCache(void *start, uint32 size);
#endif

#endif
