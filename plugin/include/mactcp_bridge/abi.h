/*
 * MacTCP Bridge plugin ABI.
 *
 * Copyright (C) 2026 The MacTCP Bridge developers.
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * The one boundary between a "host" (Basilisk II, SheepShaver, or our 68k test machine) and the
 * plugin (libmactcp_bridge). Plain C, no allocation or exception crosses it. The host fills a
 * mtb_host_api table and calls the single exported entry point; the plugin answers with a
 * mtb_plugin_api table, or NULL when it refuses (wrong ABI version, incomplete table).
 *
 * Threads: every function in both tables is called on the emulation thread only, with one
 * exception: mtb_host_api.raise_interrupt, which the plugin calls from its own network thread.
 *
 * Guest addresses are 32-bit values in the emulated Mac's address space. Guest data is
 * big-endian; the plugin does all byte swapping itself.
 */
#ifndef MACTCP_BRIDGE_ABI_H
#define MACTCP_BRIDGE_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped on every incompatible change of either table. A plugin refuses any other version. */
#define MTB_ABI_VERSION 1u

/* Name of the one exported symbol, for dlsym / SDL_LoadFunction. */
#define MTB_ENTRY_SYMBOL "mactcp_bridge_entry"

/* Which emulator is the host (informational: logs and traces). */
enum mtb_emulator {
    MTB_EMULATOR_UNKNOWN = 0,
    MTB_EMULATOR_BASILISK2 = 1,
    MTB_EMULATOR_SHEEPSHAVER = 2,
    MTB_EMULATOR_TEST_MACHINE = 3
};

/* Log levels, for mtb_host_api.log and the `ipplog` pref. */
enum mtb_log_level {
    MTB_LOG_ERROR = 0,
    MTB_LOG_WARNING = 1,
    MTB_LOG_INFO = 2,
    MTB_LOG_DEBUG = 3
};

/*
 * The emulator-neutral 68k register block. Each host translates it to its own M68kRegisters
 * (Basilisk II has an `sr` field, SheepShaver has none; neither is part of this block).
 */
typedef struct mtb_regs {
    uint32_t d[8]; /* d0..d7 */
    uint32_t a[8]; /* a0..a7; a7 is ignored by execute68k (the routine runs on the current stack) */
} mtb_regs;

/* A contiguous piece of guest RAM that the host lets the plugin address directly. */
typedef struct mtb_ram_region {
    uint8_t *host;       /* host pointer to guest address `guest_base`; NULL if not contiguous */
    uint32_t guest_base; /* guest address of the first byte (0 on Basilisk II) */
    uint32_t size;       /* bytes */
} mtb_ram_region;

/* Filled by the host, passed to mactcp_bridge_entry. Must stay valid until shutdown returns. */
typedef struct mtb_host_api {
    uint32_t abi_version;  /* MTB_ABI_VERSION the host was built with */
    uint32_t struct_size;  /* sizeof(mtb_host_api) as the host sees it */
    uint32_t emulator;     /* enum mtb_emulator */
    uint16_t emul_op_word; /* the 68k word that traps into mtb_plugin_api.emul_op in this host */
    uint16_t reserved0;    /* 0 */
    void *ctx;             /* opaque host context, passed back as the first argument below */

    /*
     * Guest RAM as it is now. Queried lazily (Basilisk II knows its RAM base only after CPU
     * init). Returns 0 and fills *out on success, nonzero when RAM is not available yet.
     */
    int (*get_ram)(void *ctx, mtb_ram_region *out);

    /*
     * Checked copies for hosts whose RAM is not one region (Basilisk II "banks" addressing).
     * Return 0 on success; nonzero (and nothing copied) when any byte of the range is not RAM.
     */
    int (*read_guest)(void *ctx, uint32_t guest_addr, void *dst, uint32_t len);
    int (*write_guest)(void *ctx, uint32_t guest_addr, const void *src, uint32_t len);

    /*
     * Run guest code at `addr` until it returns with RTS, with d0-d7/a0-a6 taken from *regs and
     * written back afterwards. Runs on the current guest stack with the current interrupt mask.
     * Legal only inside emul_op or interrupt (it may nest: the guest may trap back into the
     * plugin). Returns 0 on success, nonzero if the host could not run it.
     */
    int (*execute68k)(void *ctx, uint32_t addr, mtb_regs *regs);

    /*
     * The only thread-safe function: ask the host to call mtb_plugin_api.interrupt on the
     * emulation thread, at the guest's interrupt level, as soon as the guest allows. Several
     * raises before the call coalesce into one call.
     */
    void (*raise_interrupt)(void *ctx);

    /*
     * Prefs item `name`, or NULL when absent. Valid until the next call. An item given several
     * times (the emulators' "ippconfig NAME=VALUE" lines) answers all its values in order,
     * separated by '\n'. The plugin reads each setting NAME from an item "ippNAME" when the host
     * has one (the test machine; emulator patches of earlier releases), else from "ippconfig".
     */
    const char *(*pref_string)(void *ctx, const char *name);

    /* One log line (no trailing newline) at enum mtb_log_level `level`. */
    void (*log)(void *ctx, int level, const char *line);
} mtb_host_api;

