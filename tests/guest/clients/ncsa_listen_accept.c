/*
 * NCSA socket library, listen() and accept(): TCPPassiveOpen async (ULP 255 s, report, command
 * timeout 0) with a completion routine, then a spin until MacTCP has filled
 * csParam.open.localPort of the PENDING open (port 0 asked); the port goes to the host over
 * the control connection. accept() spins until the completion, keeps the connected stream
 * (the "duplicated socket"), TCPCreates a fresh stream for the listening socket and listens
 * again on the same port; a second host client is accepted there while the first connection
 * is still up. Each connection answers one line.
 * Parameters: control_port.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "common/ncsa_sock.h"
#include "mtb_test.h"

static volatile int listen_completions;

static void listen_done(TCPiopb *pb)
{
    ncsa_socket *s = (ncsa_socket *)pb->csParam.open.userDataPtr;
    ++listen_completions;
    if (pb->ioResult == noErr) {
        s->remote_host = pb->csParam.open.remoteHost;
        s->remote_port = pb->csParam.open.remotePort;
        s->state = SOCK_STATE_CONNECTED;
    }
    s->open_done = 1;
}

/* listen(): returns once localPort is visible in the pending pb (bounded spin). */
static OSErr ncsa_listen(ncsa_socket *s, tcp_port port)
{
    TCPiopb *pb = &s->open_pb;
    memset(pb, 0, sizeof *pb);
    pb->ioCRefNum = ipp();
    pb->csCode = TCPPassiveOpen;
    pb->tcpStream = s->stream;
    pb->csParam.open.validityFlags = timeoutValue | timeoutAction;
    pb->csParam.open.ulpTimeoutValue = 255;
    pb->csParam.open.ulpTimeoutAction = 0;
    pb->csParam.open.commandTimeoutValue = 0;
    pb->csParam.open.localPort = port;
    pb->csParam.open.userDataPtr = (Ptr)s;
    pb->ioCompletion = (ProcPtr)listen_done;
    s->open_done = 0;
    s->state = SOCK_STATE_LISTENING;
    OSErr err = PBControlAsync((ParmBlkPtr)pb);
    if (err != noErr)
        return err;
    unsigned long deadline = TickCount() + 5 * 60;
    while (*(volatile tcp_port *)&pb->csParam.open.localPort == 0) {
        if (pb->ioResult <= 0 && pb->ioResult != noErr)
            return pb->ioResult;
        if (TickCount() > deadline)
            return commandTimeout;
    }
    s->local_port = pb->csParam.open.localPort;
    s->local_host = pb->csParam.open.localHost;
    return noErr;
}

static long read_line(StreamPtr stream, char *line, int size)
{
    TCPiopb pb;
    long got = 0;
    for (int round = 0; round < 10; ++round) {
        memset(&pb, 0, sizeof pb);
        pb.tcpStream = stream;
        pb.csParam.receive.commandTimeoutValue = 5;
        pb.csParam.receive.rcvBuff = line + got;
        pb.csParam.receive.rcvBuffLen = (unsigned short)(size - 1 - got);
        OSErr err = sync_call(&pb, TCPRcv);
        if (err != noErr)
            return err;
        got += pb.csParam.receive.rcvBuffLen;
        if (got > 0 && line[got - 1] == '\n') {
            line[got - 1] = 0;
            return got - 1;
        }
    }
    return -1;
}

static OSErr send_text(StreamPtr stream, const char *text)
{
    wdsEntry wds[2] = {{(unsigned short)strlen(text), (Ptr)text}, {0, 0}};
    TCPiopb pb;
    memset(&pb, 0, sizeof pb);
    pb.tcpStream = stream;
    pb.csParam.send.pushFlag = 1;
    pb.csParam.send.wdsPtr = (Ptr)wds;
    return sync_call(&pb, TCPSend);
}

/* accept(): waits for the pending open, hands its stream to *conn, re-creates and re-listens. */
static OSErr ncsa_accept(ncsa_socket *listener, ncsa_socket *conn)
{
    unsigned long deadline = TickCount() + 15 * 60;
    while (!listener->open_done) {
        if (TickCount() > deadline)
            return commandTimeout;
    }
    if (listener->open_pb.ioResult != noErr)
        return listener->open_pb.ioResult;
    *conn = *listener; /* the connected stream becomes the new socket (its ASR data moves too) */
    tcp_port port = listener->local_port;
    OSErr err = ncsa_socket_create(listener);
    if (err != noErr)
        return err;
    return ncsa_listen(listener, port);
}

int main(void)
{
    char line[128];
    CHECK_EQ(ctl_open(), noErr);
    static ncsa_socket listener, first, second;
    CHECK_EQ(ncsa_socket_create(&listener), noErr);
    CHECK_EQ(ncsa_listen(&listener, 0), noErr);
    CHECK(listener.local_port != 0);
    CHECK_EQ(listener.open_pb.ioResult, inProgress); /* still pending: the port was visible early */
    printf("listening on %u\n", listener.local_port);
    tcp_port port = listener.local_port;
    CHECK_EQ(ctl_sendf("port %u\n", port), noErr);

    CHECK_EQ(ncsa_accept(&listener, &first), noErr);
    CHECK_EQ(first.state, SOCK_STATE_CONNECTED);
    CHECK_EQ(first.remote_host, LOOPBACK);
    CHECK_EQ(listener.local_port, port); /* re-listening on the same port */
    CHECK_EQ(listener.open_pb.ioResult, inProgress);
    CHECK_EQ(ctl_send("relistening\n"), noErr);

    CHECK_EQ(ncsa_accept(&listener, &second), noErr);
    CHECK_EQ(second.state, SOCK_STATE_CONNECTED);
    CHECK(second.stream != first.stream);
    CHECK(second.remote_port != first.remote_port);
    CHECK_EQ(listen_completions, 2);

    /* Both connections work side by side: the host writes "one"/"two" on them. */
    CHECK(read_line(first.stream, line, sizeof line) > 0);
    CHECK(strcmp(line, "one") == 0);
    CHECK(read_line(second.stream, line, sizeof line) > 0);
    CHECK(strcmp(line, "two") == 0);
    CHECK_EQ(send_text(first.stream, "ack one\n"), noErr);
    CHECK_EQ(send_text(second.stream, "ack two\n"), noErr);

    /* The listening socket is closed with its open still pending: TCPRelease cancels it. */
    CHECK_EQ(ncsa_release(&listener), noErr);
    CHECK(spin_until_done(&listener.open_pb.ioResult, 60));
    CHECK(listener.open_pb.ioResult != noErr);
    CHECK_EQ(ncsa_release(&first), noErr);
    CHECK_EQ(ncsa_release(&second), noErr);
    CHECK_EQ(ctl_send("done\n"), noErr);
    CHECK_EQ(ctl_close(), noErr);
    return mtb_test_finish();
}
