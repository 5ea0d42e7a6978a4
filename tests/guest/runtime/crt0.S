/*
 * Guest program entry: the machine jumps to the load address (the start of .text.start) in
 * supervisor mode with SP at the top of RAM. Clears .bss (not part of the flat binary),
 * runs main and hands its result to the EXIT host call.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "mtb_guest_abi.h"

    .section .text.start,"ax"
    .globl  _start
_start:
    lea     __bss_start,%a0
    lea     __bss_end,%a1
1:  cmp.l   %a1,%a0
    bcc.s   2f
    clr.b   (%a0)+
    bra.s   1b
2:  jsr     main
    .word   MTB_HOSTCALL_EXIT       /* d0 = main's result */
    bra.s   2b                      /* not reached: EXIT ends the run */
