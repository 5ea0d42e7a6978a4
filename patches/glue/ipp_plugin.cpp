/*
 *  ipp_plugin.cpp - MacTCP (.IPP) plugin loader and glue
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

/*
 *  The plugin talks to the emulator only through two C function tables (ipp_plugin_abi.h):
 *  it links against no emulator symbol, so one plugin binary serves Basilisk II and
 *  SheepShaver. This file fills the host table, loads the plugin, copies the plugin's .IPP
 *  DRVR image into the system heap with this emulator's EMUL_OP word patched in, and routes
 *  the IPP EMUL_OP and INTFLAG_IPP to the plugin. Guest values (registers, parameter blocks)
 *  are passed through raw: the plugin validates them.
 */

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "sysdeps.h"
#include "cpu_emulation.h"
#include "main.h"
#include "prefs.h"
#include "emul_op.h"
#include "ipp_plugin.h"
#include "ipp_plugin_abi.h"

#if defined(USE_SDL)
#include "my_sdl.h"
#else
#include <dlfcn.h>
#endif

// The few differences between the two emulators
#ifdef SHEEPSHAVER
static const uint32_t EMULATOR_ID = MTB_EMULATOR_SHEEPSHAVER;
static const uint32 LOW_MEM_END = 0x3000;	// low memory is mapped apart when RAM is not at 0
static uint32 ram_base_mac(void) { return RAMBase; }
static void flush_code(uint32 addr, uint32 size) { FlushCodeCache(addr, addr + size); }
#else
static const uint32_t EMULATOR_ID = MTB_EMULATOR_BASILISK2;
static const uint32 LOW_MEM_END = 0x2000;	// mapped apart with real addressing
static uint32 ram_base_mac(void) { return RAMBaseMac; }
static void flush_code(uint32 addr, uint32 size) { FlushCodeCache(Mac2HostAddr(addr), size); }
#endif

// Mac OS facts (Inside Macintosh: Devices), named here so the glue depends on few headers
static const uint32 UTABLE_BASE = 0x11c;		// long: address of the unit table
static const uint32 UNIT_NTRY_CNT = 0x1d2;		// word: number of unit table entries
static const int FIRST_DYNAMIC_UNIT = 48;		// units below are Apple's
static const uint32 DCTL_DRIVER = 0, DCTL_FLAGS = 4;	// DCE fields
static const uint32 IO_NAME_PTR = 18, IO_PARAM_SIZE = 50;	// IOParam fields
static const uint32 DRVR_NAME = 18;				// Pascal string in the DRVR header
static const uint32 MAX_DRIVER_SIZE = 0x10000;	// sanity bound for the plugin's image
static const int16 NOT_OPEN_ERR = -28;			// notOpenErr: the EMUL_OP's answer without plugin

// Loader: SDL where the emulator has it (all platforms), dlopen otherwise
#if defined(USE_SDL3)
typedef SDL_SharedObject *lib_handle;	// SDL3 has its own handle type
#else
typedef void *lib_handle;
#endif

static lib_handle open_library(const char *path)
{
#if defined(USE_SDL)
	return SDL_LoadObject(path);
#else
	return dlopen(path, RTLD_NOW | RTLD_LOCAL);
#endif
}

static mtb_entry_fn find_entry(lib_handle lib)
{
#if defined(USE_SDL)
	return reinterpret_cast<mtb_entry_fn>(SDL_LoadFunction(lib, MTB_ENTRY_SYMBOL));
#else
	return reinterpret_cast<mtb_entry_fn>(dlsym(lib, MTB_ENTRY_SYMBOL));
#endif
}

static void close_library(lib_handle lib)
{
#if defined(USE_SDL)
	SDL_UnloadObject(lib);
#else
	dlclose(lib);
#endif
}

static const char *library_error(void)
{
#if defined(USE_SDL)
	const char *error = SDL_GetError();
#else
	const char *error = dlerror();
#endif
	return error != NULL && *error != 0 ? error : "unknown error";
}

// State (emulation thread only)
static lib_handle plugin_lib;					// NULL when no plugin is loaded
static const mtb_plugin_api *plugin;			// NULL: every hook is a no-op
static mtb_host_api host_api;
static int handler_depth;						// > 0 inside our EMUL_OP handlers: Execute68k is legal

