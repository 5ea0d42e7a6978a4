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

#include <ctype.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <string>

#include "sysdeps.h"
#include "cpu_emulation.h"
#include "main.h"
#include "prefs.h"
#include "emul_op.h"
#include "macos_util.h"
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

// Setup errors reach the user through the emulator's own alert where there may be no console
#if defined(ENABLE_GTK) || defined(WIN32) || defined(__APPLE__)
#define IPP_GUI_ALERTS 1
#endif

// Mac OS facts (Inside Macintosh: Devices) that macos_util.h does not name
static const uint32 UTABLE_BASE = 0x11c;		// long: address of the unit table
static const uint32 UNIT_NTRY_CNT = 0x1d2;		// word: number of unit table entries
static const int FIRST_DYNAMIC_UNIT = 48;		// units below are Apple's
static const uint32 DRVR_NAME = 18;				// Pascal string in the DRVR header
static const uint32 MAX_DRIVER_SIZE = 0x10000;	// sanity bound for the plugin's image
static const int16 NOT_OPEN_ERR = -28;			// notOpenErr: the EMUL_OP's answer without plugin
static const uint32 GESTALT_MTCP = 0x6d746370;	// 'mtcp': MacTCP's Gestalt selector

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

// > 0 inside our EMUL_OP handlers: Execute68k is legal there, and an interrupt that arrives
// meanwhile (nested in their guest calls, or from SheepShaver's signal handler on PowerPC
// hosts) is deferred until the outermost one returns, never run inside the plugin.
static volatile sig_atomic_t handler_depth;
static volatile sig_atomic_t interrupt_deferred;

static void host_raise_interrupt(void *);

struct HandlerScope {
	HandlerScope() { handler_depth = handler_depth + 1; }
	~HandlerScope() {
		handler_depth = handler_depth - 1;
		if (handler_depth == 0 && interrupt_deferred) {
			interrupt_deferred = 0;
			host_raise_interrupt(NULL);
		}
	}
};

static void print_line(int level, const char *line)
{
	FILE *out = level <= MTB_LOG_WARNING ? stderr : stdout;
	const char *tag = level == MTB_LOG_ERROR ? "IPP ERROR: " : level == MTB_LOG_WARNING ? "IPP WARNING: " : "IPP: ";
	fprintf(out, "%s%s\n", tag, line);
}

// The glue's own lines go through the plugin, which applies "ipplog" and records them in its
// trace. Without a plugin only errors and warnings are printed: off means silent.
static void ipp_log(int level, const char *format, ...)
{
	char line[512];
	va_list args;
	va_start(args, format);
	vsnprintf(line, sizeof(line), format, args);
	va_end(args);
	if (plugin != NULL)
		plugin->host_log(plugin->self, level, line);
	else if (level <= MTB_LOG_WARNING)
		print_line(level, line);
}

