/*
 * UDP through the real plugin on the 68k test machine: creation and its errors, datagrams to
 * ourselves both ways (WDS gather, pointers into our own receive buffer, sender reported), the
 * MacPython read pattern (sync UDPRead, then an async UDPBfrReturn with no completion routine on
 * the same pb, reused at once), BfrReturn misuse, the read timeout, release with a read pending,
 * the ASR (UDPDataArrival, and UDPICMPReceived after a write to a closed port), and a
 * host-side echo peer both ways.
 * Parameters: peer_port (host echo peer on 127.0.0.1), closed_port.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "callback_thunks.h"
#include "common/udp_guest.h"

/* What the ASR saw (it runs at interrupt level: it only records). */
static volatile long asr_calls, asr_data_arrivals, asr_icmps;
static volatile unsigned long asr_stream, asr_user;
static volatile unsigned short asr_event;
static ICMPReport asr_report;

static void udp_notify(StreamPtr stream, unsigned short event, Ptr user_data, ICMPReport *icmp)
{
    ++asr_calls;
    asr_stream = stream;
    asr_event = event;
    asr_user = (unsigned long)user_data;
    if (event == UDPDataArrival)
        ++asr_data_arrivals;
    if (event == UDPICMPReceived) {
        ++asr_icmps;
        asr_report = *icmp; /* valid only during the call */
    }
}
MTB_UDP_ASR_THUNK(udp_notify_thunk, udp_notify);

static int wait_ticks(volatile long *counter, long at_least, unsigned long ticks)
{
    unsigned long deadline = TickCount() + ticks;
    while (*counter < at_least) {
        if (TickCount() > deadline)
            return 0;
        mtb_idle(10);
    }
    return 1;
}

static void test_create_errors(void)
{
    StreamPtr stream = 0;
    unsigned short port = 0;
    Ptr small = NewPtr(2047);
    CHECK_EQ(udp_create(small, 2047, &port, 0, 0, &stream), invalidLength);
    DisposePtr(small);
    CHECK_EQ(udp_create(0, 4096, &port, 0, 0, &stream), invalidBufPtr);
    CHECK_EQ(udp_create((Ptr)0x7FFF0000, 4096, &port, 0, 0, &stream), invalidBufPtr);

    Ptr buffer = NewPtr(4096);
    port = 0;
    CHECK_EQ(udp_create(buffer, 4096, &port, 0, 0, &stream), noErr);
    CHECK(port != 0);
    CHECK_EQ(stream, (unsigned long)buffer);
    StreamPtr again;
    CHECK_EQ(udp_create(buffer + 1024, 4096, 0, 0, 0, &again), streamAlreadyOpen);
    Ptr other = NewPtr(4096);
    unsigned short same = port;
    CHECK_EQ(udp_create(other, 4096, &same, 0, 0, &again), duplicateSocket);
    DisposePtr(other);

    UDPiopb pb;
    memset(&pb, 0, sizeof pb);
    pb.udpStream = 0xDEADBEEF;
    CHECK_EQ(udp_call(&pb, UDPRead), invalidStreamPtr);
    pb.udpStream = stream + 4;
    CHECK_EQ(udp_call(&pb, UDPWrite), invalidStreamPtr);
    CHECK_EQ(udp_call(&pb, UDPRelease), invalidStreamPtr);
    pb.udpStream = stream;
    CHECK_EQ(udp_call(&pb, UDPStatus), noErr);
    CHECK_EQ(udp_release(stream), noErr);
    CHECK_EQ(udp_call(&pb, UDPStatus), invalidStreamPtr);
}

