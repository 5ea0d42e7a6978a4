/*
 * Small MacTCP helpers shared by the TCP guest programs: every call is a real _Control on .IPP.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef TCP_UTIL_H
#define TCP_UTIL_H

#include "mactcp.h"
#include "mtb_test.h"
#include "toolbox.h"

extern short ipp;
#define LOOPBACK 0x7F000001UL

void tcp_open_driver(void);
/* Issues pb (header filled in) with `cs_code`, sync or async (completion routine `done`). */
OSErr tcp_call(TCPiopb *pb, short cs_code);
OSErr tcp_call_async(TCPiopb *pb, short cs_code, TCPIOCompletionProc done);
/* Spins with the machine's idle call until ioResult <= 0 or `seconds` pass; 1 if done. */
int tcp_wait(volatile OSErr *result, unsigned long seconds);

StreamPtr tcp_create(Ptr buffer, unsigned long length, TCPNotifyProc asr, Ptr user);
OSErr tcp_release(StreamPtr stream);
void tcp_prepare_open(TCPiopb *pb, StreamPtr stream, ip_addr host, tcp_port remote, tcp_port local);
OSErr tcp_send_bytes(StreamPtr stream, const void *data, unsigned short length);
/* TCPRcv into buffer; returns the result, *got = bytes delivered. */
OSErr tcp_rcv(StreamPtr stream, void *buffer, unsigned short length, byte timeout, unsigned short *got);
OSErr tcp_close(StreamPtr stream);
OSErr tcp_abort(StreamPtr stream);
OSErr tcp_status(StreamPtr stream, TCPiopb *pb);

/* Fletcher-style checksum of a byte stream, carried across calls. */
typedef struct { unsigned long a, b; } checksum_t;
void checksum_add(checksum_t *c, const unsigned char *data, unsigned long length);
unsigned long checksum_value(const checksum_t *c);

#endif