// A plugin that cannot be used: one line, and the emulator's alert in GUI builds
static void setup_failed(const char *format, ...)
{
	char text[512];
	va_list args;
	va_start(args, format);
	vsnprintf(text, sizeof(text), format, args);
	va_end(args);
	print_line(MTB_LOG_ERROR, text);
#ifdef IPP_GUI_ALERTS
	std::string alert = std::string("MacTCP Bridge: ") + text;
	WarningAlert(alert.c_str());
#endif
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

// Every value of the item, one per line: "ippconfig NAME=VALUE" may be given several times
static const char *host_pref_string(void *, const char *name)
{
	static std::string values;
	const char *value = name != NULL ? PrefsFindString(name, 0) : NULL;
	if (value == NULL)
		return NULL;
	values = value;
	for (int i = 1; (value = PrefsFindString(name, i)) != NULL; i++)
		values.append("\n").append(value);
	return values.c_str();
}

// The plugin has applied "ipplog" already
static void host_log(void *, int level, const char *line)
{
	print_line(level, line != NULL ? line : "");
}

// Why a table returned by the plugin cannot be used, or NULL if it can
static const char *unusable_reason(const mtb_plugin_api *api)
{
	if (api->struct_size < sizeof(mtb_plugin_api))
		return "its table is too small";
	if (!api->emul_op || !api->interrupt || !api->reset || !api->shutdown || !api->host_log)
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

// For bug reports: where guest RAM and low memory are, as the plugin will see them
static void log_ram_layout(void)
{
	uint32 base = ram_base_mac();
	ipp_log(MTB_LOG_INFO, "guest RAM at 0x%08x, %u KB, host address %p; low memory %s",
		base, RAMSize / 1024, (void *)RAMBaseHost, base == 0 ? "inside RAM" : "mapped apart");
}

/*
 *  Load the plugin named by prefs "ippplugin"; on any failure log one line and run on without
 */

void IPPPluginInit(void)
{
	const char *path = PrefsFindString("ippplugin");
	if (path == NULL || *path == 0)
		return;		// the feature is off: silent, like the emulator without the patch

	lib_handle lib = open_library(path);
	if (lib == NULL) {
		setup_failed("cannot load MacTCP plugin %s (%s), running without it", path, library_error());
		return;
	}
	mtb_entry_fn entry = find_entry(lib);
	if (entry == NULL) {
		setup_failed("%s is not a MacTCP plugin (no %s), running without it", path, MTB_ENTRY_SYMBOL);
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
		setup_failed("MacTCP plugin %s refused this emulator (ABI version %u), running without it", path, MTB_ABI_VERSION);
		close_library(lib);
		return;
	}
	if (api->abi_version != MTB_ABI_VERSION) {
		// Its table has an unknown layout: call nothing in it, and keep the library mapped,
		// since threads it may have started would crash if their code went away
		setup_failed("MacTCP plugin %s has ABI version %u, this emulator needs %u; running without it", path, api->abi_version, MTB_ABI_VERSION);
		return;
	}
	const char *reason = unusable_reason(api);
	if (reason != NULL) {
		setup_failed("MacTCP plugin %s is unusable (%s), running without it", path, reason);
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

// The emulator has cleared INTFLAG_IPP already: a raise during the call is not lost
void IPPPluginInterrupt(void)
{
	if (plugin == NULL)
		return;
	if (handler_depth > 0) {
		interrupt_deferred = 1;		// raised again when the outermost handler returns
		return;
	}
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

// Whether the driver in `unit` is called .IPP (MacTCP's, Open Transport's, or ours)
static bool unit_is_ipp(uint32 table, int unit)
{
	static const char name[] = "\004.IPP";
	uint32 handle, dce, flags, driver;
	if (!read_long(table + unit * 4, &handle) || handle == 0 || !read_long(handle, &dce)
	 || !read_word(dce + dCtlFlags, &flags) || !read_long(dce + dCtlDriver, &driver) || driver == 0)
		return false;
	if ((flags & (1 << dRAMBased)) != 0 && !read_long(driver, &driver))	// a handle
		return false;
	const uint8 *found = guest_range(driver + DRVR_NAME, 5);
	if (found == NULL)
		return false;
	for (int i = 0; i < 5; i++)		// the Device Manager ignores case: MacTCP's is ".ipp"
		if (toupper(found[i]) != name[i])
			return false;
	return true;
}

// Another .IPP already installed (a warm restart with MacTCP or Open Transport), or -1
static int other_ipp_unit(int except)
{
	uint32 table, count;
	if (!read_long(UTABLE_BASE, &table) || !read_word(UNIT_NTRY_CNT, &count))
		return -1;
	for (int unit = 0; unit < (int)count; unit++)
		if (unit != except && unit_is_ipp(table, unit))
			return unit;
	return -1;
}

static void dispose_ptr(uint32 ptr)
{
	M68kRegisters r;
	memset(&r, 0, sizeof(r));
	r.a[0] = ptr;
	Execute68kTrap(0xa01f, &r);		// DisposePtr()
}

// Whether an OS trap is implemented (Gestalt is not on System 6.0.3 and earlier)
static bool os_trap_implemented(uint16 trap_number)
{
	M68kRegisters r;
	memset(&r, 0, sizeof(r));
	r.d[0] = trap_number;
	Execute68kTrap(0xa346, &r);		// GetOSTrapAddress()
	uint32 address = r.a[0];
	memset(&r, 0, sizeof(r));
	r.d[0] = 0x9f;
	Execute68kTrap(0xa746, &r);		// GetToolTrapAddress(_Unimplemented)
	return address != r.a[0];
}

// The driver's Open registers Gestalt 'mtcp'; some programs look there before opening .IPP
static void log_gestalt(void)
{
	if (!os_trap_implemented(0xad)) {
		ipp_log(MTB_LOG_INFO, "no Gestalt in this System: 'mtcp' not registered");
		return;
	}
	M68kRegisters r;
	memset(&r, 0, sizeof(r));
	r.d[0] = GESTALT_MTCP;
	Execute68kTrap(0xa1ad, &r);		// Gestalt()
	if ((int16)r.d[0] == 0)
		ipp_log(MTB_LOG_INFO, "Gestalt 'mtcp' answers %u", r.a[0]);
	else
		ipp_log(MTB_LOG_WARNING, "Gestalt 'mtcp' is not registered (%d): programs that check it will not use MacTCP", (int16)r.d[0]);
}

void IPPPluginInstallDriver(void)
{
	if (plugin == NULL)
		return;
	HandlerScope scope;
	log_ram_layout();

	int unit = find_free_unit();
	if (unit < 0) {
		ipp_log(MTB_LOG_ERROR, "no free unit table entry, .IPP not installed");
		return;
	}
	int16 ref_num = ~unit;
	int other = other_ipp_unit(-1);

	// One block: the driver image, then the parameter block for Open
	uint32 size = plugin->driver_image_size;
	uint32 pb_offset = (size + 3) & ~3u;
	M68kRegisters r;
	memset(&r, 0, sizeof(r));
	r.d[0] = pb_offset + SIZEOF_IOParam;
	Execute68kTrap(0xa71e, &r);		// NewPtrSysClear()
	uint32 drvr = r.a[0];
	uint8 *host = guest_range(drvr, pb_offset + SIZEOF_IOParam);
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
	 || !read_long(handle, &dce) || guest_range(dce, dCtlFlags + 2) == NULL) {
		ipp_log(MTB_LOG_ERROR, "no DCE for .IPP in unit %d after DrvrInstall, not opened", unit);
		return;		// the image stays: the unit table may refer to it
	}
	memset(&r, 0, sizeof(r));
	r.a[0] = handle;
	Execute68kTrap(0xa029, &r);		// HLock()

	// A pointer-based driver like the ROM's (dRAMBased clear): dCtlDriver is the image itself
	WriteMacInt32(dce + dCtlDriver, drvr);
	WriteMacInt16(dce + dCtlFlags, ReadMacInt16(drvr));

	// Open it now, as .Disk and .AppleCD are: whoever asks for .IPP later finds it open. The
	// Device Manager opens the first .IPP it finds by name; ioRefNum says which one that was.
	uint32 pb = drvr + pb_offset;
	WriteMacInt32(pb + ioNamePtr, drvr + DRVR_NAME);
	memset(&r, 0, sizeof(r));
	r.a[0] = pb;
	Execute68kTrap(0xa000, &r);		// Open()
	int16 open_err = (int16)r.d[0];
	int16 opened = (int16)ReadMacInt16(pb + ioRefNum);
	ipp_log(open_err == 0 ? MTB_LOG_INFO : MTB_LOG_ERROR, ".IPP installed in unit %d (refNum %d), Open returned %d", unit, ref_num, open_err);
	if (open_err == 0 && opened != ref_num)
		ipp_log(MTB_LOG_WARNING, "Open(\".IPP\") reached the .IPP in unit %d, not ours in unit %d: "
			"programs will use that one, not MacTCP Bridge", ~opened, unit);
	else if (other >= 0)
		ipp_log(MTB_LOG_INFO, "another .IPP is in unit %d; ours answers Open(\".IPP\")", other);
	else
		ipp_log(MTB_LOG_INFO, "no other .IPP in the unit table");
	if (open_err == 0 && opened == ref_num)
		log_gestalt();
}
