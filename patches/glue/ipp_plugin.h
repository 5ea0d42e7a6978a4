/*
 *  ipp_plugin.h - MacTCP (.IPP) plugin glue
 *
 *  Copyright (C) 2026 The MacTCP Bridge developers
 *
 *  This program is free software; you can redistribute it and/or modify
 *  it under the terms of the GNU General Public License as published by
 *  the Free Software Foundation; either version 2 of the License, or
 *  (at your option) any later version.
 *
 *  This program is distributed in the hope that it will be useful,
 *  but WITHOUT ANY WARRANTY; without even the implied warranty of
 *  MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
 *  GNU General Public License for more details.
 *
 *  SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef IPP_PLUGIN_H
#define IPP_PLUGIN_H

// An optional plugin (prefs item "ippplugin") that implements MacTCP's .IPP driver on host
// sockets; its settings are "ippconfig NAME=VALUE" items, which the plugin reads itself.
// Without the pref, or when the plugin cannot be used, every function below is a silent
// no-op, except that the IPP EMUL_OP answers an error instead of quitting the emulator.
// All of them run on the emulation thread.

struct M68kRegisters;

extern void IPPPluginInit(void);				// InitAll(): load the plugin named by "ippplugin"
extern void IPPPluginExit(void);				// ExitAll(): stop the plugin's threads, unload it
extern void IPPPluginReset(void);				// EMUL_OP RESET: the plugin forgets the old guest
extern void IPPPluginInstallDriver(void);		// InstallDrivers(): install and open .IPP
extern void IPPPluginEmulOp(M68kRegisters *r);	// EMUL_OP IPP: a .IPP driver entry point
extern void IPPPluginInterrupt(void);			// EMUL_OP IRQ, INTFLAG_IPP cleared: serve the plugin

#endif