static void test_to_ourselves(void)
{
    StreamPtr a, b;
    unsigned short port_a = 0, port_b = 0;
    CHECK_EQ(udp_create(NewPtr(4096), 4096, &port_a, 0, 0, &a), noErr);
    CHECK_EQ(udp_create(NewPtr(8192), 8192, &port_b, 0, 0, &b), noErr);

    /* A gathers three buffers into one datagram for B. */
    static wdsEntry wds[4];
    wds[0].length = 6;
    wds[0].ptr = "Hello,";
    wds[1].length = 1;
    wds[1].ptr = " ";
    wds[2].length = 7;
    wds[2].ptr = "68k Mac";
    wds[3].length = 0;
    UDPiopb pb;
    memset(&pb, 0, sizeof pb);
    pb.udpStream = a;
    pb.csParam.send.remoteHost = LOOPBACK;
    pb.csParam.send.remotePort = port_b;
    pb.csParam.send.wdsPtr = (Ptr)wds;
    pb.csParam.send.checkSum = 1;
    CHECK_EQ(udp_call(&pb, UDPWrite), noErr);
    /* B answers A; then both read. */
    CHECK_EQ(udp_write(b, LOOPBACK, port_a, "right back", 10), noErr);

    UDPiopb in;
    CHECK_EQ(udp_read(b, 5, &in), noErr);
    CHECK_EQ(in.csParam.receive.rcvBuffLen, 14);
    CHECK(memcmp(in.csParam.receive.rcvBuff, "Hello, 68k Mac", 14) == 0);
    CHECK(in.csParam.receive.rcvBuff >= (Ptr)b && in.csParam.receive.rcvBuff + 14 <= (Ptr)b + 8192);
    CHECK_EQ(in.csParam.receive.remoteHost, LOOPBACK);
    CHECK_EQ(in.csParam.receive.remotePort, port_a);
    Ptr first = in.csParam.receive.rcvBuff;
    CHECK_EQ(udp_bfr_return(b, first), noErr);
    CHECK_EQ(udp_bfr_return(b, first), invalidBufPtr);             /* twice */
    CHECK_EQ(udp_bfr_return(b, (Ptr)b + 100), invalidBufPtr);      /* never handed out */

    CHECK_EQ(udp_read(a, 5, &in), noErr);
    CHECK_EQ(in.csParam.receive.rcvBuffLen, 10);
    CHECK(memcmp(in.csParam.receive.rcvBuff, "right back", 10) == 0);
    CHECK_EQ(in.csParam.receive.remotePort, port_b);
    CHECK_EQ(udp_bfr_return(a, in.csParam.receive.rcvBuff), noErr);

    /* The MacPython read loop: sync UDPRead, async UDPBfrReturn without a completion routine on
     * the same block, the block reused at once. Zero-length datagrams come through as length 0. */
    CHECK_EQ(udp_write(a, LOOPBACK, port_b, "one", 3), noErr);
    CHECK_EQ(udp_write(a, LOOPBACK, port_b, "", 0), noErr);
    CHECK_EQ(udp_write(a, LOOPBACK, port_b, "three", 5), noErr);
    static const char *const expected[] = {"one", "", "three"};
    static UDPiopb reused;
    for (int i = 0; i < 3; ++i) {
        CHECK_EQ(udp_read(b, 5, &reused), noErr);
        CHECK_EQ(reused.csParam.receive.rcvBuffLen, strlen(expected[i]));
        CHECK(memcmp(reused.csParam.receive.rcvBuff, expected[i], strlen(expected[i])) == 0);
        reused.ioCompletion = 0;
        reused.csCode = UDPBfrReturn;
        PBControlAsync((ParmBlkPtr)&reused);
        CHECK_EQ(reused.ioResult, noErr); /* finished before the trap returned */
    }

    /* Read timeout: the 1 second clients pass is the documented 2-second minimum. Checked by
     * order, not by an upper bound in wall-clock ticks a loaded host can overrun: a 3-second read
     * on the other stream, issued first, is still pending when the 1-second one ends (a timeout
     * ignored, or raised too far, ends it later), and neither ends before its time. */
    static UDPiopb longer;
    memset(&longer, 0, sizeof longer);
    longer.ioCRefNum = ipp;
    longer.csCode = UDPRead;
    longer.udpStream = a;
    longer.csParam.receive.timeOut = 3;
    unsigned long started = TickCount();
    CHECK_EQ(PBControlAsync((ParmBlkPtr)&longer), noErr);
    CHECK_EQ(udp_read(b, 1, &in), commandTimeout);
    unsigned long waited = TickCount() - started;
    printf("UDPRead timeout 1 s waited %lu ticks\n", waited);
    CHECK(waited >= 110);
    CHECK_EQ(longer.ioResult, inProgress);
    {
        unsigned long deadline = TickCount() + 10 * 60;
        while (longer.ioResult > 0 && TickCount() < deadline)
            mtb_idle(10);
    }
    CHECK_EQ(longer.ioResult, commandTimeout);
    CHECK(TickCount() - started >= 170);

    /* Release with a read pending: the read ends with connectionTerminated. */
    static UDPiopb pending;
    memset(&pending, 0, sizeof pending);
    pending.ioCRefNum = ipp;
    pending.csCode = UDPRead;
    pending.udpStream = a;
    pending.csParam.receive.timeOut = 0; /* forever */
    CHECK_EQ(PBControlAsync((ParmBlkPtr)&pending), noErr);
    CHECK_EQ(pending.ioResult, inProgress);
    CHECK_EQ(udp_release(a), noErr);
    CHECK_EQ(pending.ioResult, connectionTerminated);
    CHECK_EQ(udp_release(b), noErr);
}

