/*
 * Demo v1: a 68k echo/greeting server. TCPPassiveOpen on `port` (0 = any free port; the port
 * is printed at once, as MacTCP publishes it while the open is pending), greets each client,
 * echoes every line back until the client closes, for `clients` clients (default 1), the next
 * passive open issued asynchronously with a completion routine.
 * Parameters: port, clients.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "mactcp.h"
#include "mtb_test.h"
#include "toolbox.h"

static short ipp;
static TCPiopb open_pb;

static OSErr call(TCPiopb *pb, short cs_code)
{
    pb->ioCRefNum = ipp;
    pb->csCode = cs_code;
    pb->ioCompletion = 0;
    return PBControlSync((ParmBlkPtr)pb);
}

static OSErr send_text(StreamPtr stream, const char *text)
{
    TCPiopb pb;
    wdsEntry wds[2];
    wds[0].length = (unsigned short)strlen(text);
    wds[0].ptr = (Ptr)text;
    wds[1].length = 0;
    memset(&pb, 0, sizeof pb);
    pb.tcpStream = stream;
    pb.csParam.send.wdsPtr = (Ptr)wds;
    pb.csParam.send.pushFlag = 1;
    return call(&pb, TCPSend);
}

static void opened(TCPiopb *pb)
{
    (void)pb; /* ioResult is final before we are called; main polls it */
}

int main(void)
{
    int found = 0;
    long port = mtb_param("port");
    long clients = mtb_param_lookup("clients", &found);
    long served;
    if (!found || clients < 1)
        clients = 1;
    CHECK_EQ(OpenDriver((const unsigned char *)"\004.IPP", &ipp), noErr);
    for (served = 0; served < clients; ++served) {
        Ptr buffer = NewPtr(8192);
        TCPiopb pb;
        StreamPtr stream;
        OSErr err;
        unsigned long ip;
        char line[256];
        memset(&pb, 0, sizeof pb);
        pb.csParam.create.rcvBuff = buffer;
        pb.csParam.create.rcvBuffLen = 8192;
        CHECK_EQ(call(&pb, TCPCreate), noErr);
        stream = pb.tcpStream;

        memset(&open_pb, 0, sizeof open_pb);
        open_pb.tcpStream = stream;
        open_pb.csParam.open.localPort = (tcp_port)port;
        open_pb.ioCRefNum = ipp;
        open_pb.csCode = TCPPassiveOpen;
        open_pb.ioCompletion = (ProcPtr)opened;
        PBControlAsync((ParmBlkPtr)&open_pb);
        printf("[68k] echo server listening on port %u\n", open_pb.csParam.open.localPort);
        while (open_pb.ioResult > 0)
            mtb_idle(10);
        CHECK_EQ(open_pb.ioResult, noErr);
        if (open_pb.ioResult != noErr)
            break;
        ip = open_pb.csParam.open.remoteHost;
        printf("[68k] client %lu.%lu.%lu.%lu:%u connected\n", ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255, ip & 255,
               open_pb.csParam.open.remotePort);
        CHECK_EQ(send_text(stream, "Hello from a 68k Mac running MacTCP Bridge! Type a line, I echo it.\r\n"), noErr);
        for (;;) {
            memset(&pb, 0, sizeof pb);
            pb.tcpStream = stream;
            pb.csParam.receive.rcvBuff = line;
            pb.csParam.receive.rcvBuffLen = sizeof line - 1;
            err = call(&pb, TCPRcv);
            if (err != noErr)
                break;
            line[pb.csParam.receive.rcvBuffLen] = 0;
            printf("[68k] echo: %s", line);
            if (send_text(stream, line) != noErr)
                break;
        }
        CHECK_EQ(err, connectionClosing);
        printf("[68k] client closed; closing our side\n");
        memset(&pb, 0, sizeof pb);
        pb.tcpStream = stream;
        call(&pb, TCPClose);
        memset(&pb, 0, sizeof pb);
        pb.tcpStream = stream;
        CHECK_EQ(call(&pb, TCPRelease), noErr);
        DisposePtr(buffer);
    }
    return mtb_test_finish();
}
