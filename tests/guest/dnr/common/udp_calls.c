/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "../../udp/common/udp_guest.c"
#include "udp_calls.h"

void dnr_udp_open_driver(void) { open_ipp(); }

short dnr_udp_create(unsigned long size, unsigned long *stream, unsigned short *port)
{
    StreamPtr s = 0;
    *port = 0;
    OSErr err = udp_create(NewPtr((long)size), size, port, 0, 0, &s);
    *stream = s;
    return err;
}

short dnr_udp_write(unsigned long stream, unsigned long host, unsigned short port, const void *data, unsigned short length)
{
    return udp_write(stream, host, port, data, length);
}

short dnr_udp_read(unsigned long stream, unsigned short timeout, char **data, unsigned short *length, unsigned long *host,
                   unsigned short *port)
{
    UDPiopb pb;
    OSErr err = udp_read(stream, timeout, &pb);
    *data = pb.csParam.receive.rcvBuff;
    *length = pb.csParam.receive.rcvBuffLen;
    *host = pb.csParam.receive.remoteHost;
    *port = pb.csParam.receive.remotePort;
    return err;
}

short dnr_udp_bfr_return(unsigned long stream, char *data) { return udp_bfr_return(stream, data); }

short dnr_udp_release(unsigned long stream) { return udp_release(stream); }
