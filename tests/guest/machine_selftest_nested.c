/*
 * Machine self-test: a run that ends inside a nested guest call (the plugin's interrupt() ->
 * execute68k -> this program's callback) must unwind every level. Parameter `mode`:
 *   1 the callback never returns (the watchdog ends the run), 2 it executes ILLEGAL,
 *   3 it ends the program with exit code 42.
 */
#include "mtb_test.h"
#include "toolbox.h"

static long mode;

static void callback(void)
{
    if (mode == 1)
        for (;;)
            __asm__ volatile("");
    if (mode == 2)
        __asm__ volatile(".word 0x4AFC");
    mtb_exit(42);
}

int main(void)
{
    ParamBlockRec pb;
    short ref = 0;
    mode = mtb_param("mode");
    CHECK_EQ(OpenDriver((const unsigned char *)"\010.TestDrv", &ref), noErr);
    memset(&pb, 0, sizeof pb);
    pb.cntrlParam.ioCRefNum = ref;
    pb.cntrlParam.csCode = 103;
    pb.cntrlParam.csParam[0] = 1; /* arm */
    *(long *)&pb.cntrlParam.csParam[1] = (long)callback;
    pb.cntrlParam.csParam[3] = 1;
    pb.cntrlParam.csParam[4] = 1;
    CHECK_EQ(PBControlImmed(&pb), noErr);
    for (;;)
        mtb_idle(10);
}
