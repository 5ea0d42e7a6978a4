/*
 * Helpers shared by the UDP guest programs: MacTCP UDP calls the way clients issue them.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef MTB_UDP_GUEST_H
#define MTB_UDP_GUEST_H

#include "mactcp.h"
#include "mtb_test.h"
#include "toolbox.h"

#define LOOPBACK 0x7F000001UL

extern short ipp;

void open_ipp(void);
/* Fills ioCRefNum/csCode and calls _Control synchronously. */
OSErr udp_call(void *pb, short cs_code);
/* UDPCreate (port 0: any); *port gets the chosen port. */
OSErr udp_create(Ptr buffer, unsigned long length, unsigned short *port, UDPNotifyProc asr, Ptr user_data,
                 StreamPtr *stream);
/* UDPWrite of one buffer (8-byte WDS: one entry and the terminator). */
OSErr udp_write(StreamPtr stream, ip_addr host, unsigned short port, const void *data, unsigned short length);
/* UDPRead, synchronous; the datagram is described in *pb. */
OSErr udp_read(StreamPtr stream, unsigned short timeout, UDPiopb *pb);
OSErr udp_bfr_return(StreamPtr stream, Ptr data);
/* UDPRelease; the buffer handed back is disposed of, as apps do. */
OSErr udp_release(StreamPtr stream);

#endif