/* emul_op sub-selectors: the driver entry point that trapped, passed in d0. */
enum mtb_emul_op_selector {
    MTB_OP_OPEN = 0,    /* a0 = pb, a1 = DCE; result OSErr in d0 */
    MTB_OP_PRIME = 1,   /* a0 = pb, a1 = DCE */
    MTB_OP_CONTROL = 2, /* a0 = pb, a1 = DCE; d0 = final OSErr, or 1 (inProgress) if pending */
    MTB_OP_STATUS = 3,  /* a0 = pb, a1 = DCE */
    MTB_OP_CLOSE = 4    /* a0 = pb, a1 = DCE */
};

/*
 * Returned by mactcp_bridge_entry; owned by the plugin and valid until shutdown returns.
 * After shutdown the host must not call anything in this table again.
 */
typedef struct mtb_plugin_api {
    uint32_t abi_version; /* MTB_ABI_VERSION */
    uint32_t struct_size; /* sizeof(mtb_plugin_api) */
    void *self;           /* opaque plugin instance, passed back as the first argument below */

    /* The IPP EMUL_OP: the driver stub trapped. Reads and writes *regs (d0 = result). */
    void (*emul_op)(void *self, mtb_regs *regs);

    /* The host's answer to raise_interrupt, at guest interrupt level on the emulation thread. */
    void (*interrupt)(void *self);

    /* The guest is restarting: forget every guest address, close every host socket. */
    void (*reset)(void *self);

    /* Stop and join every plugin thread. Nothing in either table is used afterwards. */
    void (*shutdown)(void *self);

    /*
     * The `.IPP` DRVR image to copy into guest RAM (system heap, not ROM). Before use the host
     * writes its emul_op_word at every offset in emul_op_offsets (big-endian word). The image is
     * position independent; the DRVR header starts at byte 0 and the driver name (".IPP") is
     * the Pascal string at offset 18. The host installs it as a pointer-based (not dRAMBased)
     * driver so that dCtlDriver in the DCE holds its address.
     */
    const uint8_t *driver_image;
    uint32_t driver_image_size;
    const uint32_t *emul_op_offsets;
    uint32_t emul_op_offset_count;

    /*
     * One diagnostic line of the host's own (the emulator glue's: driver install, unit table,
     * Gestalt), at enum mtb_log_level `level`. The plugin filters it by `ipplog` like its own
     * lines, records it in the `ipptrace` trace, and passes what it keeps to mtb_host_api.log.
     */
    void (*host_log)(void *self, int level, const char *line);
} mtb_plugin_api;

/*
 * The one exported symbol. Returns NULL if the plugin refuses the host (unknown ABI version,
 * struct too small, a required function pointer missing); it then has logged why through
 * host->log when that pointer was usable.
 */
typedef const mtb_plugin_api *(*mtb_entry_fn)(const mtb_host_api *host);
const mtb_plugin_api *mactcp_bridge_entry(const mtb_host_api *host);

#ifdef __cplusplus
}
#endif

#endif /* MACTCP_BRIDGE_ABI_H */
