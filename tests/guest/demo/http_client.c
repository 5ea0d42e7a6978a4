/*
 * Demo v1: a 68k HTTP/1.0 client. Opens .IPP, connects to 127.0.0.1:`port`, sends
 * "GET `path` HTTP/1.0", prints the response as it arrives (TCPRcv until connectionClosing),
 * then closes and releases the stream. Parameters: port, path (text, default "/").
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "mactcp.h"
#include "mtb_test.h"
#include "toolbox.h"

static short ipp;

static OSErr call(TCPiopb *pb, short cs_code)
{
    pb->ioCRefNum = ipp;
    pb->csCode = cs_code;
    return PBControlSync((ParmBlkPtr)pb);
}

int main(void)
{
    char path[128], request[256], chunk[513];
    long port = mtb_param("port");
    unsigned long total = 0;
    Ptr buffer = NewPtr(16384);
    TCPiopb pb;
    wdsEntry wds[2];
    StreamPtr stream;
    OSErr err;

    if (mtb_param_text("path", path, sizeof path) < 0)
        strcpy(path, "/");
    CHECK_EQ(OpenDriver((const unsigned char *)"\004.IPP", &ipp), noErr);

    memset(&pb, 0, sizeof pb);
    pb.csParam.create.rcvBuff = buffer;
    pb.csParam.create.rcvBuffLen = 16384;
    CHECK_EQ(call(&pb, TCPCreate), noErr);
    stream = pb.tcpStream;

    memset(&pb, 0, sizeof pb);
    pb.tcpStream = stream;
    pb.csParam.open.validityFlags = timeoutValue | timeoutAction;
    pb.csParam.open.ulpTimeoutValue = 30;
    pb.csParam.open.ulpTimeoutAction = 1;
    pb.csParam.open.remoteHost = 0x7F000001;
    pb.csParam.open.remotePort = (tcp_port)port;
    err = call(&pb, TCPActiveOpen);
    CHECK_EQ(err, noErr);
    if (err != noErr)
        return mtb_test_finish();
    printf("[68k] connected to 127.0.0.1:%ld from port %u\n", port, pb.csParam.open.localPort);

    snprintf(request, sizeof request, "GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\nUser-Agent: MacTCP-Bridge-68k/1.0\r\n\r\n", path);
    printf("[68k] GET %s HTTP/1.0\n", path);
    wds[0].length = (unsigned short)strlen(request);
    wds[0].ptr = request;
    wds[1].length = 0;
    memset(&pb, 0, sizeof pb);
    pb.tcpStream = stream;
    pb.csParam.send.wdsPtr = (Ptr)wds;
    pb.csParam.send.pushFlag = 1;
    CHECK_EQ(call(&pb, TCPSend), noErr);

    printf("[68k] response:\n");
    for (;;) {
        memset(&pb, 0, sizeof pb);
        pb.tcpStream = stream;
        pb.csParam.receive.rcvBuff = chunk;
        pb.csParam.receive.rcvBuffLen = sizeof chunk - 1;
        pb.csParam.receive.commandTimeoutValue = 20;
        err = call(&pb, TCPRcv);
        if (err != noErr)
            break;
        chunk[pb.csParam.receive.rcvBuffLen] = 0;
        total += pb.csParam.receive.rcvBuffLen;
        printf("%s", chunk);
    }
    CHECK_EQ(err, connectionClosing); /* the server closed after the response */
    printf("\n[68k] %lu bytes received; closing\n", total);
    CHECK(total > 0);

    memset(&pb, 0, sizeof pb);
    pb.tcpStream = stream;
    call(&pb, TCPClose);
    memset(&pb, 0, sizeof pb);
    pb.tcpStream = stream;
    CHECK_EQ(call(&pb, TCPRelease), noErr);
    DisposePtr(buffer);
    return mtb_test_finish();
}