static void test_asr(void)
{
    StreamPtr s;
    unsigned short port = 0;
    CHECK_EQ(udp_create(NewPtr(4096), 4096, &port, (UDPNotifyProc)udp_notify_thunk, (Ptr)0x5EED, &s), noErr);
    CHECK_EQ(udp_write(s, LOOPBACK, port, "ding", 4), noErr); /* no read pending: ASR */
    CHECK(wait_ticks(&asr_data_arrivals, 1, 10 * 60)); /* a deadline, not an expectation */
    CHECK_EQ(asr_stream, s);
    CHECK_EQ(asr_event, UDPDataArrival);
    CHECK_EQ(asr_user, 0x5EED);
    UDPiopb in;
    CHECK_EQ(udp_read(s, 5, &in), noErr);
    CHECK_EQ(udp_bfr_return(s, in.csParam.receive.rcvBuff), noErr);

    /* A closed port answers with ICMP port unreachable: UDPICMPReceived with the report. */
    unsigned short closed = (unsigned short)mtb_param("closed_port");
    CHECK_EQ(udp_write(s, LOOPBACK, closed, "anyone?", 7), noErr);
    CHECK(wait_ticks(&asr_icmps, 1, 10 * 60));
    CHECK_EQ(asr_event, UDPICMPReceived);
    CHECK_EQ(asr_report.streamPtr, s);
    CHECK_EQ(asr_report.localPort, port);
    CHECK_EQ(asr_report.remoteHost, LOOPBACK);
    CHECK_EQ(asr_report.remotePort, closed);
    CHECK_EQ(asr_report.reportType, portUnreach);
    printf("ASR calls: %ld (data arrival %ld, ICMP %ld)\n", asr_calls, asr_data_arrivals, asr_icmps);
    CHECK_EQ(udp_release(s), noErr);
}

static void test_host_peer(void)
{
    StreamPtr s;
    unsigned short port = 0;
    unsigned short peer = (unsigned short)mtb_param("peer_port");
    CHECK_EQ(udp_create(NewPtr(4096), 4096, &port, 0, 0, &s), noErr);
    for (int i = 0; i < 5; ++i) {
        char message[16];
        snprintf(message, sizeof message, "ping %d", i);
        CHECK_EQ(udp_write(s, LOOPBACK, peer, message, (unsigned short)strlen(message)), noErr);
        UDPiopb in;
        CHECK_EQ(udp_read(s, 5, &in), noErr);
        char reply[16];
        snprintf(reply, sizeof reply, "pong %d", i);
        CHECK_EQ(in.csParam.receive.rcvBuffLen, strlen(reply));
        CHECK(memcmp(in.csParam.receive.rcvBuff, reply, strlen(reply)) == 0);
        CHECK_EQ(in.csParam.receive.remotePort, peer);
        CHECK_EQ(udp_bfr_return(s, in.csParam.receive.rcvBuff), noErr);
    }
    CHECK_EQ(udp_release(s), noErr);
}

int main(void)
{
    open_ipp();
    test_create_errors();
    test_to_ourselves();
    test_asr();
    test_host_peer();
    return mtb_test_finish();
}
