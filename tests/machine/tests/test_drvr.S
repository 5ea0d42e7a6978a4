/*
 * .TestDrv: a classic Device Manager driver for the machine's own tests (not MacTCP). It follows
 * the ordinary ROM conventions (finish through jIODone, or return with the request still queued),
 * so the tests can watch the Device Manager's queue, drvrActive and IODone at work.
 * Served to the machine as the driver image of the tests' fake plugin; its EMUL_OP
 * placeholders reach that plugin.
 *
 * Control csCodes:
 *   1   killCode: reported to the plugin (selector 2), then RTS
 *   100 finish now with result = csParam[0] (jIODone, or ioResult for an immediate call)
 *   101 stay pending: RTS, the request keeps the driver busy until someone calls IODone
 *   102 (immediate) complete the queue head through IODone with result = csParam[0]
 *   103 ask the plugin (selector 2): d0 > 0 = pending, else the result
 *   other: controlErr
 * Status csCode 200 writes 'STAT' at csParam; other: statusErr. No Read/Write enable bits.
 * testdrvr_complete_head: d0 = result, a1 = DCE; calls IODone (for the plugin's interrupt).
 *
 * Registers: a0 = pb and a1 = DCE on entry; only d0-d2/a0-a1 are changed (driver rules).
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define ioTrap   6
#define ioResult 16
#define csCode   26
#define csParam  28
#define JIODone  0x8FC
#define trapNoQueueBit 1    /* bit 9 of ioTrap, in its high byte */

#define EMUL_OP(n) .globl testdrvr_emulop_##n; testdrvr_emulop_##n: .word 0x4AFC

    .text
    .globl testdrvr_start
testdrvr_start:
    .word   0x4C00                  /* dNeedLock | dStatEnable | dCtlEnable */
    .word   0, 0, 0
    .word   Open - testdrvr_start
    .word   Prime - testdrvr_start
    .word   Control - testdrvr_start
    .word   Status - testdrvr_start
    .word   Close - testdrvr_start
    .byte   8
    .ascii  ".TestDrv"
    .balign 2

Open:
    moveq   #0,%d0
    EMUL_OP(open)
    rts

Close:
    moveq   #4,%d0
    EMUL_OP(close)
    rts

Prime:
    moveq   #0,%d0
    bra.s   Finish

Control:
    move.w  csCode(%a0),%d1
    cmp.w   #1,%d1
    beq.s   ToPluginRts
    cmp.w   #100,%d1
    beq.s   DoneNow
    cmp.w   #101,%d1
    beq.s   StayPending
    cmp.w   #102,%d1
    beq.s   FinishHead
    cmp.w   #103,%d1
    beq.s   ToPlugin
    move.w  #-17,%d0
    ext.l   %d0
    bra.s   Finish

DoneNow:
    move.w  csParam(%a0),%d0
    ext.l   %d0
    bra.s   Finish

StayPending:
    moveq   #0,%d0
    rts

FinishHead:
    move.l  %a0,-(%sp)
    move.w  csParam(%a0),%d0
    ext.l   %d0
    move.l  JIODone.w,%a0
    jsr     (%a0)                   /* IODone returns here (it ends in RTS) */
    move.l  (%sp)+,%a0
    clr.w   ioResult(%a0)
    moveq   #0,%d0
    rts

ToPluginRts:
    moveq   #2,%d0
    EMUL_OP(kill)
    rts

ToPlugin:
    moveq   #2,%d0
    EMUL_OP(control)
    tst.l   %d0
    bgt.s   StayPending
    /* fall through */

/* d0 = result, a0 = pb, a1 = DCE. */
Finish:
    btst    #trapNoQueueBit,ioTrap(%a0)
    beq.s   1f
    move.w  %d0,ioResult(%a0)       /* immediate: no IODone, the result goes in the pb */
    rts
1:  move.l  JIODone.w,-(%sp)        /* jump to IODone; it returns to the Device Manager */
    rts

Status:
    cmp.w   #200,csCode(%a0)
    bne.s   1f
    move.l  #0x53544154,csParam(%a0) /* 'STAT' */
    moveq   #0,%d0
    bra.s   Finish
1:  move.w  #-18,%d0
    ext.l   %d0
    bra.s   Finish

    .globl testdrvr_complete_head
testdrvr_complete_head:
    move.l  JIODone.w,%a0
    jsr     (%a0)
    rts

    .globl testdrvr_end
testdrvr_end:
