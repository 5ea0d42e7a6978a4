/*
 * Machine self-test: the Device Manager against .TestDrv (tests/machine/tests/test_drvr.S),
 * installed by the tests' fake plugin. Checks name lookup, enable bits, bad refnums, immediate
 * calls, and the queue: a request behind a busy driver waits in dCtlQHdr until IODone starts it.
 */
#include "callback_thunks.h"
#include "mtb_test.h"
#include "toolbox.h"

enum { kDone = 100, kPending = 101, kFinishHead = 102, kStatusMagic = 200 };

static const unsigned char kName[] = "\010.TestDrv";
static short ref;

/* ---- completion routines (Device Manager convention, via the thunk) ---- */
static ParmBlkPtr done_pb[8];
static long done_result[8];
static long done_count;

static void on_done(ParmBlkPtr pb, long result)
{
    if (done_count < 8) {
        done_pb[done_count] = pb;
        done_result[done_count] = result;
    }
    ++done_count;
}
MTB_DM_COMPLETION_THUNK(on_done_thunk, on_done);

/* The DCE of our driver, found the way the ROM does: UTableBase[unit] is a DCE handle. */
static unsigned char *dce(void)
{
    Handle *table = *(Handle **)0x11C;
    return (unsigned char *)*table[~ref];
}
static int driver_active(void) { return (dce()[5] & 0x80) != 0; }
static ParmBlkPtr queue_head(void) { return *(ParmBlkPtr *)(dce() + 8); }
static ParmBlkPtr queue_tail(void) { return *(ParmBlkPtr *)(dce() + 12); }

static void setup(ParamBlockRec *pb, short cs_code, short param, int with_completion)
{
    memset(pb, 0, sizeof *pb);
    pb->cntrlParam.ioCRefNum = ref;
    pb->cntrlParam.csCode = cs_code;
    pb->cntrlParam.csParam[0] = param;
    pb->cntrlParam.ioCompletion = with_completion ? (ProcPtr)on_done_thunk : 0;
}

static void test_open(void)
{
    short again = 0, none = 0;
    CHECK_EQ(OpenDriver(kName, &ref), noErr);
    CHECK(ref < 0);
    CHECK_EQ(OpenDriver((const unsigned char *)"\010.testdrv", &again), noErr);
    CHECK_EQ(again, ref);
    CHECK_EQ(OpenDriver((const unsigned char *)"\010.NoSuchD", &none), fnfErr);
    CHECK(~ref >= 48 && ~ref < *(short *)0x1D2);
    CHECK_EQ(*(short *)(dce() + 24), ref);   /* dCtlRefNum */
    CHECK((dce()[5] & 0x20) != 0);           /* dOpened */
    CHECK((dce()[5] & 0x40) == 0);           /* pointer-based driver */
}

static void test_simple_calls(void)
{
    ParamBlockRec pb;
    setup(&pb, kDone, -5, 0);
    CHECK_EQ(PBControlSync(&pb), -5);
    CHECK_EQ(pb.cntrlParam.ioResult, -5);
    CHECK_EQ((unsigned short)pb.cntrlParam.ioTrap, 0xA004);

    setup(&pb, kStatusMagic, 0, 0);
    CHECK_EQ(PBStatusImmed(&pb), noErr);
    CHECK_EQ(*(long *)pb.cntrlParam.csParam, 0x53544154);
    setup(&pb, kStatusMagic, 0, 0);
    CHECK_EQ(PBStatusSync(&pb), noErr);
    CHECK_EQ(*(long *)pb.cntrlParam.csParam, 0x53544154);

    setup(&pb, 55, 0, 0);
    CHECK_EQ(PBControlSync(&pb), controlErr);
    setup(&pb, 0, 0, 0);
    CHECK_EQ(PBReadSync(&pb), readErr); /* .TestDrv has no dReadEnable */

    setup(&pb, kDone, 0, 0);
    pb.cntrlParam.ioCRefNum = -1; /* unit 0: empty */
    CHECK_EQ(PBControlSync(&pb), unitEmptyErr);
    pb.cntrlParam.ioCRefNum = 5; /* a file refnum: no File Manager */
    CHECK_EQ(PBControlSync(&pb), badUnitErr);
    pb.cntrlParam.ioCRefNum = -200;
    CHECK_EQ(PBControlSync(&pb), badUnitErr);

    /* An async call finished at once: result in d0 and ioResult, completion called. */
    done_count = 0;
    setup(&pb, kDone, -7, 1);
    CHECK_EQ(PBControlAsync(&pb), -7);
    CHECK_EQ(done_count, 1);
    CHECK(done_pb[0] == &pb);
    CHECK_EQ(done_result[0], -7);
    /* Synchronous calls never run the completion routine. */
    done_count = 0;
    setup(&pb, kDone, 0, 1);
    CHECK_EQ(PBControlSync(&pb), noErr);
    CHECK_EQ(done_count, 0);
}

static void test_queue(void)
{
    ParamBlockRec a, b, finish;
    done_count = 0;
    setup(&a, kPending, 0, 1);
    CHECK_EQ(PBControlAsync(&a), noErr);
    CHECK_EQ(a.cntrlParam.ioResult, 1);
    CHECK(driver_active());
    CHECK(queue_head() == &a);

    /* The driver is busy: the second request must wait in the queue, not reach the driver. */
    setup(&b, kDone, 0, 1);
    CHECK_EQ(PBControlAsync(&b), noErr);
    CHECK_EQ(b.cntrlParam.ioResult, 1);
    CHECK(queue_head() == &a && queue_tail() == &b);
    CHECK_EQ(done_count, 0);

    /* An immediate call bypasses the queue; it completes the head through IODone (-3), and
     * IODone then starts b, which finishes at once. */
    setup(&finish, kFinishHead, -3, 0);
    CHECK_EQ(PBControlImmed(&finish), noErr);
    CHECK_EQ(a.cntrlParam.ioResult, -3);
    CHECK_EQ(b.cntrlParam.ioResult, noErr);
    CHECK_EQ(done_count, 2);
    CHECK(done_pb[0] == &a && done_pb[1] == &b);
    CHECK_EQ(done_result[0], -3);
    CHECK_EQ(done_result[1], noErr);
    CHECK(queue_head() == 0 && queue_tail() == 0);
    CHECK(!driver_active());
}

static void test_kill_io(void)
{
    ParamBlockRec a, b, kill;
    done_count = 0;
    setup(&a, kPending, 0, 1);
    CHECK_EQ(PBControlAsync(&a), noErr);
    setup(&b, kDone, 0, 1);
    CHECK_EQ(PBControlAsync(&b), noErr);
    CHECK_EQ(b.cntrlParam.ioResult, 1);
    setup(&kill, 0, 0, 0);
    CHECK_EQ(PBKillIOSync(&kill), noErr);
    CHECK_EQ(a.cntrlParam.ioResult, abortErr);
    CHECK_EQ(b.cntrlParam.ioResult, abortErr);
    CHECK_EQ(done_count, 2);
    CHECK_EQ(done_result[0], abortErr);
    CHECK(queue_head() == 0 && !driver_active());
}

static void test_close(void)
{
    ParamBlockRec pb;
    CHECK_EQ(CloseDriver(ref), closErr); /* the driver refuses, like MacTCP */
    CHECK((dce()[5] & 0x20) != 0);       /* still open */
    setup(&pb, kDone, 0, 0);
    CHECK_EQ(PBControlSync(&pb), noErr);
}

int main(void)
{
    test_open();
    test_simple_calls();
    test_queue();
    test_kill_io();
    test_close();
    return mtb_test_finish();
}
