/*
 * The contract between 68k guest programs and the 68k test machine: host-call words and the
 * fixed memory layout. Plain C preprocessor only, so that both the guest runtime (m68k gcc) and
 * the machine (host C++) include this one file and cannot drift apart.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef MTB_GUEST_ABI_H
#define MTB_GUEST_ABI_H

/*
 * Host calls are 0x71xx words: illegal on every 68k (bit 8 set in a MOVEQ pattern), which is
 * also the space Basilisk II uses for its EMUL_OPs. Registers in and out are listed per word.
 */
#define MTB_HOSTCALL_EXIT        0x7100 /* d0 = exit code; ends the run */
#define MTB_HOSTCALL_PRINT       0x7101 /* a0 = C string appended to the program's output */
#define MTB_HOSTCALL_PARAM       0x7102 /* a0 = C-string name -> d0 = value, d1 = 1 found / 0 not */
#define MTB_HOSTCALL_IDLE        0x7103 /* d0 = max milliseconds; returns early when an interrupt is
                                           pending (the guest takes it at its next instruction) */
#define MTB_HOSTCALL_PARAM_TEXT  0x7104 /* a0 = C-string name, a1 = buffer, d1 = buffer size ->
                                           d0 = string length (copied NUL-terminated, truncated),
                                           or -1 when absent */

/* Words the machine itself places in guest memory; a guest program never executes them. */
#define MTB_HOSTCALL_PLUGIN      0x71F0 /* the plugin's EMUL_OP (mtb_host_api.emul_op_word) */
#define MTB_HOSTCALL_IRQ         0x71F1 /* level-1 interrupt stub: service the plugin's interrupt */
#define MTB_HOSTCALL_IODONE      0x71F2 /* the IODone routine behind jIODone (a1 = DCE, d0 = result) */
#define MTB_HOSTCALL_RETURN      0x71FF /* return address of host-initiated guest calls */

/*
 * What fresh memory holds: NewPtr/NewHandle blocks (without the clear bit) and the whole stack at
 * the start of a run are filled with this long, repeated by address (a long at a multiple of 4
 * reads 0xDEADBEEF, a word reads 0xDEAD or 0xBEEF). On a real Mac they hold leftovers; a
 * recognisable value that is an odd pointer outside guest RAM makes a use of uninitialised
 * memory fail loudly. NewPtrClear/NewHandleClear (and the Sys variants) still give zeros.
 */
#define MTB_GARBAGE_PATTERN      0xDEADBEEFu

/* Guest programs are flat binaries linked at this address (tests/guest/runtime/guest.ld). */
#define MTB_GUEST_LOAD_ADDRESS   0x00100000

#endif
