/*
 * Foundation checks through the real plugin (issue 3, item 7): opening .IPP, Gestalt 'mtcp',
 * ipctlGetAddr, UDPMaxMTUSize, TCPCreate/TCPStatus/TCPRelease with their errors, and
 * TCPActiveOpen to a loopback listener, asynchronous (completion routine at interrupt level,
 * C convention, issuing a new call from inside it) and synchronous.
 *
 * Parameters from the harness: listen_port, closed_port, expected_addr, expected_mask,
 * expected_mtu, ram_size.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "mactcp.h"
#include "mtb_test.h"
#include "toolbox.h"

static short ipp;

/* What the completion routine saw, captured by an assembly probe before any C code runs. */
volatile unsigned long seen_a0, seen_d0, seen_a5, seen_arg;
volatile unsigned short seen_sr;
volatile long completions;
static TCPiopb reentrant_pb;
static volatile OSErr reentrant_issue_result = 1;

void completion_in_c(TCPiopb *pb);
__asm__(".text\n\t.even\n\t.globl completion_probe\ncompletion_probe:\n\t"
        "move.l %a0,seen_a0\n\t"
        "move.l %d0,seen_d0\n\t"
        "move.l %a5,seen_a5\n\t"
        "move.w %sr,seen_sr\n\t"
        "move.l 4(%sp),seen_arg\n\t"
        "jmp completion_in_c\n\t" /* tail call: completion_in_c sees the same pb argument */
        ".previous");
void completion_probe(void);

/* _Control asynchronous with a5 set to `a5` for the duration of the trap. */
OSErr control_async_with_a5(void *pb, unsigned long a5);
__asm__(".text\n\t.even\n\t.globl control_async_with_a5\ncontrol_async_with_a5:\n\t"
        "move.l %a5,-(%sp)\n\t"
        "move.l 8(%sp),%a0\n\t"
        "move.l 12(%sp),%a5\n\t"
        ".word 0xA404\n\t"
        "move.l (%sp)+,%a5\n\t"
        "rts\n\t"
        ".previous");

/* Runs at interrupt level: issues a new asynchronous call on the same stream, as NCSA-style
 * clients do (TCPStatus finishes at once, so its ioResult is final before the trap returns). */
void completion_in_c(TCPiopb *pb)
{
    ++completions;
    memset(&reentrant_pb, 0, sizeof reentrant_pb);
    reentrant_pb.ioCRefNum = ipp;
    reentrant_pb.csCode = TCPStatus;
    reentrant_pb.tcpStream = pb->tcpStream;
    PBControlAsync((ParmBlkPtr)&reentrant_pb);
    reentrant_issue_result = reentrant_pb.ioResult;
}

/* Not inlined: it writes the common header of blocks of every size (36-byte GetAddr too). */
static __attribute__((noinline)) OSErr call(void *pb, short cs_code)
{
    TCPiopb *p = pb;
    p->ioCRefNum = ipp;
    p->csCode = cs_code;
    return PBControlSync((ParmBlkPtr)pb);
}

/* Spins on ioResult without yielding, as many clients do; gives up after `ticks`. */
static int spin_until_done(volatile OSErr *result, unsigned long ticks)
{
    unsigned long deadline = TickCount() + ticks;
    while (*result > 0) {
        if (TickCount() > deadline)
            return 0;
    }
    return 1;
}

static void test_open_close_gestalt(void)
{
    short upper = 0, lower = 0;
    CHECK_EQ(OpenDriver((const unsigned char *)"\004.IPP", &upper), noErr);
    CHECK_EQ(OpenDriver((const unsigned char *)"\004.ipp", &lower), noErr);
    CHECK(upper < 0);
    CHECK_EQ(upper, lower);
    ipp = upper;
    CHECK_EQ(CloseDriver(ipp), closErr); /* MacTCP cannot be closed */
    long version = 0;
    CHECK_EQ(Gestalt(gestaltMacTCPVersion, &version), noErr);
    CHECK_EQ(version, 3); /* MacTCP 2.0 */
}

static void test_get_addr_and_mtu(void)
{
    GetAddrParamBlock addr;
    memset(&addr, 0, sizeof addr);
    CHECK_EQ(call(&addr, ipctlGetAddr), noErr);
    CHECK_EQ(addr.ourAddress, mtb_param("expected_addr"));
    CHECK_EQ(addr.ourNetMask, mtb_param("expected_mask"));

    UDPiopb mtu;
    memset(&mtu, 0, sizeof mtu);
    mtu.csParam.mtu.remoteHost = addr.ourAddress; /* as MacPython's MTU() does */
    CHECK_EQ(call(&mtu, UDPMaxMTUSize), noErr);
    CHECK_EQ(mtu.csParam.mtu.mtuSize, mtb_param("expected_mtu"));
    printf("our address %lu.%lu.%lu.%lu, mtu %u\n", addr.ourAddress >> 24, (addr.ourAddress >> 16) & 255,
           (addr.ourAddress >> 8) & 255, addr.ourAddress & 255, mtu.csParam.mtu.mtuSize);
}

static StreamPtr create_stream(Ptr buffer, unsigned long length, OSErr expect)
{
    TCPiopb pb;
    memset(&pb, 0, sizeof pb);
    pb.csParam.create.rcvBuff = buffer;
    pb.csParam.create.rcvBuffLen = length;
    CHECK_EQ(call(&pb, TCPCreate), expect);
    return pb.tcpStream;
}

static void release_stream(StreamPtr stream, Ptr buffer, unsigned long length)
{
    TCPiopb pb;
    memset(&pb, 0, sizeof pb);
    pb.tcpStream = stream;
    CHECK_EQ(call(&pb, TCPRelease), noErr);
    CHECK_EQ(pb.csParam.create.rcvBuff, buffer); /* the buffer is handed back */
    CHECK_EQ(pb.csParam.create.rcvBuffLen, length);
    DisposePtr(pb.csParam.create.rcvBuff);
}