struct HandlerScope {
	HandlerScope() { handler_depth++; }
	~HandlerScope() { handler_depth--; }
};

static void ipp_log(int level, const char *format, ...)
{
	FILE *out = level <= MTB_LOG_WARNING ? stderr : stdout;
	const char *tag = level == MTB_LOG_ERROR ? "IPP ERROR: " : level == MTB_LOG_WARNING ? "IPP WARNING: " : "IPP: ";
	va_list args;
	va_start(args, format);
	fputs(tag, out);
	vfprintf(out, format, args);
	fputc('\n', out);
	va_end(args);
}

// Host address of the guest range [addr, addr + len) if it is all RAM or all low memory
static uint8 *guest_range(uint32 addr, uint32 len)
{
	uint32 base = ram_base_mac();
	if (addr >= base && addr - base <= RAMSize && len <= RAMSize - (addr - base))
		return Mac2HostAddr(addr);
	if (addr < LOW_MEM_END && len <= LOW_MEM_END - addr)
		return Mac2HostAddr(addr);
	return NULL;
}

static bool read_word(uint32 addr, uint32 *value)
{
	if (guest_range(addr, 2) == NULL)
		return false;
	*value = ReadMacInt16(addr);
	return true;
}

static bool read_long(uint32 addr, uint32 *value)
{
	if (guest_range(addr, 4) == NULL)
		return false;
	*value = ReadMacInt32(addr);
	return true;
}

static void to_plugin_regs(const M68kRegisters *r, mtb_regs *regs)
{
	for (int i = 0; i < 8; i++) {
		regs->d[i] = r->d[i];
		regs->a[i] = r->a[i];
	}
}

// a7 is never taken back: the guest stack pointer is the emulator's business
static void from_plugin_regs(const mtb_regs *regs, M68kRegisters *r)
{
	for (int i = 0; i < 8; i++)
		r->d[i] = regs->d[i];
	for (int i = 0; i < 7; i++)
		r->a[i] = regs->a[i];
}

// The host table
static int host_get_ram(void *, mtb_ram_region *out)
{
	if (out == NULL || RAMSize == 0)
		return -1;
	out->host = RAMBaseHost;	// NULL only with real addressing from 0: the plugin then copies
	out->guest_base = ram_base_mac();
	out->size = RAMSize;
	return 0;
}

static int host_read_guest(void *, uint32_t addr, void *dst, uint32_t len)
{
	uint8 *src = guest_range(addr, len);
	if (src == NULL || (dst == NULL && len != 0))
		return -1;
	memcpy(dst, src, len);
	return 0;
}

static int host_write_guest(void *, uint32_t addr, const void *src, uint32_t len)
{
	uint8 *dst = guest_range(addr, len);
	if (dst == NULL || (src == NULL && len != 0))
		return -1;
	memcpy(dst, src, len);
	return 0;
}

// On SheepShaver, addr may lead to a Mixed Mode routine descriptor (PowerPC code): that
// works because the routine is always entered by a 68k JSR in the driver's trampolines.
static int host_execute68k(void *, uint32_t addr, mtb_regs *regs)
{
	if (regs == NULL || handler_depth == 0) {
		ipp_log(MTB_LOG_ERROR, "execute68k refused outside an EMUL_OP handler");
		return -1;
	}
	M68kRegisters r;
	memset(&r, 0, sizeof(r));
	from_plugin_regs(regs, &r);
	Execute68k(addr, &r);
	uint32 a7 = regs->a[7];
	to_plugin_regs(&r, regs);
	regs->a[7] = a7;
	return 0;
}

// The only function the plugin calls from its own threads
static void host_raise_interrupt(void *)
{
	SetInterruptFlag(INTFLAG_IPP);
	TriggerInterrupt();
}

static const char *host_pref_string(void *, const char *name)
{
	return name != NULL ? PrefsFindString(name) : NULL;
}

static void host_log(void *, int level, const char *line)
{
	ipp_log(level, "%s", line != NULL ? line : "");
}

