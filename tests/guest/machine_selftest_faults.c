/*
 * Machine self-test: each value of the parameter `fault` makes the program die one way; the
 * harness checks that the machine ends the run with a clear report, never a hang.
 */
#include "mtb_test.h"

int main(void)
{
    long fault = mtb_param("fault");
    printf("fault %ld\n", fault);
    switch (fault) {
    case 1: /* read from unmapped memory (RAM ends at 8 MB) */
        return *(volatile long *)0x0F000000;
    case 2: /* write to unmapped memory */
        *(volatile long *)0x0F000000 = 1;
        break;
    case 3: /* jump to unmapped memory */
        ((void (*)(void))0x0F000000)();
        break;
    case 4: /* ILLEGAL */
        __asm__ volatile(".word 0x4AFC");
        break;
    case 5: /* an A-line trap the machine does not implement */
        __asm__ volatile(".word 0xA9FF");
        break;
    case 6: /* an unknown host call */
        __asm__ volatile(".word 0x71AB");
        break;
    case 7: /* a runaway loop */
        for (;;)
            __asm__ volatile("");
    case 8: /* STOP with every interrupt masked: sleeps until the watchdog */
        __asm__ volatile("stop #0x2700");
        break;
    case 9: /* DIVU by zero */
        __asm__ volatile("moveq #0,%%d1\n\tdivu %%d1,%%d0" : : : "d0", "d1");
        break;
    case 10: /* a 68020-only instruction (faults on the 68000 model only) */
        __asm__ volatile(".word 0xE9C0, 0x1008" : : : "d1"); /* bfextu d0{0:8},d1 */
        return 0;
    }
    return 99; /* not reached for faults 1-9 */
}
