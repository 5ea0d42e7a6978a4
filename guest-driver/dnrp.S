/*
 * The 'dnrp' code resource: MacTCP's Domain Name Resolver entry point, answered by the host.
 *
 * Copyright (C) 2026 The MacTCP Bridge developers.
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Applications' dnr.c-style glue loads this resource into their heap and calls its byte 0
 * (mactcp-reference section 8.1, 8.2): C convention, every argument 4 bytes,
 *     OSErr dnrp(long selector, long arg1, long arg2, long arg3, long arg4);
 * result in d0, caller pops, d3-d7/a2-a6 preserved. Position independent; 68000-clean.
 *
 * The resource is built once for every emulator, so it cannot contain an emulator-specific
 * EMUL_OP word. It reaches the host through the .IPP driver instead: OPENRESOLVER opens ".IPP"
 * with _Open, and every selector becomes one synchronous _Control with the private csCode
 * 0x4E00 (CsCode::dnrCall, host-bridge/src/driver/mactcp_codes.h) on a parameter block on our
 * stack carrying the selector, the four argument longs and the caller's A5 (read from the
 * low-memory global CurrentA5, not the register: the caller is the current application, and
 * compilers without A5-world conventions, such as GCC, use a5 as an ordinary register)
 * (host-bridge/src/dnr/dnr_layout.h has the same offsets). The host answers at once: noErr,
 * cacheFault (the Pascal result procedure is called later, from the interrupt path, through
 * the driver's ipp_tramp_pascal_2l) or an error. ENUMCACHE's procedure is called by the host
 * from inside the _Control, with records in the scratch part of the block.
 *
 * The result procedure must never run before this call has returned cacheFault (MacPython
 * marks a request as waiting only after the return). So interrupts stay masked from the
 * _Control until the caller's return address is in the PC: we return with RTE, which restores
 * the caller's SR and jumps back in one instruction.
 */

/* The private call block (keep in step with host-bridge/src/dnr/dnr_layout.h). */
#define DP_ioCompletion 12
#define DP_ioResult     16
#define DP_ioNamePtr    18
#define DP_ioRefNum     24
#define DP_csCode       26
#define DP_ioPermssn    27
#define DP_selector     28
#define DP_arg1         32
#define DP_arg2         36
#define DP_arg3         40
#define DP_arg4         44
#define DP_callerA5     48
#define DP_hostsData    52
#define DP_hostsLength  56
#define DP_SIZE         588

#define dnrCall         0x4E00
#define notOpenErr      -28
#define OPENRESOLVER    1
#define CPUFlag         0x12F    /* low memory: 0 = 68000, 1 = 68010, 2 = 68020, ... */
#define CurrentA5       0x904    /* low memory: the current application's A5 */

/* Our frame: a6 links it; the block sits right below the saved a6. */
#define ARG_selector    8
#define ARG_1           12
#define ARG_2           16
#define ARG_3           20
#define ARG_4           24

    .text
    .globl dnrp_start
dnrp_start:
    link    %a6,#-DP_SIZE
    movem.l %d2-%d3/%a2,-(%sp)       /* d2 too: C callers (GCC) expect it kept */
    move.w  %sr,%d3                 /* the caller's SR, restored by the RTE at the end */
    lea     -DP_SIZE(%a6),%a2
    move.l  %a2,%a0
    move.w  #DP_SIZE/2-1,%d0
1:  clr.w   (%a0)+
    dbra    %d0,1b

    moveq   #OPENRESOLVER,%d0
    cmp.l   ARG_selector(%a6),%d0
    bne.s   2f
    bsr.s   OpenDriver
    tst.w   %d0
    bne.s   Exit
    bra.s   Call
2:  lea     RefNum(%pc),%a0
    tst.w   (%a0)
    bne.s   Call
    move.w  #notOpenErr,%d0         /* never opened by this copy of the code */
    bra.s   Exit

Call:
    move.w  RefNum(%pc),DP_ioRefNum(%a2)
    move.w  #dnrCall,DP_csCode(%a2)
    move.l  ARG_selector(%a6),DP_selector(%a2)
    move.l  ARG_1(%a6),DP_arg1(%a2)
    move.l  ARG_2(%a6),DP_arg2(%a2)
    move.l  ARG_3(%a6),DP_arg3(%a2)
    move.l  ARG_4(%a6),DP_arg4(%a2)
    move.l  CurrentA5,DP_callerA5(%a2)
    ori.w   #0x0700,%sr             /* no result procedure until we are back in the caller */
    move.l  %a2,%a0
    .word   0xA004                  /* _Control, synchronous */
    move.w  DP_ioResult(%a2),%d0

Exit:
    ext.l   %d0
    move.w  %d3,%d1
    movem.l (%sp)+,%d2-%d3/%a2
    unlk    %a6
    /* Return like RTS, restoring the caller's SR in the same instruction. */
    move.l  (%sp)+,%a0
    tst.b   CPUFlag
    beq.s   3f
    clr.w   -(%sp)                  /* 68010 and later: format 0 frame word */
3:  move.l  %a0,-(%sp)
    move.w  %d1,-(%sp)
    rte

/* _Open ".IPP" on the block at a2; keeps its refnum. Out: d0 = result. */
OpenDriver:
    lea     IppName(%pc),%a0
    move.l  %a0,DP_ioNamePtr(%a2)
    clr.b   DP_ioPermssn(%a2)
    move.l  %a2,%a0
    .word   0xA000                  /* _Open */
    tst.w   %d0
    bne.s   9f
    lea     RefNum(%pc),%a0
    move.w  DP_ioRefNum(%a2),(%a0)
    clr.l   DP_ioNamePtr(%a2)
    moveq   #0,%d0
9:  rts

IppName:
    .byte   4
    .ascii  ".IPP"
    .balign 2
/* Written at run time: the code lives in a locked, detached handle in the application heap. */
RefNum:
    .word   0
    .globl dnrp_end
dnrp_end:
