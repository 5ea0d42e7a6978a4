/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "udp_guest.h"

short ipp;

void open_ipp(void)
{
    CHECK_EQ(OpenDriver((const unsigned char *)"\004.IPP", &ipp), noErr);
}

OSErr udp_call(void *pb, short cs_code)
{
    UDPiopb *p = pb;
    p->ioCRefNum = ipp;
    p->csCode = cs_code;
    return PBControlSync((ParmBlkPtr)pb);
}

OSErr udp_create(Ptr buffer, unsigned long length, unsigned short *port, UDPNotifyProc asr, Ptr user_data,
                 StreamPtr *stream)
{
    UDPiopb pb;
    memset(&pb, 0, sizeof pb);
    pb.csParam.create.rcvBuff = buffer;
    pb.csParam.create.rcvBuffLen = length;
    pb.csParam.create.notifyProc = asr;
    pb.csParam.create.localPort = port ? *port : 0;
    pb.csParam.create.userDataPtr = user_data;
    OSErr result = udp_call(&pb, UDPCreate);
    if (port)
        *port = pb.csParam.create.localPort;
    if (stream)
        *stream = pb.udpStream;
    return result;
}

OSErr udp_write(StreamPtr stream, ip_addr host, unsigned short port, const void *data, unsigned short length)
{
    wdsEntry wds[2];
    wds[0].length = length;
    wds[0].ptr = (Ptr)data;
    wds[1].length = 0;
    UDPiopb pb;
    memset(&pb, 0, sizeof pb);
    pb.udpStream = stream;
    pb.csParam.send.remoteHost = host;
    pb.csParam.send.remotePort = port;
    pb.csParam.send.wdsPtr = (Ptr)wds;
    pb.csParam.send.checkSum = 1;
    return udp_call(&pb, UDPWrite);
}

OSErr udp_read(StreamPtr stream, unsigned short timeout, UDPiopb *pb)
{
    memset(pb, 0, sizeof *pb);
    pb->udpStream = stream;
    pb->csParam.receive.timeOut = timeout;
    return udp_call(pb, UDPRead);
}

OSErr udp_bfr_return(StreamPtr stream, Ptr data)
{
    UDPiopb pb;
    memset(&pb, 0, sizeof pb);
    pb.udpStream = stream;
    pb.csParam.receive.rcvBuff = data;
    return udp_call(&pb, UDPBfrReturn);
}

OSErr udp_release(StreamPtr stream)
{
    UDPiopb pb;
    memset(&pb, 0, sizeof pb);
    pb.udpStream = stream;
    OSErr result = udp_call(&pb, UDPRelease);
    if (result == noErr)
        DisposePtr(pb.csParam.create.rcvBuff);
    return result;
}
