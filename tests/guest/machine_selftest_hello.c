/* The smallest guest: prints, then exits with the harness's `exit_code` parameter (default 0). */
#include "mtb_test.h"

int main(void)
{
    int found = 0;
    long code = mtb_param_lookup("exit_code", &found);
    printf("hello from the 68k (%s)\n", sizeof(void *) == 4 ? "32-bit" : "?");
    return found ? (int)code : 0;
}
