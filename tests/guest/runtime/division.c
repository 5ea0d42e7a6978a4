/*
 * 32-bit division helpers for the 68000. Debian's libgcc is built for the 68020 only: its
 * __divsi3/__modsi3 contain bsr.l, illegal on a 68000 (unicorn-m68k-notes section 1). These
 * are linked ahead of -lgcc. Plain shift-and-subtract: no division inside, so no recursion.
 * The C standard's truncation toward zero is kept for negative operands.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
unsigned long __udivsi3(unsigned long n, unsigned long d);
unsigned long __umodsi3(unsigned long n, unsigned long d);
long __divsi3(long n, long d);
long __modsi3(long n, long d);

static unsigned long udivmod(unsigned long n, unsigned long d, unsigned long *rem)
{
    unsigned long q = 0, r = 0;
    int bit;
    if (d == 0) { /* the 68000's DIVU would trap; keep going with an obvious value */
        *rem = n;
        return 0xFFFFFFFFul;
    }
    for (bit = 31; bit >= 0; --bit) {
        r = (r << 1) | ((n >> bit) & 1u);
        if (r >= d) {
            r -= d;
            q |= 1ul << bit;
        }
    }
    *rem = r;
    return q;
}

unsigned long __udivsi3(unsigned long n, unsigned long d)
{
    unsigned long r;
    return udivmod(n, d, &r);
}

unsigned long __umodsi3(unsigned long n, unsigned long d)
{
    unsigned long r;
    udivmod(n, d, &r);
    return r;
}

long __divsi3(long n, long d)
{
    unsigned long r;
    unsigned long un = n < 0 ? 0ul - (unsigned long)n : (unsigned long)n;
    unsigned long ud = d < 0 ? 0ul - (unsigned long)d : (unsigned long)d;
    unsigned long q = udivmod(un, ud, &r);
    return (long)((n < 0) != (d < 0) ? 0ul - q : q);
}

long __modsi3(long n, long d)
{
    unsigned long r;
    unsigned long un = n < 0 ? 0ul - (unsigned long)n : (unsigned long)n;
    unsigned long ud = d < 0 ? 0ul - (unsigned long)d : (unsigned long)d;
    udivmod(un, ud, &r);
    return (long)(n < 0 ? 0ul - r : r);
}
