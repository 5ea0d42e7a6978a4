/*
 * Machine self-test with the real plugin (libmactcp_bridge): the machine installs .IPP from
 * the plugin's driver image, the guest opens it by name (both spellings) and makes calls that
 * finish at once, and TCPActiveOpens to loopback (params listen_port, closed_port) that
 * complete later through the plugin's interrupt path, asynchronously and synchronously.
 */
#include "mactcp.h"
#include "mtb_test.h"

static short ref;
static volatile long completions;
static TCPiopb *completed_pb;

static void on_complete(TCPiopb *pb)
{
    completed_pb = pb;
    ++completions;
}

static void test_open(void)
{
    short again = 0;
    CHECK_EQ(OpenDriver((const unsigned char *)"\004.IPP", &ref), noErr);
    CHECK(ref < 0);
    CHECK_EQ(OpenDriver((const unsigned char *)"\004.ipp", &again), noErr);
    CHECK_EQ(again, ref);
}

static void test_get_addr(void)
{
    GetAddrParamBlock pb;
    memset(&pb, 0, sizeof pb);
    pb.ioCRefNum = ref;
    pb.csCode = ipctlGetAddr;
    CHECK_EQ(PBControlSync((ParmBlkPtr)&pb), noErr);
    CHECK(pb.ourAddress != 0);
    printf("ipctlGetAddr: %lu.%lu.%lu.%lu\n", pb.ourAddress >> 24, (pb.ourAddress >> 16) & 255,
           (pb.ourAddress >> 8) & 255, pb.ourAddress & 255);
}

static StreamPtr create_stream(Ptr buf)
{
    TCPiopb pb;
    memset(&pb, 0, sizeof pb);
    pb.ioCRefNum = ref;
    pb.csCode = TCPCreate;
    pb.csParam.create.rcvBuff = buf;
    pb.csParam.create.rcvBuffLen = 8192;
    CHECK_EQ(PBControlSync((ParmBlkPtr)&pb), noErr);
    CHECK(pb.tcpStream != 0);
    return pb.tcpStream;
}

static void release_stream(StreamPtr stream, Ptr buf)
{
    TCPiopb pb;
    memset(&pb, 0, sizeof pb);
    pb.ioCRefNum = ref;
    pb.csCode = TCPRelease;
    pb.tcpStream = stream;
    CHECK_EQ(PBControlSync((ParmBlkPtr)&pb), noErr);
    CHECK(pb.csParam.create.rcvBuff == buf);
    CHECK_EQ(pb.csParam.create.rcvBuffLen, 8192);
}

static void setup_active_open(TCPiopb *pb, StreamPtr stream, unsigned short port)
{
    memset(pb, 0, sizeof *pb);
    pb->ioCRefNum = ref;
    pb->csCode = TCPActiveOpen;
    pb->tcpStream = stream;
    pb->csParam.open.remoteHost = 0x7F000001; /* 127.0.0.1 */
    pb->csParam.open.remotePort = port;
}

/* Asynchronous: pending at first, completed later from the plugin's interrupt path. */
static void test_async_open(void)
{
    TCPiopb pb;
    Ptr buf = NewPtr(8192);
    StreamPtr stream = create_stream(buf);
    unsigned long t0;
    setup_active_open(&pb, stream, (unsigned short)mtb_param("listen_port"));
    pb.ioCompletion = (ProcPtr)on_complete;
    completions = 0;
    CHECK_EQ(PBControlAsync((ParmBlkPtr)&pb), noErr);
    t0 = TickCount();
    while (pb.ioResult > 0 && TickCount() - t0 < 300)
        mtb_idle(100);
    CHECK_EQ(pb.ioResult, noErr);
    CHECK_EQ(completions, 1);
    CHECK(completed_pb == &pb);
    release_stream(stream, buf);
    DisposePtr(buf);
}

/* Synchronous: the Device Manager waits, servicing interrupts, until the refusal arrives. */
static void test_sync_refused_open(void)
{
    TCPiopb pb;
    Ptr buf = NewPtr(8192);
    StreamPtr stream = create_stream(buf);
    setup_active_open(&pb, stream, (unsigned short)mtb_param("closed_port"));
    CHECK(PBControlSync((ParmBlkPtr)&pb) < 0);
    CHECK(pb.ioResult < 0);
    release_stream(stream, buf);
    DisposePtr(buf);
}

/*
 * A request made at interrupt level reaches a driver that is not busy at once (the ROM starts it),
 * also when the interrupt was taken inside a task-level call to that driver: .IPP clears
 * drvrActive as soon as it has taken its queue's last request. Here TCPAbort cancels a pending
 * TCPPassiveOpen; the open's completion routine runs from the interrupt the abort raised, taken
 * on the way out of the abort's driver call, and issues TCPStatus, which finishes at once. The
 * machine used to leave that request to the interrupted call's loop: PBControlAsync returned with
 * ioResult still 1, and the status routine ran later, at task level.
 */
static TCPiopb listen_pb, status_pb;
static volatile short status_result_at_return = 99, status_routine_level = -1;

static short interrupt_level(void)
{
    unsigned short sr;
    __asm__ volatile("move.w %%sr,%0" : "=d"(sr));
    return (short)((sr >> 8) & 7);
}

static void on_status(TCPiopb *pb)
{
    (void)pb;
    status_routine_level = interrupt_level();
}

static void on_listen_cancelled(TCPiopb *pb)
{
    ++completions;
    memset(&status_pb, 0, sizeof status_pb);
    status_pb.ioCRefNum = ref;
    status_pb.csCode = TCPStatus;
    status_pb.tcpStream = pb->tcpStream;
    status_pb.ioCompletion = (ProcPtr)on_status;
    PBControlAsync((ParmBlkPtr)&status_pb);
    status_result_at_return = status_pb.ioResult;
}

static void test_call_from_an_interrupt_inside_a_driver_call(void)
{
    TCPiopb abort_pb;
    Ptr buf = NewPtr(8192);
    StreamPtr stream = create_stream(buf);
    memset(&listen_pb, 0, sizeof listen_pb);
    listen_pb.ioCRefNum = ref;
    listen_pb.csCode = TCPPassiveOpen;
    listen_pb.tcpStream = stream;
    listen_pb.ioCompletion = (ProcPtr)on_listen_cancelled;
    completions = 0;
    CHECK_EQ(PBControlAsync((ParmBlkPtr)&listen_pb), noErr);
    CHECK_EQ(listen_pb.ioResult, inProgress);
    memset(&abort_pb, 0, sizeof abort_pb);
    abort_pb.ioCRefNum = ref;
    abort_pb.csCode = TCPAbort;
    abort_pb.tcpStream = stream;
    CHECK_EQ(PBControlSync((ParmBlkPtr)&abort_pb), noErr);
    CHECK_EQ(completions, 1); /* the interrupt was taken inside the abort's call */
    CHECK_EQ(listen_pb.ioResult, connectionTerminated);
    CHECK_EQ(status_result_at_return, connectionDoesntExist);
    CHECK_EQ(status_routine_level, 1);
    release_stream(stream, buf);
    DisposePtr(buf);
}

int main(void)
{
    test_open();
    test_get_addr();
    test_async_open();
    test_sync_refused_open();
    test_call_from_an_interrupt_inside_a_driver_call();
    return mtb_test_finish();
}
