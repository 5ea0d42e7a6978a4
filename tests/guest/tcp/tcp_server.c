/*
 * A guest server: TCPPassiveOpen on `port` (0 = the driver picks), the host client connects,
 * sends a line, the guest answers "echo: <line>" and closes; repeated `clients` times, each on a
 * fresh stream, the next passive open issued from the previous one's completion routine (the DGD
 * pattern). Checks localPort is published while the open is pending.
 * Parameters: port, clients.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "common/tcp_util.h"

static TCPiopb open_pb;
static volatile long opens_completed;

static void open_done(TCPiopb *pb)
{
    (void)pb;
    ++opens_completed;
}

int main(void)
{
    long port = mtb_param("port");
    long clients = mtb_param("clients");
    long i;
    tcp_open_driver();
    for (i = 0; i < clients; ++i) {
        Ptr buffer = NewPtr(8192);
        StreamPtr stream = tcp_create(buffer, 8192, 0, 0);
        char line[200], reply[220];
        unsigned short got = 0, total = 0;
        OSErr err;
        CHECK(stream != 0);
        tcp_prepare_open(&open_pb, stream, 0, 0, (tcp_port)port);
        CHECK_EQ(tcp_call_async(&open_pb, TCPPassiveOpen, open_done), noErr);
        CHECK(open_pb.csParam.open.localPort != 0); /* visible while pending */
        if (port != 0)
            CHECK_EQ(open_pb.csParam.open.localPort, port);
        if (i == 0)
            printf("listening on port %u\n", open_pb.csParam.open.localPort);
        CHECK(tcp_wait(&open_pb.ioResult, 20));
        CHECK_EQ(open_pb.ioResult, noErr);
        CHECK_EQ(open_pb.csParam.open.remoteHost, LOOPBACK);
        /* Read one line. */
        do {
            err = tcp_rcv(stream, line + total, (unsigned short)(sizeof line - 1 - total), 10, &got);
            total += got;
        } while (err == noErr && total < sizeof line - 1 && line[total - 1] != '\n');
        CHECK_EQ(err, noErr);
        line[total] = 0;
        snprintf(reply, sizeof reply, "echo: %s", line);
        CHECK_EQ(tcp_send_bytes(stream, reply, (unsigned short)strlen(reply)), noErr);
        CHECK_EQ(tcp_close(stream), noErr);
        /* Drain until the client's FIN: connectionClosing. */
        do {
            err = tcp_rcv(stream, line, sizeof line, 10, &got);
        } while (err == noErr);
        CHECK_EQ(err, connectionClosing);
        CHECK_EQ(tcp_release(stream), noErr);
        DisposePtr(buffer);
    }
    CHECK_EQ(opens_completed, clients);
    return mtb_test_finish();
}
