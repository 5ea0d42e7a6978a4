/*
 * Machine self-test: the event-loop idle points (WaitNextEvent, GetNextEvent, EventAvail,
 * SystemTask) and the Process Manager (GetCurrentProcess, WakeUpProcess), with interrupts from
 * the tests' fake plugin (.TestDrv Control 103, see machine_selftest_interrupts.c). An interrupt
 * callback calls WakeUpProcess, as an ASR wakes its application.
 * Param mode: 0 = the self-test; 1 = call an _OSDispatch selector the machine lacks.
 */
#include "mtb_test.h"
#include "toolbox.h"

enum { kPlugin = 103, kArm = 1 };
enum { kForever = 0x7FFFFFFF };

static short ref;
static volatile long flag;
static volatile int wake_in_callback;
static volatile OSErr wake_result;
static ProcessSerialNumber me;

static void irq_callback(void)
{
    ++flag;
    if (wake_in_callback)
        wake_result = WakeUpProcess(&me); /* at interrupt level, as an ASR does */
}

static void arm(short count, short interval_ms)
{
    ParamBlockRec pb;
    memset(&pb, 0, sizeof pb);
    pb.cntrlParam.ioCRefNum = ref;
    pb.cntrlParam.csCode = kPlugin;
    pb.cntrlParam.csParam[0] = kArm;
    *(long *)&pb.cntrlParam.csParam[1] = (long)irq_callback;
    pb.cntrlParam.csParam[3] = count;
    pb.cntrlParam.csParam[4] = interval_ms;
    CHECK_EQ(PBControlImmed(&pb), noErr);
}

static void check_null_event(const EventRecord *e, unsigned long before)
{
    CHECK_EQ(e->what, nullEvent);
    CHECK_EQ(e->message, 0);
    CHECK(e->when >= before && e->when <= TickCount());
    CHECK_EQ(e->where.v, 0);
    CHECK_EQ(e->where.h, 0);
    CHECK_EQ(e->modifiers, btnState); /* the mouse button is up */
}

static void test_process_manager(void)
{
    ProcessSerialNumber current = {kNoProcess, kCurrentProcess}, nobody = {0, 0x7777};
    ProcessSerialNumber *garbage = (ProcessSerialNumber *)NewPtr(sizeof *garbage);
    CHECK_EQ(GetCurrentProcess(garbage), noErr); /* fills both longs */
    me = *garbage;
    CHECK_EQ(me.highLongOfPSN, 0);
    CHECK(me.lowLongOfPSN != kNoProcess && me.lowLongOfPSN != kSystemProcess &&
          me.lowLongOfPSN != kCurrentProcess);
    CHECK_EQ(WakeUpProcess(&nobody), procNotFound);
    CHECK_EQ(WakeUpProcess(&current), noErr); /* kCurrentProcess names us too */
    DisposePtr((Ptr)garbage);
}

static void test_event_calls_return_null_events(void)
{
    EventRecord *e = (EventRecord *)NewPtr(sizeof *e); /* garbage until the call fills it */
    unsigned long t0 = TickCount();
    SystemTask();
    CHECK_EQ(GetNextEvent(everyEvent, e), 0);
    check_null_event(e, t0);
    memset(e, 0x5A, sizeof *e);
    CHECK_EQ(EventAvail(everyEvent, e), 0);
    check_null_event(e, t0);
    memset(e, 0x5A, sizeof *e);
    /* The wake-up left by test_process_manager: WaitNextEvent returns without sleeping. */
    CHECK_EQ(WaitNextEvent(everyEvent, e, kForever, 0), 0);
    check_null_event(e, t0);
    DisposePtr((Ptr)e);
}

static void test_wait_next_event_sleeps_its_ticks(void)
{
    EventRecord e;
    unsigned long t0 = TickCount();
    CHECK_EQ(WaitNextEvent(everyEvent, &e, 3, 0), 0);
    CHECK(TickCount() >= t0 + 3);
    t0 = TickCount();
    CHECK_EQ(WaitNextEvent(everyEvent, &e, 0, 0), 0); /* sleep 0: a poll */
    check_null_event(&e, t0);
}

