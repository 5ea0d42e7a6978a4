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
/* OPENRESOLVER only: the hosts file's File Manager block and name, in the block's scratch
 * (the host only uses it for ENUMCACHE). */
#define DP_fileIO       332
#define DP_fileName     396      /* Pascal string, up to 190 characters */
#define MaxHostsPath    190
#define MaxHostsBytes   32768    /* MacTCP hosts files are a few lines; longer ones are cut */
#define BootDrive       0x210    /* low memory: the System Folder's volume/working directory */

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
    movem.l %d2-%d4/%a2-%a3,-(%sp)   /* d2 too: C callers (GCC) expect it kept */
    move.w  %sr,%d3                 /* the caller's SR, restored by the RTE at the end */
    lea     -DP_SIZE(%a6),%a2
    move.l  %a2,%a0
    move.w  #DP_SIZE/2-1,%d0
1:  clr.w   (%a0)+
    dbra    %d0,1b

    moveq   #OPENRESOLVER,%d0
    cmp.l   ARG_selector(%a6),%d0
    bne.s   2f
    bsr     OpenDriver
    tst.w   %d0
    bne.s   Exit
    bsr     ReadHosts                /* d4 = the buffer to dispose of afterwards, or 0 */
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
    tst.l   %d4
    beq.s   Exit
    move.w  %d0,%d2
    move.l  %d4,%a0
    .word   0xA01F                  /* DisposePtr: the host has seeded its cache */
    move.w  %d2,%d0

Exit:
    ext.l   %d0
    move.w  %d3,%d1
    movem.l (%sp)+,%d2-%d4/%a2-%a3
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

/*
 * OPENRESOLVER's hosts file (mactcp-reference 8.2): the C string path in argument 1, or NIL
 * for "Hosts" in the System Folder. Read into a NewPtr block whose address and length go to
 * the host in the call block; no file (or any error) is not an error. Out: d4 = block or 0.
 */
ReadHosts:
    moveq   #0,%d4
    lea     DP_fileIO(%a2),%a3
    move.l  ARG_1(%a6),%d0
    bne.s   1f
    lea     HostsName(%pc),%a0
    move.l  %a0,DP_ioNamePtr(%a3)
    move.w  BootDrive,22(%a3)       /* ioVRefNum */
    bra.s   4f
1:  move.l  %d0,%a0                 /* C string -> Pascal string */
    lea     DP_fileName+1(%a2),%a1
    moveq   #0,%d1
2:  move.b  (%a0)+,%d2
    beq.s   3f
    move.b  %d2,(%a1)+
    addq.w  #1,%d1
    cmp.w   #MaxHostsPath,%d1
    bls.s   2b
    rts                             /* too long for a path: no hosts file */
3:  lea     DP_fileName(%a2),%a0
    move.b  %d1,(%a0)
    move.l  %a0,DP_ioNamePtr(%a3)
4:  move.b  #1,DP_ioPermssn(%a3)    /* fsRdPerm */
    move.l  %a3,%a0
    .word   0xA000                  /* _Open: a name without the driver dot is a file */
    tst.w   %d0
    bne.s   9f
    move.l  %a3,%a0
    .word   0xA011                  /* _GetEOF -> ioMisc */
    tst.w   %d0
    bne.s   8f
    move.l  28(%a3),%d2
    beq.s   8f
    cmp.l   #MaxHostsBytes,%d2
    bls.s   5f
    move.l  #MaxHostsBytes,%d2
5:  move.l  %d2,%d0
    .word   0xA11E                  /* NewPtr -> a0 */
    move.l  %a0,%d4
    beq.s   8f
    move.l  %a0,32(%a3)             /* ioBuffer */
    move.l  %d2,36(%a3)             /* ioReqCount */
    move.w  #1,44(%a3)              /* ioPosMode = fsFromStart */
    clr.l   46(%a3)                 /* ioPosOffset */
    move.l  %a3,%a0
    .word   0xA002                  /* _Read (eofErr with a short count is fine) */
    move.l  %d4,DP_hostsData(%a2)
    move.l  40(%a3),DP_hostsLength(%a2)   /* ioActCount */
8:  move.l  %a3,%a0
    .word   0xA001                  /* _Close */
9:  clr.l   DP_ioNamePtr(%a3)
    rts

HostsName:
    .byte   5
    .ascii  "Hosts"
    .balign 2
IppName:
    .byte   4
    .ascii  ".IPP"
    .balign 2
/* Written at run time: the code lives in a locked, detached handle in the application heap. */
RefNum:
    .word   0
    .globl dnrp_end
dnrp_end:
