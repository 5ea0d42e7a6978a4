/*
 * Thunks that let plain C functions serve as 68k callbacks with non-C calling conventions.
 * GCC has no `pascal` keyword, so each macro emits (file scope) a small assembly routine
 * `thunk` that reorders the caller's arguments for the C function `fn`, then pops what the
 * convention says the callee pops. Declare `fn` before using the macro; pass `thunk` (cast to
 * the record's pointer type) wherever a routine address is wanted.
 *
 * A program may have as many thunks of each kind as it needs: each is a separate routine, local
 * to its source file (no .globl), so two files may both name theirs `asr_thunk`, and one C
 * function may sit behind several thunks. Use a thunk in the file that defines it.
 *
 *  MTB_TCP_ASR_THUNK(thunk, fn)
 *      Pascal TCP ASR (StreamPtr, unsigned short event, Ptr userData, unsigned short reason,
 *      ICMPReport *); callee pops 16 bytes (4+2+4+2+4; mactcp-reference 5.2 says 18 in its
 *      prose, but its own stack table adds up to 16).
 *      fn: void fn(StreamPtr s, unsigned short event, Ptr userData, unsigned short reason,
 *                  ICMPReport *icmp)
 *  MTB_UDP_ASR_THUNK(thunk, fn)
 *      Pascal UDP ASR (StreamPtr, unsigned short event, Ptr userData, ICMPReport *); pops 14.
 *      fn: void fn(StreamPtr s, unsigned short event, Ptr userData, ICMPReport *icmp)
 *  MTB_PASCAL_2L_THUNK(thunk, fn)
 *      Pascal procedure of two longs: DNR ResultProc (hostInfo *, char *userData), ResultProc2
 *      and EnumResultProc; pops 8.   fn: void fn(void *first, char *userData)
 *  MTB_DM_COMPLETION_THUNK(thunk, fn)
 *      Device Manager ioCompletion (a0 = pb, d0 = result), the convention of ordinary drivers
 *      (MacTCP's own completion routines are plain C: no thunk needed).
 *      fn: void fn(ParmBlkPtr pb, long result)
 *
 * Only d0/a0 are used inside the thunks: the conventions let callbacks change d0-d2/a0-a1,
 * and the C function preserves d2-d7/a2-a6 itself.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef MTB_CALLBACK_THUNKS_H
#define MTB_CALLBACK_THUNKS_H

/* Keeps `fn` alive even when it is static and referenced only from the assembly. `thunk` is
 * declared extern for C, but the label is local to this file's assembly, where the references
 * bind to it. */
#define MTB_THUNK_KEEP_(thunk, fn) \
    void thunk(void);              \
    static void *const thunk##_target_ __attribute__((used)) = (void *)(fn)

#define MTB_THUNK_HEAD_(thunk) ".text\n\t.even\n" #thunk ":\n\t"

#define MTB_TCP_ASR_THUNK(thunk, fn)                                                    \
    MTB_THUNK_KEEP_(thunk, fn);                                                         \
    __asm__(MTB_THUNK_HEAD_(thunk)                                                      \
            "move.l  4(%sp),-(%sp)\n\t"  /* icmpMsg */                                  \
            "moveq   #0,%d0\n\t"                                                        \
            "move.w  12(%sp),%d0\n\t"    /* terminReason (8 + 4 pushed) */              \
            "move.l  %d0,-(%sp)\n\t"                                                    \
            "move.l  18(%sp),-(%sp)\n\t" /* userDataPtr (10 + 8) */                     \
            "moveq   #0,%d0\n\t"                                                        \
            "move.w  26(%sp),%d0\n\t"    /* eventCode (14 + 12) */                      \
            "move.l  %d0,-(%sp)\n\t"                                                    \
            "move.l  32(%sp),-(%sp)\n\t" /* tcpStream (16 + 16) */                      \
            "jsr     " #fn "\n\t"                                                       \
            "lea     20(%sp),%sp\n\t"                                                   \
            "move.l  (%sp)+,%a0\n\t"                                                    \
            "lea     16(%sp),%sp\n\t"    /* callee pops the Pascal arguments */         \
            "jmp     (%a0)\n\t"                                                         \
            ".previous")

#define MTB_UDP_ASR_THUNK(thunk, fn)                                                    \
    MTB_THUNK_KEEP_(thunk, fn);                                                         \
    __asm__(MTB_THUNK_HEAD_(thunk)                                                      \
            "move.l  4(%sp),-(%sp)\n\t"  /* icmpMsg */                                  \
            "move.l  12(%sp),-(%sp)\n\t" /* userDataPtr (8 + 4) */                      \
            "moveq   #0,%d0\n\t"                                                        \
            "move.w  20(%sp),%d0\n\t"    /* eventCode (12 + 8) */                       \
            "move.l  %d0,-(%sp)\n\t"                                                    \
            "move.l  26(%sp),-(%sp)\n\t" /* udpStream (14 + 12) */                      \
            "jsr     " #fn "\n\t"                                                       \
            "lea     16(%sp),%sp\n\t"                                                   \
            "move.l  (%sp)+,%a0\n\t"                                                    \
            "lea     14(%sp),%sp\n\t"                                                   \
            "jmp     (%a0)\n\t"                                                         \
            ".previous")

#define MTB_PASCAL_2L_THUNK(thunk, fn)                                                  \
    MTB_THUNK_KEEP_(thunk, fn);                                                         \
    __asm__(MTB_THUNK_HEAD_(thunk)                                                      \
            "move.l  4(%sp),-(%sp)\n\t"  /* second argument (userData) */               \
            "move.l  12(%sp),-(%sp)\n\t" /* first argument (8 + 4) */                   \
            "jsr     " #fn "\n\t"                                                       \
            "addq.l  #8,%sp\n\t"                                                        \
            "move.l  (%sp)+,%a0\n\t"                                                    \
            "addq.l  #8,%sp\n\t"                                                        \
            "jmp     (%a0)\n\t"                                                         \
            ".previous")

#define MTB_DM_COMPLETION_THUNK(thunk, fn)                                              \
    MTB_THUNK_KEEP_(thunk, fn);                                                         \
    __asm__(MTB_THUNK_HEAD_(thunk)                                                      \
            "move.l  %d0,-(%sp)\n\t"                                                    \
            "move.l  %a0,-(%sp)\n\t"                                                    \
            "jsr     " #fn "\n\t"                                                       \
            "addq.l  #8,%sp\n\t"                                                        \
            "rts\n\t"                                                                   \
            ".previous")

#endif
