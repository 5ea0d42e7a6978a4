/*
 * UDP calls for dnr suite programs, which cannot include mactcp.h next to the DNR glue (both
 * declare the DNR records): the udp suite's helpers behind plain types.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef MTB_DNR_UDP_CALLS_H
#define MTB_DNR_UDP_CALLS_H

void dnr_udp_open_driver(void);
/* UDPCreate on any free port with a receive buffer of `size` bytes. */
short dnr_udp_create(unsigned long size, unsigned long *stream, unsigned short *port);
short dnr_udp_write(unsigned long stream, unsigned long host, unsigned short port, const void *data, unsigned short length);
/* UDPRead (timeout in seconds): where the datagram lies, its length and sender. */
short dnr_udp_read(unsigned long stream, unsigned short timeout, char **data, unsigned short *length, unsigned long *host,
                   unsigned short *port);
short dnr_udp_bfr_return(unsigned long stream, char *data);
short dnr_udp_release(unsigned long stream);

#endif
