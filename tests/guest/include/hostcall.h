/*
 * Guest side of the test machine's host calls (0x71xx words, see mtb_guest_abi.h).
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef MTB_HOSTCALL_H
#define MTB_HOSTCALL_H

#include "mtb_guest_abi.h"

#define MTB_STRINGIFY_(x) #x
#define MTB_STRINGIFY(x) MTB_STRINGIFY_(x)

/* Ends the program with `code` as the machine's exit code. */
static inline __attribute__((noreturn)) void mtb_exit(long code)
{
    register long d0 __asm__("d0") = code;
    __asm__ volatile(".word " MTB_STRINGIFY(MTB_HOSTCALL_EXIT) : : "d"(d0) : "memory");
    __builtin_unreachable();
}

/* Appends a C string to the program's output (no newline added). */
static inline void mtb_print(const char *text)
{
    register const char *a0 __asm__("a0") = text;
    __asm__ volatile(".word " MTB_STRINGIFY(MTB_HOSTCALL_PRINT) : : "a"(a0) : "memory");
}

/* The harness's numeric parameter `name`; *found (if not NULL) says whether it was set. */
static inline long mtb_param_lookup(const char *name, int *found)
{
    register const char *a0 __asm__("a0") = name;
    register long d0 __asm__("d0");
    register long d1 __asm__("d1");
    __asm__ volatile(".word " MTB_STRINGIFY(MTB_HOSTCALL_PARAM)
                     : "=d"(d0), "=d"(d1) : "a"(a0) : "memory");
    if (found)
        *found = (int)d1;
    return d0;
}

/* The harness's text parameter `name` copied into buf; its length, or -1 when it is not set. */
static inline long mtb_param_text(const char *name, char *buf, unsigned long size)
{
    register const char *a0 __asm__("a0") = name;
    register char *a1 __asm__("a1") = buf;
    register unsigned long d1 __asm__("d1") = size;
    register long d0 __asm__("d0");
    __asm__ volatile(".word " MTB_STRINGIFY(MTB_HOSTCALL_PARAM_TEXT)
                     : "=d"(d0) : "a"(a0), "a"(a1), "d"(d1) : "memory");
    return d0;
}

/*
 * Lets the host sleep up to `max_ms` instead of burning CPU in a polling loop; returns as soon
 * as an interrupt is pending. Interrupts are taken by the guest as usual (if its mask allows).
 */
static inline void mtb_idle(unsigned long max_ms)
{
    register unsigned long d0 __asm__("d0") = max_ms;
    __asm__ volatile(".word " MTB_STRINGIFY(MTB_HOSTCALL_IDLE) : "+d"(d0) : : "memory");
}

/* A numeric parameter the test cannot run without: a missing one is reported and ends the run. */
long mtb_param(const char *name);

#endif
