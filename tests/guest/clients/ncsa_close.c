/*
 * NCSA socket library, close(): poll TCPStatus until amtUnackedData is 0; TCPClose issued async
 * WITHOUT a completion routine (only ioResult tells); drain with TCPNoCopyRcv (command timeout
 * 1) + TCPRcvBfrReturn, at most 4 passes, TCPAbort if the connection has not ended; then
 * TCPRelease + DisposePtr. The ASR moves the socket to closing (TCPClosing) and unconnected
 * (TCPTerminate). The host answers our data with a tail it sends after our FIN arrives; the
 * drain must see that tail and then the end of the connection.
 * Parameters: server_port.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "common/ncsa_sock.h"
#include "mtb_test.h"

static char tail[256];
static long tail_len;

int main(void)
{
    ncsa_socket s;
    CHECK_EQ(ncsa_socket_create(&s), noErr);
    CHECK_EQ(ncsa_connect(&s, LOOPBACK, (tcp_port)mtb_param("server_port"), 10 * 60), noErr);

    /* send(): one async TCPSend without completion of 6000 bytes, then close() at once. */
    static char data[6000];
    for (int i = 0; i < 6000; ++i)
        data[i] = (char)('0' + i % 10);
    wdsEntry wds[2] = {{6000, data}, {0, 0}};
    static TCPiopb send_pb;
    memset(&send_pb, 0, sizeof send_pb);
    send_pb.ioCRefNum = ipp();
    send_pb.csCode = TCPSend;
    send_pb.tcpStream = s.stream;
    send_pb.csParam.send.pushFlag = 1;
    send_pb.csParam.send.wdsPtr = (Ptr)wds;
    CHECK_EQ(PBControlAsync((ParmBlkPtr)&send_pb), noErr);

    /* close(): wait for everything to be acknowledged. */
    TCPiopb st;
    unsigned long deadline = TickCount() + 10 * 60;
    int polls = 0;
    for (;;) {
        CHECK_EQ(raw_tcp_status(s.stream, &st), noErr);
        ++polls;
        if ((st.csParam.status.amtUnackedData == 0 && send_pb.ioResult <= 0) || TickCount() > deadline)
            break;
        mtb_idle(2);
    }
    CHECK_EQ(st.csParam.status.amtUnackedData, 0);
    CHECK_EQ(send_pb.ioResult, noErr);
    CHECK_EQ(st.csParam.status.connectionState, kTCPStateEstablished);

    static TCPiopb close_pb;
    memset(&close_pb, 0, sizeof close_pb);
    close_pb.ioCRefNum = ipp();
    close_pb.csCode = TCPClose;
    close_pb.tcpStream = s.stream;
    close_pb.csParam.close.validityFlags = timeoutValue | timeoutAction;
    close_pb.csParam.close.ulpTimeoutValue = 60;
    close_pb.csParam.close.ulpTimeoutAction = 1;
    close_pb.ioCompletion = 0;
    CHECK_EQ(PBControlAsync((ParmBlkPtr)&close_pb), noErr);

    /* Drain: NoCopyRcv(timeout 1) + BfrReturn, up to 4 passes (each pass takes what is there). */
    int passes = 0, ended = 0;
    OSErr last = noErr;
    for (int pass = 0; pass < 4 && !ended; ++pass) {
        ++passes;
        for (int round = 0; round < 20; ++round) {
            rdsEntry rds[7];
            memset(rds, 0, sizeof rds);
            TCPiopb pb;
            memset(&pb, 0, sizeof pb);
            pb.tcpStream = s.stream;
            pb.csParam.receive.commandTimeoutValue = 1;
            pb.csParam.receive.rdsPtr = (Ptr)rds;
            pb.csParam.receive.rdsLength = 6;
            last = sync_call(&pb, TCPNoCopyRcv);
            if (last != noErr) {
                if (last != commandTimeout)
                    ended = 1;
                break;
            }
            for (int i = 0; i < 6 && rds[i].length; ++i) {
                if (tail_len + rds[i].length <= (long)sizeof tail)
                    memcpy(tail + tail_len, rds[i].ptr, rds[i].length);
                tail_len += rds[i].length;
            }
            pb.csParam.receive.rdsPtr = (Ptr)rds;
            CHECK_EQ(sync_call(&pb, TCPRcvBfrReturn), noErr);
        }
    }
    printf("drain: %d passes, last result %d, %ld bytes\n", passes, last, tail_len);
    CHECK(ended);
    CHECK(last == connectionClosing || last == connectionDoesntExist);
    if (!ended) {
        TCPiopb pb;
        memset(&pb, 0, sizeof pb);
        pb.tcpStream = s.stream;
        sync_call(&pb, TCPAbort);
    }
    CHECK_EQ(tail_len, 18);
    CHECK(tail_len == 18 && memcmp(tail, "got 6000; goodbye\n", 18) == 0);

    /* The async close without a completion routine finished by itself. */
    CHECK(spin_until_done(&close_pb.ioResult, 5 * 60));
    CHECK_EQ(close_pb.ioResult, noErr);
    deadline = TickCount() + 5 * 60;
    while (s.terminate_events == 0 && TickCount() < deadline)
        mtb_idle(5);
    CHECK_EQ(s.closing_events, 1);
    CHECK_EQ(s.terminate_events, 1);
    CHECK_EQ(s.terminate_reason, TCPULPClose);
    CHECK_EQ(s.state, SOCK_STATE_UNCONNECTED);
    CHECK_EQ(ncsa_release(&s), noErr);
    return mtb_test_finish();
}
