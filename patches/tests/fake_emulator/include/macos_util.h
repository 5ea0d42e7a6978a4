// Fake emulator side for the glue tests: the Device Manager names the emulators' macos_util.h
// gives (same in both; emulator-integration.md section 6), so the glue uses no names of its own.
// SPDX-License-Identifier: GPL-2.0-or-later
#ifndef FAKE_MACOS_UTIL_H
#define FAKE_MACOS_UTIL_H

#include "cpu_emulation.h"

enum {	// dCtlFlags bits
	dOpened = 5,
	dRAMBased = 6,
	drvrActive = 7
};

enum {	// IOParam
	ioTrap = 6,
	ioCompletion = 12,
	ioResult = 16,
	ioNamePtr = 18,
	ioVRefNum = 22,
	ioRefNum = 24,
	SIZEOF_IOParam = 50
};

enum {	// DCE
	dCtlDriver = 0,
	dCtlFlags = 4,
	dCtlRefNum = 24
};

#endif