// Why a table returned by the plugin cannot be used, or NULL if it can
static const char *unusable_reason(const mtb_plugin_api *api)
{
	if (api->struct_size < sizeof(mtb_plugin_api))
		return "its table is too small";
	if (!api->emul_op || !api->interrupt || !api->reset || !api->shutdown)
		return "its table lacks a function";
	uint32 size = api->driver_image_size;
	if (api->driver_image == NULL || size < DRVR_NAME + 1 || size > MAX_DRIVER_SIZE)
		return "its driver image is missing or of a bad size";
	if (api->emul_op_offsets == NULL || api->emul_op_offset_count == 0)
		return "its driver image has no EMUL_OP";
	for (uint32 i = 0; i < api->emul_op_offset_count; i++) {
		uint32 offset = api->emul_op_offsets[i];
		if ((offset & 1) != 0 || offset > size - 2)
			return "its driver image has a bad EMUL_OP offset";
	}
	return NULL;
}

/*
 *  Load the plugin named by prefs "ippplugin"; on any failure log one line and run on without
 */

void IPPPluginInit(void)
{
	const char *path = PrefsFindString("ippplugin");
	if (path == NULL || *path == 0) {
		ipp_log(MTB_LOG_INFO, "no MacTCP plugin (prefs item \"ippplugin\" not set)");
		return;
	}

	lib_handle lib = open_library(path);
	if (lib == NULL) {
		ipp_log(MTB_LOG_ERROR, "cannot load MacTCP plugin %s (%s), running without it", path, library_error());
		return;
	}
	mtb_entry_fn entry = find_entry(lib);
	if (entry == NULL) {
		ipp_log(MTB_LOG_ERROR, "%s is not a MacTCP plugin (no %s), running without it", path, MTB_ENTRY_SYMBOL);
		close_library(lib);
		return;
	}

	memset(&host_api, 0, sizeof(host_api));
	host_api.abi_version = MTB_ABI_VERSION;
	host_api.struct_size = sizeof(host_api);
	host_api.emulator = EMULATOR_ID;
	host_api.emul_op_word = M68K_EMUL_OP_IPP;
	host_api.get_ram = host_get_ram;
	host_api.read_guest = host_read_guest;
	host_api.write_guest = host_write_guest;
	host_api.execute68k = host_execute68k;
	host_api.raise_interrupt = host_raise_interrupt;
	host_api.pref_string = host_pref_string;
	host_api.log = host_log;

	const mtb_plugin_api *api = entry(&host_api);
	if (api == NULL) {
		ipp_log(MTB_LOG_ERROR, "MacTCP plugin %s refused this emulator (ABI version %u), running without it", path, MTB_ABI_VERSION);
		close_library(lib);
		return;
	}
	if (api->abi_version != MTB_ABI_VERSION) {
		// Its table has an unknown layout: call nothing in it, and keep the library mapped,
		// since threads it may have started would crash if their code went away
		ipp_log(MTB_LOG_ERROR, "MacTCP plugin %s has ABI version %u, this emulator needs %u; running without it", path, api->abi_version, MTB_ABI_VERSION);
		return;
	}
	const char *reason = unusable_reason(api);
	if (reason != NULL) {
		ipp_log(MTB_LOG_ERROR, "MacTCP plugin %s is unusable (%s), running without it", path, reason);
		if (api->shutdown)
			api->shutdown(api->self);
		close_library(lib);
		return;
	}

	plugin_lib = lib;
	plugin = api;
	ipp_log(MTB_LOG_INFO, "MacTCP plugin %s loaded", path);
}

/*
 *  Stop the plugin (it joins its threads) before anything it might use goes away
 */

void IPPPluginExit(void)
{
	if (plugin == NULL)
		return;
	const mtb_plugin_api *api = plugin;
	plugin = NULL;	// from here on, every hook is a no-op
	api->shutdown(api->self);
	close_library(plugin_lib);
	plugin_lib = NULL;
}

void IPPPluginReset(void)
{
	if (plugin != NULL)
		plugin->reset(plugin->self);
}

void IPPPluginEmulOp(M68kRegisters *r)
{
	if (plugin == NULL) {
		r->d[0] = (uint32)(int32)NOT_OPEN_ERR;
		return;
	}
	HandlerScope scope;
	mtb_regs regs;
	to_plugin_regs(r, &regs);
	plugin->emul_op(plugin->self, &regs);
	from_plugin_regs(&regs, r);
}

