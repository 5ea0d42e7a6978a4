/*
 * Machine self-test: level-1 interrupts from the plugin. The tests' fake plugin (driven through
 * .TestDrv Control 103) raises interrupts from its own thread; its interrupt() calls back into
 * this program (execute68k), and the callback traps back into the plugin (re-entrancy).
 */
#include "mtb_test.h"
#include "toolbox.h"

enum { kPlugin = 103 };
enum { kArm = 1, kProbe = 2, kQuery = 3, kPend = 4 };

static short ref;
static volatile long flag;
static volatile unsigned short seen_sr;
static ParamBlockRec probe_pb;

static void setup(ParamBlockRec *pb, short command)
{
    memset(pb, 0, sizeof *pb);
    pb->cntrlParam.ioCRefNum = ref;
    pb->cntrlParam.csCode = kPlugin;
    pb->cntrlParam.csParam[0] = command;
}

/* Runs at interrupt level, called by the plugin through execute68k. */
static void irq_callback(void)
{
    unsigned short sr;
    __asm__ volatile("move.w %%sr,%0" : "=d"(sr));
    seen_sr = sr;
    ++flag;
    setup(&probe_pb, kProbe);
    PBControlImmed(&probe_pb); /* a trap back into the plugin from inside its interrupt() */
}

static void arm(short count, short interval_ms)
{
    ParamBlockRec pb;
    setup(&pb, kArm);
    *(long *)&pb.cntrlParam.csParam[1] = (long)irq_callback;
    pb.cntrlParam.csParam[3] = count;
    pb.cntrlParam.csParam[4] = interval_ms;
    CHECK_EQ(PBControlImmed(&pb), noErr);
}

static void set_sr(unsigned short sr) { __asm__ volatile("move.w %0,%%sr" : : "d"(sr) : "cc"); }

static void test_busy_spin(void)
{
    unsigned long t0 = TickCount();
    flag = 0;
    arm(3, 5);
    while (flag < 3 && TickCount() - t0 < 300)
        ; /* the interrupt arrives at an instruction boundary of this very loop */
    CHECK_EQ(flag, 3);
    CHECK_EQ((seen_sr >> 8) & 7, 1); /* callbacks run at interrupt level 1 */
    CHECK((seen_sr & 0x2000) != 0);  /* in supervisor mode */
}

static void test_idle_wait(void)
{
    unsigned long t0 = TickCount();
    flag = 0;
    arm(2, 5);
    while (flag < 2 && TickCount() - t0 < 300)
        mtb_idle(50);
    CHECK_EQ(flag, 2);
}

static void test_query(void)
{
    ParamBlockRec pb;
    setup(&pb, kQuery);
    CHECK_EQ(PBControlImmed(&pb), noErr);
    CHECK(*(long *)&pb.cntrlParam.csParam[1] >= 1); /* interrupts serviced */
    CHECK_EQ(*(long *)&pb.cntrlParam.csParam[3], 5); /* callbacks run */
    CHECK_EQ(*(long *)&pb.cntrlParam.csParam[5], 5); /* probes from inside interrupt() */
}

static void test_sync_wait(void)
{
    ParamBlockRec pb;
    setup(&pb, kPend);
    pb.cntrlParam.csParam[1] = 20; /* ms until the plugin completes it at interrupt time */
    CHECK_EQ(PBControlSync(&pb), noErr);
    CHECK_EQ(pb.cntrlParam.ioResult, noErr);
}

static long raised_so_far(void)
{
    ParamBlockRec pb;
    setup(&pb, kQuery);
    CHECK_EQ(PBControlImmed(&pb), noErr);
    return *(long *)&pb.cntrlParam.csParam[7];
}

static void test_masked(void)
{
    unsigned long t0;
    long raised = raised_so_far();
    flag = 0;
    set_sr(0x2100); /* mask level 1: the plugin's interrupt must wait */
    arm(1, 1);
    /* Until the plugin's thread has raised it (a loaded host runs that thread late: a fixed
     * Delay alone could end before the raise and prove nothing), then a while longer. */
    t0 = TickCount();
    while (raised_so_far() == raised && TickCount() - t0 < 300)
        ;
    CHECK(raised_so_far() > raised);
    Delay(6, 0);
    CHECK_EQ(flag, 0);
    set_sr(0x2000);
    t0 = TickCount();
    while (flag < 1 && TickCount() - t0 < 300)
        ;
    CHECK_EQ(flag, 1);
}

static void test_stop(void)
{
    flag = 0;
    /* Masked until STOP unmasks and sleeps in one instruction: an interrupt raised before the
     * guest reached STOP (a loaded host) was taken before it, and STOP then slept for good. */
    set_sr(0x2100);
    arm(1, 5);
    __asm__ volatile("stop #0x2000"); /* sleeps until the interrupt */
    CHECK_EQ(flag, 1);
}

int main(void)
{
    CHECK_EQ(OpenDriver((const unsigned char *)"\010.TestDrv", &ref), noErr);
    test_busy_spin();
    test_idle_wait();
    test_query();
    test_sync_wait();
    test_masked();
    test_stop();
    return mtb_test_finish();
}
