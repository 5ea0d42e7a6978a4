/*
 * Every TCP call and the errors of the state matrix (mactcp-reference 7.10) through the real
 * driver, sync and async: bad stream pointers, calls without a connection, bad WDS/RDS, buffer
 * returns of pieces never lent, double release, status fields, ASRs with a non-NIL icmpMsg.
 * Parameters: port (host echo server).
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "callback_thunks.h"
#include "common/tcp_util.h"

static volatile long asr_events[8];
static volatile long asr_nil_icmp;
static volatile unsigned short last_reason;
static void asr(StreamPtr s, unsigned short event, Ptr user, unsigned short reason, ICMPReport *icmp)
{
    (void)s;
    (void)user;
    if (event < 8)
        ++asr_events[event];
    if (icmp == 0)
        ++asr_nil_icmp;
    if (event == TCPTerminate)
        last_reason = reason;
}
MTB_TCP_ASR_THUNK(asr_thunk, asr);

static OSErr both(TCPiopb *pb, short cs_code, int async)
{
    if (!async)
        return tcp_call(pb, cs_code);
    tcp_call_async(pb, cs_code, 0);
    tcp_wait(&pb->ioResult, 10);
    return pb->ioResult;
}

static void no_connection_row(StreamPtr s, int async)
{
    TCPiopb pb;
    wdsEntry wds[2] = {{3, (Ptr) "abc"}, {0, 0}};
    rdsEntry rds[3];
    char buffer[16];
    memset(&pb, 0, sizeof pb);
    pb.tcpStream = s;
    pb.csParam.send.wdsPtr = (Ptr)wds;
    CHECK_EQ(both(&pb, TCPSend, async), connectionDoesntExist);
    memset(&pb, 0, sizeof pb);
    pb.tcpStream = s;
    pb.csParam.receive.rcvBuff = buffer;
    pb.csParam.receive.rcvBuffLen = sizeof buffer;
    CHECK_EQ(both(&pb, TCPRcv, async), connectionDoesntExist);
    memset(&pb, 0, sizeof pb);
    pb.tcpStream = s;
    pb.csParam.receive.rdsPtr = (Ptr)rds;
    pb.csParam.receive.rdsLength = 2;
    CHECK_EQ(both(&pb, TCPNoCopyRcv, async), connectionDoesntExist);
    CHECK_EQ(both(&pb, TCPRcvBfrReturn, async), invalidRDS); /* never lent */
    memset(&pb, 0, sizeof pb);
    pb.tcpStream = s;
    CHECK_EQ(both(&pb, TCPClose, async), connectionDoesntExist);
    CHECK_EQ(both(&pb, TCPAbort, async), connectionDoesntExist);
    CHECK_EQ(both(&pb, TCPStatus, async), connectionDoesntExist);
    CHECK_EQ(pb.csParam.status.connectionState, 0);
    CHECK_EQ(both(&pb, TCPExtendedStat, async), controlErr);
}

