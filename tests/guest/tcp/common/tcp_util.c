/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "tcp_util.h"

short ipp;

void tcp_open_driver(void)
{
    CHECK_EQ(OpenDriver((const unsigned char *)"\004.IPP", &ipp), noErr);
}

OSErr tcp_call(TCPiopb *pb, short cs_code)
{
    pb->ioCRefNum = ipp;
    pb->csCode = cs_code;
    pb->ioCompletion = 0;
    return PBControlSync((ParmBlkPtr)pb);
}

OSErr tcp_call_async(TCPiopb *pb, short cs_code, TCPIOCompletionProc done)
{
    pb->ioCRefNum = ipp;
    pb->csCode = cs_code;
    pb->ioCompletion = (ProcPtr)done;
    return PBControlAsync((ParmBlkPtr)pb);
}

int tcp_wait(volatile OSErr *result, unsigned long seconds)
{
    unsigned long deadline = TickCount() + seconds * 60;
    while (*result > 0) {
        if (TickCount() > deadline)
            return 0;
        mtb_idle(5);
    }
    return 1;
}

StreamPtr tcp_create(Ptr buffer, unsigned long length, TCPNotifyProc asr, Ptr user)
{
    TCPiopb pb;
    memset(&pb, 0, sizeof pb);
    pb.csParam.create.rcvBuff = buffer;
    pb.csParam.create.rcvBuffLen = length;
    pb.csParam.create.notifyProc = asr;
    pb.csParam.create.userDataPtr = user;
    if (tcp_call(&pb, TCPCreate) != noErr)
        return 0;
    return pb.tcpStream;
}

OSErr tcp_release(StreamPtr stream)
{
    TCPiopb pb;
    memset(&pb, 0, sizeof pb);
    pb.tcpStream = stream;
    return tcp_call(&pb, TCPRelease);
}

void tcp_prepare_open(TCPiopb *pb, StreamPtr stream, ip_addr host, tcp_port remote, tcp_port local)
{
    memset(pb, 0, sizeof *pb);
    pb->tcpStream = stream;
    pb->csParam.open.ulpTimeoutValue = 30;
    pb->csParam.open.ulpTimeoutAction = 1;
    pb->csParam.open.validityFlags = timeoutValue | timeoutAction;
    pb->csParam.open.remoteHost = host;
    pb->csParam.open.remotePort = remote;
    pb->csParam.open.localPort = local;
}

OSErr tcp_send_bytes(StreamPtr stream, const void *data, unsigned short length)
{
    TCPiopb pb;
    wdsEntry wds[2];
    wds[0].length = length;
    wds[0].ptr = (Ptr)data;
    wds[1].length = 0;
    memset(&pb, 0, sizeof pb);
    pb.tcpStream = stream;
    pb.csParam.send.wdsPtr = (Ptr)wds;
    pb.csParam.send.pushFlag = 1;
    return tcp_call(&pb, TCPSend);
}

OSErr tcp_rcv(StreamPtr stream, void *buffer, unsigned short length, byte timeout, unsigned short *got)
{
    TCPiopb pb;
    OSErr err;
    memset(&pb, 0, sizeof pb);
    pb.tcpStream = stream;
    pb.csParam.receive.rcvBuff = buffer;
    pb.csParam.receive.rcvBuffLen = length;
    pb.csParam.receive.commandTimeoutValue = timeout;
    err = tcp_call(&pb, TCPRcv);
    if (got)
        *got = err == noErr ? pb.csParam.receive.rcvBuffLen : 0;
    return err;
}

OSErr tcp_close(StreamPtr stream)
{
    TCPiopb pb;
    memset(&pb, 0, sizeof pb);
    pb.tcpStream = stream;
    return tcp_call(&pb, TCPClose);
}

OSErr tcp_abort(StreamPtr stream)
{
    TCPiopb pb;
    memset(&pb, 0, sizeof pb);
    pb.tcpStream = stream;
    return tcp_call(&pb, TCPAbort);
}

OSErr tcp_status(StreamPtr stream, TCPiopb *pb)
{
    memset(pb, 0, sizeof *pb);
    pb->tcpStream = stream;
    return tcp_call(pb, TCPStatus);
}

void checksum_add(checksum_t *c, const unsigned char *data, unsigned long length)
{
    /* a = sum of bytes, b = sum of the running a's, both modulo 2^32 (host side: same). */
    unsigned long a = c->a, b = c->b;
    while (length >= 4) {
        a += data[0]; b += a;
        a += data[1]; b += a;
        a += data[2]; b += a;
        a += data[3]; b += a;
        data += 4;
        length -= 4;
    }
    while (length--) {
        a += *data++;
        b += a;
    }
    c->a = a;
    c->b = b;
}

unsigned long checksum_value(const checksum_t *c)
{
    return c->b ^ (c->a << 7);
}
