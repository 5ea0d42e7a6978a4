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

int main(void)
{
    test_open();
    test_get_addr();
    test_async_open();
    test_sync_refused_open();
    return mtb_test_finish();
}
