/*
 * A-line trap glue for toolbox.h. OS traps take their arguments in registers (a0/d0) and return
 * a result in d0 (and a0 for allocators). The trap word must be an assembler constant, hence
 * one small macro per register shape. Clobbers follow the ROM dispatcher: d1/a1 may change.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "toolbox.h"

/* a0 = parameter block -> d0 = OSErr */
#define PB_TRAP(word, pb)                                                          \
    do {                                                                           \
        register void *a0_ __asm__("a0") = (pb);                                   \
        register long d0_ __asm__("d0");                                           \
        __asm__ volatile(".word " #word : "=d"(d0_), "+a"(a0_) : : "d1", "a1", "cc", "memory"); \
        return (OSErr)d0_;                                                         \
    } while (0)

OSErr PBOpenSync(ParmBlkPtr pb) { PB_TRAP(0xA000, pb); }
OSErr PBCloseSync(ParmBlkPtr pb) { PB_TRAP(0xA001, pb); }
OSErr PBReadSync(ParmBlkPtr pb) { PB_TRAP(0xA002, pb); }
OSErr PBReadAsync(ParmBlkPtr pb) { PB_TRAP(0xA402, pb); }
OSErr PBWriteSync(ParmBlkPtr pb) { PB_TRAP(0xA003, pb); }
OSErr PBWriteAsync(ParmBlkPtr pb) { PB_TRAP(0xA403, pb); }
OSErr PBControlSync(ParmBlkPtr pb) { PB_TRAP(0xA004, pb); }
OSErr PBControlAsync(ParmBlkPtr pb) { PB_TRAP(0xA404, pb); }
OSErr PBControlImmed(ParmBlkPtr pb) { PB_TRAP(0xA204, pb); }
OSErr PBStatusSync(ParmBlkPtr pb) { PB_TRAP(0xA005, pb); }
OSErr PBStatusAsync(ParmBlkPtr pb) { PB_TRAP(0xA405, pb); }
OSErr PBStatusImmed(ParmBlkPtr pb) { PB_TRAP(0xA205, pb); }
OSErr PBKillIOSync(ParmBlkPtr pb) { PB_TRAP(0xA006, pb); }

OSErr PBHGetFInfoSync(HFileParam *pb) { PB_TRAP(0xA20C, pb); }
OSErr PBGetFInfoSync(HFileParam *pb) { PB_TRAP(0xA00C, pb); }

OSErr OpenDriver(const unsigned char *name, short *refNum)
{
    ParamBlockRec pb;
    OSErr err;
    __builtin_memset(&pb, 0, sizeof pb);
    pb.ioParam.ioNamePtr = (StringPtr)name;
    err = PBOpenSync(&pb);
    *refNum = pb.ioParam.ioRefNum;
    return err;
}

OSErr CloseDriver(short refNum)
{
    ParamBlockRec pb;
    __builtin_memset(&pb, 0, sizeof pb);
    pb.ioParam.ioRefNum = refNum;
    return PBCloseSync(&pb);
}

/* d0 = size -> a0 = block or NIL, d0 = OSErr */
#define ALLOC_TRAP(word, size, type)                                               \
    do {                                                                           \
        register long d0_ __asm__("d0") = (size);                                  \
        register type a0_ __asm__("a0");                                           \
        __asm__ volatile(".word " #word : "=a"(a0_), "+d"(d0_) : : "d1", "a1", "cc", "memory"); \
        return a0_;                                                                \
    } while (0)

/* a0 = block -> d0 = OSErr */
#define A0_TRAP(word, arg)                                                         \
    do {                                                                           \
        register void *a0_ __asm__("a0") = (arg);                                  \
        __asm__ volatile(".word " #word : "+a"(a0_) : : "d0", "d1", "a1", "cc", "memory"); \
    } while (0)

Ptr NewPtr(Size size) { ALLOC_TRAP(0xA11E, size, Ptr); }
Ptr NewPtrClear(Size size) { ALLOC_TRAP(0xA31E, size, Ptr); }
Ptr NewPtrSys(Size size) { ALLOC_TRAP(0xA51E, size, Ptr); }
Ptr NewPtrSysClear(Size size) { ALLOC_TRAP(0xA71E, size, Ptr); }
Handle NewHandle(Size size) { ALLOC_TRAP(0xA122, size, Handle); }
Handle NewHandleClear(Size size) { ALLOC_TRAP(0xA322, size, Handle); }
Handle NewHandleSys(Size size) { ALLOC_TRAP(0xA522, size, Handle); }
Handle NewHandleSysClear(Size size) { ALLOC_TRAP(0xA722, size, Handle); }
void DisposePtr(Ptr p) { A0_TRAP(0xA01F, p); }
void DisposeHandle(Handle h) { A0_TRAP(0xA023, h); }
void HLock(Handle h) { A0_TRAP(0xA029, h); }
void HUnlock(Handle h) { A0_TRAP(0xA02A, h); }

OSErr MemError(void)
{
    return *(volatile OSErr *)0x220;
}

void BlockMove(const void *src, void *dst, Size count)
{
    register const void *a0 __asm__("a0") = src;
    register void *a1 __asm__("a1") = dst;
    register long d0 __asm__("d0") = count;
    __asm__ volatile(".word 0xA02E" : "+a"(a0), "+a"(a1), "+d"(d0) : : "d1", "cc", "memory");
}

OSErr Gestalt(OSType selector, long *response)
{
    register unsigned long d0 __asm__("d0") = selector;
    register long a0 __asm__("a0");
    __asm__ volatile(".word 0xA1AD" : "=a"(a0), "+d"(d0) : : "d1", "a1", "cc", "memory");
    if ((long)d0 == 0)
        *response = a0;
    return (OSErr)d0;
}

/* Toolbox trap, Pascal function: the caller reserves the result on the stack. */
unsigned long TickCount(void)
{
    unsigned long ticks;
    __asm__ volatile("subq.l #4,%%sp\n\t"
                     ".word 0xA975\n\t"
                     "move.l (%%sp)+,%0"
                     : "=d"(ticks) : : "cc", "memory");
    return ticks;
}

void Delay(unsigned long ticks, unsigned long *finalTicks)
{
    register unsigned long a0 __asm__("a0") = ticks;
    register unsigned long d0 __asm__("d0");
    __asm__ volatile(".word 0xA03B" : "=d"(d0), "+a"(a0) : : "d1", "a1", "cc", "memory");
    if (finalTicks)
        *finalTicks = d0;
}

/*
 * Pascal-convention Toolbox calls, in assembly so that the pushes cannot disturb operands
 * addressed relative to SP. C arguments: 4(sp)... at entry; a short travels in an int slot
 * (its value is the low word, +2). A Pascal Boolean result is the high byte of its word.
 */
__asm__(".text\n\t.even\n\t"
        ".globl WaitNextEvent\nWaitNextEvent:\n\t"
        "subq.l  #2,%sp\n\t"       /* result */
        "move.w  8(%sp),-(%sp)\n\t"  /* eventMask (6 + 2) */
        "move.l  12(%sp),-(%sp)\n\t" /* theEvent (8 + 4) */
        "move.l  20(%sp),-(%sp)\n\t" /* sleep (12 + 8) */
        "move.l  28(%sp),-(%sp)\n\t" /* mouseRgn (16 + 12) */
        ".word   0xA860\n\t"
        "moveq   #0,%d0\n\t"
        "move.b  (%sp)+,%d0\n\t"      /* a byte pop on A7 moves it by 2 */
        "rts\n\t"
        ".globl GetNextEvent\nGetNextEvent:\n\t"
        "subq.l  #2,%sp\n\t"
        "move.w  8(%sp),-(%sp)\n\t"  /* eventMask */
        "move.l  12(%sp),-(%sp)\n\t" /* theEvent */
        ".word   0xA970\n\t"
        "moveq   #0,%d0\n\t"
        "move.b  (%sp)+,%d0\n\t"
        "rts\n\t"
        ".globl EventAvail\nEventAvail:\n\t"
        "subq.l  #2,%sp\n\t"
        "move.w  8(%sp),-(%sp)\n\t"
        "move.l  12(%sp),-(%sp)\n\t"
        ".word   0xA971\n\t"
        "moveq   #0,%d0\n\t"
        "move.b  (%sp)+,%d0\n\t"
        "rts\n\t"
        ".globl SystemTask\nSystemTask:\n\t"
        ".word   0xA9B4\n\t"
        "rts\n\t"
        ".globl GetCurrentProcess\nGetCurrentProcess:\n\t"
        "subq.l  #2,%sp\n\t"
        "move.l  6(%sp),-(%sp)\n\t"  /* psn (4 + 2) */
        "move.w  #0x0037,-(%sp)\n\t" /* selector */
        ".word   0xA88F\n\t"          /* _OSDispatch */
        "move.w  (%sp)+,%d0\n\t"
        "ext.l   %d0\n\t"
        "rts\n\t"
        ".globl WakeUpProcess\nWakeUpProcess:\n\t"
        "subq.l  #2,%sp\n\t"
        "move.l  6(%sp),-(%sp)\n\t"
        "move.w  #0x003C,-(%sp)\n\t"
        ".word   0xA88F\n\t"
        "move.w  (%sp)+,%d0\n\t"
        "ext.l   %d0\n\t"
        "rts\n\t"
        ".previous");