/* Interrupts run during the sleep: the program executes nothing else meanwhile. */
static void test_interrupts_run_while_asleep(void)
{
    EventRecord e;
    flag = 0;
    wake_in_callback = 0;
    arm(3, 5);
    while (flag < 3)
        WaitNextEvent(everyEvent, &e, 10, 0);
    CHECK_EQ(flag, 3);
}

/* The ASR idiom: sleep "forever", woken by WakeUpProcess from an interrupt callback. Without
 * the wake-up this call would never return and the run would time out. */
static void test_wake_up_from_interrupt_ends_the_sleep(void)
{
    EventRecord e;
    flag = 0;
    wake_result = 1;
    wake_in_callback = 1;
    arm(1, 20);
    CHECK_EQ(WaitNextEvent(everyEvent, &e, kForever, 0), 0);
    CHECK_EQ(flag, 1);
    CHECK_EQ(wake_result, noErr);
    wake_in_callback = 0;
}

/* The older idle points run pending interrupts too: an event loop built on them progresses. */
static void test_other_idle_points_loop(void)
{
    EventRecord e;
    int i;
    flag = 0;
    arm(2, 5);
    for (i = 0; flag < 2; ++i) {
        if (i % 3 == 0)
            SystemTask();
        else if (i % 3 == 1)
            GetNextEvent(everyEvent, &e);
        else
            EventAvail(everyEvent, &e);
    }
    CHECK_EQ(flag, 2);
}

/* GetToolTrapAddress (0xA746): the TrapAvailable idiom compares with _Unimplemented's. */
static unsigned long tool_trap_address(unsigned short trap)
{
    register unsigned long d0 __asm__("d0") = trap;
    register unsigned long a0 __asm__("a0");
    __asm__ volatile(".word 0xA746" : "=a"(a0), "+d"(d0) : : "d1", "a1", "cc", "memory");
    return a0;
}

static void test_traps_are_available(void)
{
    const unsigned long unimplemented = tool_trap_address(0xA89F);
    CHECK(tool_trap_address(0xA860) != unimplemented); /* WaitNextEvent */
    CHECK(tool_trap_address(0xA970) != unimplemented); /* GetNextEvent */
    CHECK(tool_trap_address(0xA971) != unimplemented); /* EventAvail */
    CHECK(tool_trap_address(0xA9B4) != unimplemented); /* SystemTask */
    CHECK(tool_trap_address(0xA88F) != unimplemented); /* _OSDispatch */
    CHECK(tool_trap_address(0xA8FF) == unimplemented); /* not in the machine */
}

static void call_missing_selector(void)
{
    short result = 1;
    ProcessSerialNumber psn = {0, 0};
    /* GetNextProcess (selector 0x38): not in the machine, so the run ends with a report. */
    __asm__ volatile("subq.l  #2,%%sp\n\t"
                     "move.l  %1,-(%%sp)\n\t"
                     "move.w  #0x0038,-(%%sp)\n\t"
                     ".word   0xA88F\n\t"
                     "move.w  (%%sp)+,%0"
                     : "=d"(result) : "a"(&psn) : "d0", "d1", "d2", "a0", "a1", "cc", "memory");
    printf("not reached: %d\n", result);
}

int main(void)
{
    static const unsigned char name[] = {8, '.', 'T', 'e', 's', 't', 'D', 'r', 'v'};
    long os_attr = 0;
    if (mtb_param("mode") == 1) {
        call_missing_selector();
        return 1;
    }
    CHECK_EQ(Gestalt(MTB_FOURCC('o', 's', ' ', ' '), &os_attr), noErr);
    CHECK((os_attr & (1 << 3)) != 0); /* gestaltLaunchControl: the Process Manager is here */
    CHECK_EQ(OpenDriver(name, &ref), noErr);
    test_traps_are_available();
    test_process_manager();
    test_event_calls_return_null_events();
    test_wait_next_event_sleeps_its_ticks();
    test_interrupts_run_while_asleep();
    test_wake_up_from_interrupt_ends_the_sleep();
    test_other_idle_points_loop();
    return mtb_test_finish();
}
