/*
 * See ncsa_sock.h.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "ncsa_sock.h"

#include "callback_thunks.h"
#include "mtb_libc.h"

static void sock_tcp_notify(StreamPtr stream, unsigned short event, Ptr user_data, unsigned short reason,
                            ICMPReport *icmp)
{
    (void)stream;
    (void)icmp;
    ncsa_socket *s = (ncsa_socket *)user_data;
    switch (event) {
    case TCPClosing:
        ++s->closing_events;
        s->state = SOCK_STATE_CLOSING;
        break;
    case TCPTerminate:
        ++s->terminate_events;
        s->terminate_reason = reason;
        s->state = SOCK_STATE_UNCONNECTED;
        break;
    default:
        break;
    }
}
MTB_TCP_ASR_THUNK(ncsa_notify_thunk, sock_tcp_notify);

OSErr ncsa_socket_create(ncsa_socket *s)
{
    memset(s, 0, sizeof *s);
    TCPiopb pb;
    memset(&pb, 0, sizeof pb);
    s->buffer = NewPtr(STREAM_BUFFER_SIZE);
    pb.csParam.create.rcvBuff = s->buffer;
    pb.csParam.create.rcvBuffLen = STREAM_BUFFER_SIZE;
    pb.csParam.create.notifyProc = (TCPNotifyProc)ncsa_notify_thunk;
    pb.csParam.create.userDataPtr = (Ptr)s;
    OSErr err = sync_call(&pb, TCPCreate);
    s->stream = pb.tcpStream;
    return err;
}

/* sock_tcp_connect_done: records the addresses the open reports. */
static void connect_done(TCPiopb *pb)
{
    ncsa_socket *s = (ncsa_socket *)pb->csParam.open.userDataPtr;
    if (pb->ioResult == noErr) {
        s->local_host = pb->csParam.open.localHost;
        s->local_port = pb->csParam.open.localPort;
        s->remote_host = pb->csParam.open.remoteHost;
        s->remote_port = pb->csParam.open.remotePort;
        s->state = SOCK_STATE_CONNECTED;
    }
    s->open_done = 1;
}

OSErr ncsa_connect(ncsa_socket *s, ip_addr host, tcp_port port, unsigned long max_ticks)
{
    TCPiopb *pb = &s->open_pb;
    memset(pb, 0, sizeof *pb);
    pb->ioCRefNum = ipp();
    pb->csCode = TCPActiveOpen;
    pb->tcpStream = s->stream;
    pb->csParam.open.validityFlags = timeoutValue | timeoutAction;
    pb->csParam.open.ulpTimeoutValue = 60;
    pb->csParam.open.ulpTimeoutAction = 1;
    pb->csParam.open.remoteHost = host;
    pb->csParam.open.remotePort = port;
    pb->csParam.open.userDataPtr = (Ptr)s;
    pb->ioCompletion = (ProcPtr)connect_done;
    s->open_done = 0;
    OSErr err = PBControlAsync((ParmBlkPtr)pb);
    if (err != noErr)
        return err;
    if (!spin_until_done(&pb->ioResult, max_ticks))
        return commandTimeout;
    return pb->ioResult;
}

OSErr ncsa_release(ncsa_socket *s)
{
    OSErr err = raw_tcp_release(s->stream);
    s->stream = 0;
    return err;
}
