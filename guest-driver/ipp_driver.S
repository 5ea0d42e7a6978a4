/*
 * The .IPP DRVR: the guest half of MacTCP Bridge (68000-clean, position independent).
 *
 * Copyright (C) 2026 The MacTCP Bridge developers.
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Every entry point puts a sub-selector (mtb_emul_op_selector) in d0 and executes the host's
 * IPP EMUL_OP word, which the host writes over each `EMUL_OP` placeholder at install time.
 * The host either finishes a request at once (final ioResult written) or leaves it pending
 * (ioResult = 1) and finishes it later from its interrupt path.
 *
 * Concurrency (design.md section 3): MacTCP keeps many requests outstanding, so a queued
 * request must not keep the driver busy until it completes. The Control/Status/Prime entry
 * therefore takes every request off dCtlQHdr itself and clears drvrActive, instead of leaving
 * it to IODone. IODone is never used: it would call ioCompletion with the Device Manager's
 * register convention, while MacTCP completion routines are C functions taking the pb on the
 * stack (mactcp-reference section 1.3).
 *
 * The trampolines at the end are called by the host through execute68k to run guest
 * callbacks with their real calling conventions.
 */

/* Parameter block and DCE offsets (Inside Macintosh: Devices). */
#define ioTrap       6
#define ioCompletion 12
#define ioResult     16
#define dCtlFlagsLo  5      /* low byte of dCtlFlags (DCE+4); bit 7 = drvrActive */
#define dCtlQHead    8      /* dCtlQHdr (DCE+6) + qHead (2) */
#define dCtlQTail    12     /* dCtlQHdr (DCE+6) + qTail (6) */
#define trapNoQueueBit 1    /* bit 9 of ioTrap, in its high byte */
#define trapAsyncBit   2    /* bit 10 of ioTrap, in its high byte */
#define drvrActiveBit  7

/* A placeholder for the host's EMUL_OP word; ILLEGAL until the host patches it. */
#define EMUL_OP(n) .globl ipp_emulop_##n; ipp_emulop_##n: .word 0x4AFC

#define SEL_OPEN    0
#define SEL_PRIME   1
#define SEL_CONTROL 2
#define SEL_STATUS  3
#define SEL_CLOSE   4

    .text
    .globl ipp_driver_start
ipp_driver_start:
    .word   0x4C00                  /* drvrFlags: dNeedLock | dStatEnable | dCtlEnable */
    .word   0                       /* drvrDelay */
    .word   0                       /* drvrEMask */
    .word   0                       /* drvrMenu */
    .word   DrvOpen - ipp_driver_start
    .word   DrvPrime - ipp_driver_start
    .word   DrvControl - ipp_driver_start
    .word   DrvStatus - ipp_driver_start
    .word   DrvClose - ipp_driver_start
    .byte   4
    .ascii  ".IPP"
    .balign 2

DrvOpen:
    moveq   #SEL_OPEN,%d0
    EMUL_OP(open)
    tst.w   %d0
    bne.s   9f
    /* Register Gestalt 'mtcp' (some clients test it before opening us), where Gestalt
     * exists: its trap must not be the Unimplemented one (System before 6.0.4). */
    movem.l %a0-%a1,-(%sp)
    move.w  #0x00AD,%d0
    .word   0xA346                  /* _GetOSTrapAddress (Gestalt) */
    move.l  %a0,%d1
    move.w  #0x009F,%d0
    .word   0xA746                  /* _GetToolTrapAddress (Unimplemented) */
    cmp.l   %a0,%d1
    beq.s   8f
    lea     GestaltMtcp(%pc),%a0
    move.l  #0x6D746370,%d0         /* 'mtcp' */
    .word   0xA3AD                  /* _NewGestalt */
    tst.w   %d0
    beq.s   8f
    lea     GestaltMtcp(%pc),%a0    /* already defined (real MacTCP): take it over */
    move.l  #0x6D746370,%d0
    .word   0xA5AD                  /* _ReplaceGestalt */
8:  movem.l (%sp)+,%a0-%a1
    moveq   #0,%d0
9:  rts

/* pascal OSErr (OSType selector, long *response): we are MacTCP 2.0 (value 3). */
GestaltMtcp:
    move.l  4(%sp),%a0
    move.l  #3,(%a0)
    move.l  (%sp)+,%a0
    addq.l  #8,%sp
    clr.w   (%sp)
    jmp     (%a0)

DrvClose:
    moveq   #SEL_CLOSE,%d0
    EMUL_OP(close)
    rts

DrvPrime:
    moveq   #SEL_PRIME,%d2
    bra.s   Serve
DrvStatus:
    moveq   #SEL_STATUS,%d2
    bra.s   Serve
DrvControl:
    moveq   #SEL_CONTROL,%d2
    /* fall through */

/*
 * In: a0 = the Device Manager's pb, a1 = DCE, d2 = selector.
 * Out: d0 = that pb's final result, or 0 while it is pending.
 */