static void test_streams_and_bad_input(void)
{
    Ptr small = NewPtr(4095);
    create_stream(small, 4095, invalidLength);
    DisposePtr(small);
    create_stream(0, 8192, invalidBufPtr);
    create_stream((Ptr)0x7FFF0000, 8192, invalidBufPtr); /* outside guest RAM */

    Ptr buffer = NewPtr(8192);
    StreamPtr stream = create_stream(buffer, 8192, noErr);
    CHECK(stream != 0);
    create_stream(buffer, 8192, streamAlreadyOpen);

    TCPiopb status;
    memset(&status, 0, sizeof status);
    status.tcpStream = stream;
    status.csParam.status.connectionState = 99;
    CHECK_EQ(call(&status, TCPStatus), connectionDoesntExist);
    CHECK_EQ(status.csParam.status.connectionState, 0);

    status.tcpStream = 0xDEADBEEF;
    CHECK_EQ(call(&status, TCPStatus), invalidStreamPtr);
    status.tcpStream = stream + 2;
    CHECK_EQ(call(&status, TCPStatus), invalidStreamPtr);

    /* A parameter block whose header is in RAM but whose body runs past its end. */
    TCPiopb *edge = (TCPiopb *)(mtb_param("ram_size") - 40);
    edge->tcpStream = stream;
    CHECK_EQ(call(edge, TCPStatus), invalidStreamPtr);

    /* An unknown csCode. */
    CHECK_EQ(call(&status, 33), controlErr);

    release_stream(stream, buffer, 8192);
    status.tcpStream = stream;
    CHECK_EQ(call(&status, TCPStatus), invalidStreamPtr); /* released */
}

static void prepare_open(TCPiopb *pb, StreamPtr stream, unsigned short port)
{
    memset(pb, 0, sizeof *pb);
    pb->ioCRefNum = ipp;
    pb->csCode = TCPActiveOpen;
    pb->tcpStream = stream;
    pb->csParam.open.validityFlags = timeoutValue | timeoutAction;
    pb->csParam.open.ulpTimeoutValue = 10;
    pb->csParam.open.ulpTimeoutAction = 1;
    pb->csParam.open.remoteHost = 0x7F000001;
    pb->csParam.open.remotePort = port;
}

static void test_async_active_open(void)
{
    Ptr buffer = NewPtr(16384);
    StreamPtr stream = create_stream(buffer, 16384, noErr);
    static TCPiopb open;
    prepare_open(&open, stream, (unsigned short)mtb_param("listen_port"));
    open.ioCompletion = (ProcPtr)completion_probe;
    completions = 0;
    OSErr issued = control_async_with_a5(&open, 0x00A5A5A4);
    CHECK_EQ(issued, noErr);
    CHECK(open.ioResult == inProgress || open.ioResult == noErr);
    CHECK(spin_until_done(&open.ioResult, 5 * 60));
    CHECK_EQ(open.ioResult, noErr);
    /* Issued at interrupt level, the call may have been queued behind the driver's current
     * request (ioResult 1 at return); either way it must finish without any help. */
    CHECK(reentrant_issue_result <= inProgress);
    CHECK(spin_until_done(&reentrant_pb.ioResult, 60));
    CHECK_EQ(completions, 1);
    CHECK_EQ(seen_arg, (unsigned long)&open); /* C convention: pb on the stack */
    CHECK_EQ(seen_a0, (unsigned long)&open);  /* and in a0 */
    CHECK_EQ(seen_d0, 0);                     /* d0 = ioResult */
    CHECK_EQ(seen_a5, 0x00A5A5A4);            /* the caller's A5 at issue time */
    CHECK((seen_sr & 0x0700) >= 0x0100);      /* at interrupt level */
    CHECK(open.csParam.open.localPort != 0);
    /* The call made from inside the completion routine finished at once. */
    CHECK_EQ(reentrant_pb.ioResult, noErr);
    CHECK_EQ(reentrant_pb.csParam.status.connectionState, 8);
    CHECK_EQ(reentrant_pb.csParam.status.remotePort, (unsigned short)mtb_param("listen_port"));
    release_stream(stream, buffer, 16384);
}

static void test_sync_active_open(void)
{
    Ptr buffer = NewPtr(8192);
    StreamPtr stream = create_stream(buffer, 8192, noErr);
    TCPiopb open;
    prepare_open(&open, stream, (unsigned short)mtb_param("listen_port"));
    open.ioCompletion = (ProcPtr)completion_probe; /* must not be called for a sync call */
    completions = 0;
    CHECK_EQ(PBControlSync((ParmBlkPtr)&open), noErr);
    CHECK_EQ(open.ioResult, noErr);
    CHECK_EQ(completions, 0);
    prepare_open(&open, stream, (unsigned short)mtb_param("listen_port"));
    CHECK_EQ(PBControlSync((ParmBlkPtr)&open), connectionExists);
    release_stream(stream, buffer, 8192);

    buffer = NewPtr(8192);
    stream = create_stream(buffer, 8192, noErr);
    prepare_open(&open, stream, (unsigned short)mtb_param("closed_port"));
    CHECK_EQ(PBControlSync((ParmBlkPtr)&open), openFailed);
    release_stream(stream, buffer, 8192);
}

int main(void)
{
    test_open_close_gestalt();
    test_get_addr_and_mtu();
    test_streams_and_bad_input();
    test_async_active_open();
    test_sync_active_open();
    return mtb_test_finish();
}