int main(void)
{
    long port = mtb_param("port");
    Ptr buffer = NewPtr(16384);
    StreamPtr s;
    TCPiopb pb;
    int async;
    tcp_open_driver();

    /* Garbage stream pointers, every call. */
    {
        static const short codes[] = {TCPPassiveOpen, TCPActiveOpen, TCPSend, TCPNoCopyRcv, TCPRcvBfrReturn,
                                      TCPRcv, TCPClose, TCPAbort, TCPStatus, TCPRelease};
        unsigned i;
        for (i = 0; i < sizeof codes / sizeof codes[0]; ++i) {
            memset(&pb, 0, sizeof pb);
            pb.tcpStream = 0x12345678;
            CHECK_EQ(tcp_call(&pb, codes[i]), invalidStreamPtr);
        }
    }
    s = tcp_create(buffer, 16384, (TCPNotifyProc)asr_thunk, (Ptr)0x1234);
    CHECK(s != 0);
    CHECK(tcp_create(buffer, 16384, 0, 0) == 0); /* streamAlreadyOpen */
    for (async = 0; async < 2; ++async)
        no_connection_row(s, async);

    /* Connected: parameter errors leave the connection working. */
    tcp_prepare_open(&pb, s, LOOPBACK, (tcp_port)port, 0);
    CHECK_EQ(tcp_call(&pb, TCPActiveOpen), noErr);
    CHECK_EQ(tcp_call(&pb, TCPActiveOpen), connectionExists);
    CHECK_EQ(tcp_call(&pb, TCPPassiveOpen), connectionExists);
    {
        wdsEntry wds[3] = {{40000, buffer}, {40000, buffer}, {0, 0}};
        rdsEntry rds[2];
        memset(&pb, 0, sizeof pb);
        pb.tcpStream = s;
        CHECK_EQ(tcp_call(&pb, TCPSend), invalidWDS); /* NIL */
        pb.csParam.send.wdsPtr = (Ptr)wds;
        CHECK_EQ(tcp_call(&pb, TCPSend), invalidLength); /* 80,000 bytes */
        memset(&pb, 0, sizeof pb);
        pb.tcpStream = s;
        pb.csParam.receive.rdsPtr = (Ptr)rds;
        CHECK_EQ(tcp_call(&pb, TCPNoCopyRcv), invalidLength); /* rdsLength 0 */
        pb.csParam.receive.rdsLength = 1;
        pb.csParam.receive.rdsPtr = 0;
        CHECK_EQ(tcp_call(&pb, TCPNoCopyRcv), invalidBufPtr);
    }
    CHECK_EQ(tcp_send_bytes(s, "ping\n", 5), noErr);
    {
        rdsEntry rds[2];
        memset(&pb, 0, sizeof pb);
        pb.tcpStream = s;
        pb.csParam.receive.rdsPtr = (Ptr)rds;
        pb.csParam.receive.rdsLength = 1; /* MacPython's shape: two entries, rdsLength 1 */
        pb.csParam.receive.commandTimeoutValue = 5;
        CHECK_EQ(tcp_call(&pb, TCPNoCopyRcv), noErr);
        CHECK(rds[0].length > 0 && rds[0].length <= 5);
        CHECK(memcmp(rds[0].ptr, "ping\n", rds[0].length) == 0);
        CHECK_EQ(rds[1].length, 0);
        CHECK(rds[0].ptr >= buffer && rds[0].ptr < buffer + 16384); /* inside our buffer */
        CHECK_EQ(tcp_call(&pb, TCPRcvBfrReturn), noErr);
        CHECK_EQ(tcp_call(&pb, TCPRcvBfrReturn), invalidRDS); /* twice */
    }
    CHECK_EQ(tcp_status(s, &pb), noErr);
    CHECK_EQ(pb.csParam.status.connectionState, kTCPStateEstablished);
    CHECK_EQ(pb.csParam.status.remotePort, port);
    CHECK(pb.csParam.status.sendWindow >= pb.csParam.status.amtUnackedData);
    CHECK(pb.csParam.status.connStatPtr != 0);
    CHECK_EQ(pb.csParam.status.connStatPtr->numHistoBuckets, 7);

    CHECK_EQ(tcp_close(s), noErr);
    CHECK_EQ(tcp_close(s), connectionClosing);
    {
        unsigned short got;
        char c[64];
        OSErr err;
        do {
            err = tcp_rcv(s, c, sizeof c, 5, &got);
        } while (err == noErr);
        CHECK_EQ(err, connectionClosing); /* the echo server closes after our FIN */
    }
    {
        /* Waited for (a loaded host delays it), then a grace period for a second one. */
        unsigned long deadline = TickCount() + 10 * 60;
        while (asr_events[TCPTerminate] == 0 && TickCount() < deadline)
            mtb_idle(10);
    }
    mtb_idle(100);
    CHECK_EQ(asr_events[TCPClosing], 1);
    CHECK_EQ(asr_events[TCPTerminate], 1);
    CHECK_EQ(last_reason, TCPULPClose);
    CHECK_EQ(asr_nil_icmp, 0);
    CHECK_EQ(tcp_release(s), noErr);
    CHECK_EQ(tcp_release(s), invalidStreamPtr); /* double release */
    DisposePtr(buffer);
    return mtb_test_finish();
}