Serve:
    movem.l %d3-%d4/%a2-%a4,-(%sp)
    move.l  %a0,%a3                 /* the caller's pb: its result is what we return */
    move.l  %a1,%a2                 /* DCE */
    move.l  %d2,%d3                 /* selector (a whole long: the host reads all of d0) */
    btst    #trapNoQueueBit,ioTrap(%a0)
    beq.s   ServeQueue

    /* Immediate call: never queued; no completion routine (Device Manager rule). */
    move.l  %d3,%d0
    EMUL_OP(immediate)
    bra.s   ServeDone

ServeQueue:
    /* Take the head of the queue with interrupts masked: interrupt-level callers enqueue too. */
    move.w  %sr,-(%sp)
    ori.w   #0x0700,%sr
    move.l  dCtlQHead(%a2),%d0
    beq.s   ServeQueueEmpty
    move.l  %d0,%a4
    move.l  (%a4),dCtlQHead(%a2)    /* qHead = pb->qLink */
    bne.s   1f
    clr.l   dCtlQTail(%a2)
    bclr    #drvrActiveBit,dCtlFlagsLo(%a2)   /* queue drained: the driver is free again */
1:  move.w  (%sp)+,%sr

    move.l  %a4,%a0
    move.l  %a2,%a1
    move.l  %d3,%d0
    EMUL_OP(queued)
    tst.l   %d0
    bgt.s   ServeQueue              /* pending: the host completes it later */
    btst    #trapAsyncBit,ioTrap(%a4)
    beq.s   ServeQueue              /* synchronous: the caller is waiting on ioResult */
    move.l  ioCompletion(%a4),%d1
    beq.s   ServeQueue
    /* Finished at once, asynchronous, with a completion routine: call it the MacTCP way. */
    move.l  %d1,%a1
    move.l  %a4,%a0
    move.w  ioResult(%a4),%d0
    ext.l   %d0
    move.l  %sp,%d4                 /* a routine wrongly declared pascal pops its argument */
    move.l  %a4,-(%sp)
    jsr     (%a1)
    move.l  %d4,%sp
    bra.s   ServeQueue

ServeQueueEmpty:
    bclr    #drvrActiveBit,dCtlFlagsLo(%a2)
    move.w  (%sp)+,%sr

ServeDone:
    move.w  ioResult(%a3),%d0
    ext.l   %d0
    bgt.s   1f
    movem.l (%sp)+,%d3-%d4/%a2-%a4
    rts
1:  moveq   #0,%d0                  /* pending: the trap returns noErr, ioResult stays 1 */
    movem.l (%sp)+,%d3-%d4/%a2-%a4
    rts

/*
 * Trampolines, entered through the host's execute68k with a6 free for our frame. The frame
 * restores SP whatever the callee pops, so a routine declared with the wrong convention cannot
 * unbalance the interrupted code's stack. The host loads a5 with the application's A5.
 */

/* C completion routine: a1 = routine, a0 = pb (also left in a0), d0 = ioResult. */
    .globl ipp_tramp_completion
ipp_tramp_completion:
    link    %a6,#0
    move.l  %a0,-(%sp)
    jsr     (%a1)
    unlk    %a6
    rts

/* Pascal TCP ASR (stream, event, userData, reason, icmpMsg):
 * a3 = routine, a0 = stream, d0.w = event, a2 = userData, d1.w = reason, a1 = icmpMsg. */
    .globl ipp_tramp_tcp_asr
ipp_tramp_tcp_asr:
    link    %a6,#0
    move.l  %a0,-(%sp)
    move.w  %d0,-(%sp)
    move.l  %a2,-(%sp)
    move.w  %d1,-(%sp)
    move.l  %a1,-(%sp)
    jsr     (%a3)
    unlk    %a6
    rts

/* Pascal UDP ASR (stream, event, userData, icmpMsg):
 * a3 = routine, a0 = stream, d0.w = event, a2 = userData, a1 = icmpMsg. */
    .globl ipp_tramp_udp_asr
ipp_tramp_udp_asr:
    link    %a6,#0
    move.l  %a0,-(%sp)
    move.w  %d0,-(%sp)
    move.l  %a2,-(%sp)
    move.l  %a1,-(%sp)
    jsr     (%a3)
    unlk    %a6
    rts

/* Pascal procedure of two longs (DNR ResultProc, ResultProc2, EnumResultProc):
 * a3 = routine, a0 = first argument, a1 = second argument. */
    .globl ipp_tramp_pascal_2l
ipp_tramp_pascal_2l:
    link    %a6,#0
    move.l  %a0,-(%sp)
    move.l  %a1,-(%sp)
    jsr     (%a3)
    unlk    %a6
    rts

/*
 * Driver-owned guest memory for records that must live in guest RAM and that apps only read
 * while a callback runs or through pointers we hand out (ICMP reports, TCPParam, TCPStats).
 */
    .balign 4
    .globl ipp_scratch
ipp_scratch:
    .space  512
    .globl ipp_driver_end
ipp_driver_end:
