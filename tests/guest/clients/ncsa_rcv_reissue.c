/*
 * NCSA socket library, recv(): TCPStatus for amtUnreadData, a TCPRcv of 1 byte, then TCPRcv of
 * the rest re-issued from inside its own completion routine (interrupt level) with command
 * timeout 1 (sub-minimum, as the library passes it), commandTimeout mapped to "no data yet".
 * The host sends 20000 bytes in bursts with pauses; every byte must arrive once, in order.
 * Parameters: server_port.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "common/ncsa_sock.h"
#include "mtb_test.h"

enum { TOTAL = 20000 };

static char received[TOTAL + 64];
static StreamPtr stream;
static volatile long got;
static volatile int reissues, timeouts, finished, failed;
static volatile OSErr last_error;
static TCPiopb rcv_pb;

static void rcv_done(TCPiopb *pb);

static void issue_rcv(void)
{
    long room = (long)sizeof received - got;
    memset(&rcv_pb, 0, sizeof rcv_pb);
    rcv_pb.ioCRefNum = ipp();
    rcv_pb.csCode = TCPRcv;
    rcv_pb.tcpStream = stream;
    rcv_pb.ioCompletion = (ProcPtr)rcv_done;
    rcv_pb.csParam.receive.commandTimeoutValue = 1;
    rcv_pb.csParam.receive.rcvBuff = received + got;
    rcv_pb.csParam.receive.rcvBuffLen = (unsigned short)(room > 1500 ? 1500 : room);
}

/* Interrupt level: takes the data and issues the next TCPRcv on the same pb. */
static void rcv_done(TCPiopb *pb)
{
    if (pb->ioResult == noErr) {
        got += pb->csParam.receive.rcvBuffLen;
    } else if (pb->ioResult == commandTimeout) {
        ++timeouts; /* the library maps it to success with no data */
    } else {
        last_error = pb->ioResult;
        failed = 1;
        return;
    }
    if (got >= TOTAL || timeouts > 40) {
        finished = 1;
        return;
    }
    ++reissues;
    issue_rcv();
    PBControlAsync((ParmBlkPtr)&rcv_pb);
}

int main(void)
{
    ncsa_socket s;
    CHECK_EQ(ncsa_socket_create(&s), noErr);
    CHECK_EQ(ncsa_connect(&s, LOOPBACK, (tcp_port)mtb_param("server_port"), 10 * 60), noErr);
    stream = s.stream;

    /* recv(): how much is there? Then one byte first (the library's work-around). */
    TCPiopb pb;
    unsigned long deadline = TickCount() + 10 * 60;
    do {
        CHECK_EQ(raw_tcp_status(s.stream, &pb), noErr);
    } while (pb.csParam.status.amtUnreadData == 0 && TickCount() < deadline);
    CHECK(pb.csParam.status.amtUnreadData > 0);
    memset(&pb, 0, sizeof pb);
    pb.tcpStream = s.stream;
    pb.csParam.receive.commandTimeoutValue = 1;
    pb.csParam.receive.rcvBuff = received;
    pb.csParam.receive.rcvBuffLen = 1;
    CHECK_EQ(sync_call(&pb, TCPRcv), noErr);
    CHECK_EQ(pb.csParam.receive.rcvBuffLen, 1);
    got = pb.csParam.receive.rcvBuffLen;

    issue_rcv();
    CHECK_EQ(PBControlAsync((ParmBlkPtr)&rcv_pb), noErr);
    deadline = TickCount() + 30 * 60;
    while (!finished && !failed && TickCount() < deadline)
        mtb_idle(5);
    CHECK(finished);
    CHECK_EQ(failed, 0);
    CHECK_EQ(last_error, 0);
    CHECK_EQ(got, TOTAL);
    int bad = -1;
    for (long i = 0; i < got && i < TOTAL; ++i)
        if (received[i] != (char)('a' + (i % 23))) {
            bad = (int)i;
            break;
        }
    CHECK_EQ(bad, -1);
    CHECK(reissues > 3);
    printf("%ld bytes, %d re-issues from the completion routine, %d command timeouts\n", got, reissues,
           timeouts);
    CHECK_EQ(ncsa_release(&s), noErr);
    return mtb_test_finish();
}
