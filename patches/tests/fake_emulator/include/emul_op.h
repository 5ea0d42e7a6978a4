// Fake emulator side for the glue tests: the EMUL_OP words involved, with the IPP word each
// patch adds (emulator-integration.md sections 2.2, 3.2 and 9).
// SPDX-License-Identifier: GPL-2.0-or-later
#ifndef FAKE_EMUL_OP_H
#define FAKE_EMUL_OP_H

#include "sysdeps.h"

#ifdef SHEEPSHAVER
enum {
	OP_INSTALL_DRIVERS = 37,
	OP_RESET = 39,
	OP_IRQ = 40,
	OP_IPP = 53,
	OP_MAX
};
const uint16 M68K_EMUL_BREAK = 0xfe43;
const uint16 M68K_EMUL_OP_INSTALL_DRIVERS = M68K_EMUL_BREAK + OP_INSTALL_DRIVERS;
const uint16 M68K_EMUL_OP_RESET = M68K_EMUL_BREAK + OP_RESET;
const uint16 M68K_EMUL_OP_IRQ = M68K_EMUL_BREAK + OP_IRQ;
const uint16 M68K_EMUL_OP_IPP = M68K_EMUL_BREAK + OP_IPP;
#else
enum {
	M68K_EXEC_RETURN = 0x7100,
	M68K_EMUL_OP_RESET = 0x7103,
	M68K_EMUL_OP_INSTALL_DRIVERS = 0x710a,
	M68K_EMUL_OP_IRQ = 0x7129
};
const uint16 M68K_EMUL_OP_IPP = 0x71f0;
#endif

#endif