void IPPPluginInterrupt(void)
{
	if ((InterruptFlags & INTFLAG_IPP) == 0)
		return;
	ClearInterruptFlag(INTFLAG_IPP);	// before the call: a raise during it is not lost
	if (plugin == NULL)
		return;
	HandlerScope scope;
	plugin->interrupt(plugin->self);
}

/*
 *  Install .IPP in the unit table. Searching from the top for a free unit >= 48 is what the
 *  Device Manager does for dynamically installed drivers; a full table is left alone.
 */

static int find_free_unit(void)
{
	uint32 table, count;
	if (!read_long(UTABLE_BASE, &table) || !read_word(UNIT_NTRY_CNT, &count))
		return -1;
	for (int unit = (int)count - 1; unit >= FIRST_DYNAMIC_UNIT; unit--) {
		uint32 entry;
		if (!read_long(table + unit * 4, &entry))
			return -1;
		if (entry == 0)
			return unit;
	}
	return -1;
}

static void dispose_ptr(uint32 ptr)
{
	M68kRegisters r;
	memset(&r, 0, sizeof(r));
	r.a[0] = ptr;
	Execute68kTrap(0xa01f, &r);		// DisposePtr()
}

void IPPPluginInstallDriver(void)
{
	if (plugin == NULL)
		return;
	HandlerScope scope;

	int unit = find_free_unit();
	if (unit < 0) {
		ipp_log(MTB_LOG_ERROR, "no free unit table entry, .IPP not installed");
		return;
	}
	int16 ref_num = ~unit;

	// One block: the driver image, then the parameter block for Open
	uint32 size = plugin->driver_image_size;
	uint32 pb_offset = (size + 3) & ~3u;
	M68kRegisters r;
	memset(&r, 0, sizeof(r));
	r.d[0] = pb_offset + IO_PARAM_SIZE;
	Execute68kTrap(0xa71e, &r);		// NewPtrSysClear()
	uint32 drvr = r.a[0];
	uint8 *host = guest_range(drvr, pb_offset + IO_PARAM_SIZE);
	if (drvr == 0 || host == NULL) {
		ipp_log(MTB_LOG_ERROR, "no system heap memory for .IPP, not installed");
		return;
	}
	memcpy(host, plugin->driver_image, size);
	for (uint32 i = 0; i < plugin->emul_op_offset_count; i++)
		WriteMacInt16(drvr + plugin->emul_op_offsets[i], M68K_EMUL_OP_IPP);
	flush_code(drvr, size);

	memset(&r, 0, sizeof(r));
	r.a[0] = drvr;
	r.d[0] = (uint32)(int32)ref_num;
	Execute68kTrap(0xa43d, &r);		// DrvrInstallRsrvMem()
	int16 err = (int16)r.d[0];
	if (err != 0) {
		ipp_log(MTB_LOG_ERROR, "DrvrInstall of .IPP in unit %d failed (%d), not installed", unit, err);
		dispose_ptr(drvr);
		return;
	}
	uint32 table, handle, dce;
	if (!read_long(UTABLE_BASE, &table) || !read_long(table + unit * 4, &handle) || handle == 0
	 || !read_long(handle, &dce) || guest_range(dce, DCTL_FLAGS + 2) == NULL) {
		ipp_log(MTB_LOG_ERROR, "no DCE for .IPP in unit %d after DrvrInstall, not opened", unit);
		return;		// the image stays: the unit table may refer to it
	}
	memset(&r, 0, sizeof(r));
	r.a[0] = handle;
	Execute68kTrap(0xa029, &r);		// HLock()

	// A pointer-based driver like the ROM's (dRAMBased clear): dCtlDriver is the image itself
	WriteMacInt32(dce + DCTL_DRIVER, drvr);
	WriteMacInt16(dce + DCTL_FLAGS, ReadMacInt16(drvr));

	// Open it now, as .Disk and .AppleCD are: whoever asks for .IPP later finds it open
	uint32 pb = drvr + pb_offset;
	WriteMacInt32(pb + IO_NAME_PTR, drvr + DRVR_NAME);
	memset(&r, 0, sizeof(r));
	r.a[0] = pb;
	Execute68kTrap(0xa000, &r);		// Open()
	ipp_log(MTB_LOG_INFO, ".IPP installed in unit %d (refNum %d), Open returned %d", unit, ref_num, (int16)r.d[0]);
}
