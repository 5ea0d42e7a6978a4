/*
 * Plumbing shared by the client-pattern guest programs (not part of any client's sequence):
 * raw synchronous MacTCP calls, bounded spinning, and a control connection to the host test.
 *
 * The control connection is how a guest program talks to the host-side test while it runs
 * (the way an FTP control connection carries a PORT command): the guest opens it to the host
 * port `control_port`, sends lines ("port 49152\n"), and reads the host's lines back.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef CLIENTS_UTIL_H
#define CLIENTS_UTIL_H

#include "mactcp.h"
#include "toolbox.h"

#define LOOPBACK 0x7F000001UL

short ipp(void);                                   /* .IPP's refnum (opened on first use) */
OSErr sync_call(void *pb, short cs_code);         /* ioCRefNum/csCode set; sync _Control */
/* Spins on *result (no yielding, as NCSA-style clients do) for at most `ticks`; 1 if done. */
int spin_until_done(volatile OSErr *result, unsigned long ticks);
/* As spin_until_done, but on any condition flag written at interrupt level. */
int spin_until_flag(volatile int *flag, unsigned long ticks);

StreamPtr raw_tcp_create(long size, Ptr *buffer);  /* 0 on failure */
OSErr raw_tcp_release(StreamPtr stream);          /* and disposes the buffer it hands back */
OSErr raw_tcp_status(StreamPtr stream, TCPiopb *pb);

/* Control connection. */
OSErr ctl_open(void);                              /* to 127.0.0.1:control_port */
OSErr ctl_send(const char *text);                 /* pushes the text */
OSErr ctl_sendf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Reads one line (without '\n') within `seconds`; its length, or a negative OSErr. */
long ctl_recv_line(char *line, long size, int seconds);
OSErr ctl_close(void);                             /* TCPClose, wait for the host's EOF, release */

#endif
