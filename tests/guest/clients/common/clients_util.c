/*
 * See clients_util.h.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "clients_util.h"

#include "mtb_libc.h"
#include "mtb_test.h"

static short refnum;

short ipp(void)
{
    if (refnum == 0) {
        short r = 0;
        if (OpenDriver((const unsigned char *)"\004.IPP", &r) == noErr)
            refnum = r;
    }
    return refnum;
}

OSErr sync_call(void *pb, short cs_code)
{
    TCPiopb *p = pb;
    p->ioCRefNum = ipp();
    p->csCode = cs_code;
    p->ioCompletion = 0;
    return PBControlSync((ParmBlkPtr)pb);
}

int spin_until_done(volatile OSErr *result, unsigned long ticks)
{
    unsigned long deadline = TickCount() + ticks;
    while (*result > 0) {
        if (TickCount() > deadline)
            return 0;
    }
    return 1;
}

int spin_until_flag(volatile int *flag, unsigned long ticks)
{
    unsigned long deadline = TickCount() + ticks;
    while (!*flag) {
        if (TickCount() > deadline)
            return 0;
    }
    return 1;
}

StreamPtr raw_tcp_create(long size, Ptr *buffer)
{
    TCPiopb pb;
    memset(&pb, 0, sizeof pb);
    *buffer = NewPtr(size);
    pb.csParam.create.rcvBuff = *buffer;
    pb.csParam.create.rcvBuffLen = (unsigned long)size;
    if (sync_call(&pb, TCPCreate) != noErr) {
        DisposePtr(*buffer);
        *buffer = 0;
        return 0;
    }
    return pb.tcpStream;
}

OSErr raw_tcp_release(StreamPtr stream)
{
    TCPiopb pb;
    memset(&pb, 0, sizeof pb);
    pb.tcpStream = stream;
    OSErr err = sync_call(&pb, TCPRelease);
    if (err == noErr)
        DisposePtr(pb.csParam.create.rcvBuff);
    return err;
}

OSErr raw_tcp_status(StreamPtr stream, TCPiopb *pb)
{
    memset(pb, 0, sizeof *pb);
    pb->tcpStream = stream;
    return sync_call(pb, TCPStatus);
}

/* ---- control connection ---- */
static StreamPtr ctl_stream;
static char ctl_pending[256];
static long ctl_pending_len;

OSErr ctl_open(void)
{
    Ptr buffer;
    ctl_stream = raw_tcp_create(8192, &buffer);
    if (!ctl_stream)
        return insufficientResources;
    TCPiopb pb;
    memset(&pb, 0, sizeof pb);
    pb.tcpStream = ctl_stream;
    pb.csParam.open.validityFlags = timeoutValue | timeoutAction;
    pb.csParam.open.ulpTimeoutValue = 20;
    pb.csParam.open.ulpTimeoutAction = 1;
    pb.csParam.open.remoteHost = LOOPBACK;
    pb.csParam.open.remotePort = (tcp_port)mtb_param("control_port");
    return sync_call(&pb, TCPActiveOpen);
}

OSErr ctl_send(const char *text)
{
    wdsEntry wds[2];
    wds[0].length = (unsigned short)strlen(text);
    wds[0].ptr = (Ptr)text;
    wds[1].length = 0;
    wds[1].ptr = 0;
    TCPiopb pb;
    memset(&pb, 0, sizeof pb);
    pb.tcpStream = ctl_stream;
    pb.csParam.send.validityFlags = timeoutValue | timeoutAction;
    pb.csParam.send.ulpTimeoutValue = 20;
    pb.csParam.send.ulpTimeoutAction = 1;
    pb.csParam.send.pushFlag = 1;
    pb.csParam.send.wdsPtr = (Ptr)wds;
    return sync_call(&pb, TCPSend);
}

OSErr ctl_sendf(const char *fmt, ...)
{
    char text[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    return ctl_send(text);
}

long ctl_recv_line(char *line, long size, int seconds)
{
    unsigned long deadline = TickCount() + (unsigned long)seconds * 60;
    for (;;) {
        for (long i = 0; i < ctl_pending_len; ++i) {
            if (ctl_pending[i] == '\n') {
                long n = i < size - 1 ? i : size - 1;
                memcpy(line, ctl_pending, (size_t)n);
                line[n] = 0;
                memmove(ctl_pending, ctl_pending + i + 1, (size_t)(ctl_pending_len - i - 1));
                ctl_pending_len -= i + 1;
                return n;
            }
        }
        if (TickCount() > deadline || ctl_pending_len >= (long)sizeof ctl_pending)
            return commandTimeout;
        TCPiopb pb;
        memset(&pb, 0, sizeof pb);
        pb.tcpStream = ctl_stream;
        pb.csParam.receive.commandTimeoutValue = 2;
        pb.csParam.receive.rcvBuff = ctl_pending + ctl_pending_len;
        pb.csParam.receive.rcvBuffLen = (unsigned short)(sizeof ctl_pending - (unsigned long)ctl_pending_len);
        OSErr err = sync_call(&pb, TCPRcv);
        if (err == commandTimeout)
            continue;
        if (err != noErr)
            return err;
        ctl_pending_len += pb.csParam.receive.rcvBuffLen;
    }
}

OSErr ctl_close(void)
{
    TCPiopb pb;
    memset(&pb, 0, sizeof pb);
    pb.tcpStream = ctl_stream;
    pb.csParam.close.validityFlags = timeoutValue | timeoutAction;
    pb.csParam.close.ulpTimeoutValue = 20;
    pb.csParam.close.ulpTimeoutAction = 1;
    OSErr err = sync_call(&pb, TCPClose);
    /* Read until the host's FIN (connectionClosing), bounded. */
    for (int i = 0; i < 10 && err == noErr; ++i) {
        char sink[64];
        memset(&pb, 0, sizeof pb);
        pb.tcpStream = ctl_stream;
        pb.csParam.receive.commandTimeoutValue = 2;
        pb.csParam.receive.rcvBuff = sink;
        pb.csParam.receive.rcvBuffLen = sizeof sink;
        OSErr r = sync_call(&pb, TCPRcv);
        if (r != noErr && r != commandTimeout)
            break;
    }
    OSErr released = raw_tcp_release(ctl_stream);
    ctl_stream = 0;
    return err != noErr ? err : released;
}
