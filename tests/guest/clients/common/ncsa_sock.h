/*
 * The NCSA/Milligan/Reiman socket library's MacTCP patterns (client-call-sequences 3), as a small
 * guest-side socket layer of our own: socket() = TCPCreate with a Pascal ASR that drives the
 * socket state (TCPClosing -> closing, TCPTerminate -> unconnected); connect() = async
 * TCPActiveOpen with a completion routine recording the addresses, then a spin on ioResult.
 * Each ncsa_*.c program adds the pattern it tests.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef NCSA_SOCK_H
#define NCSA_SOCK_H

#include "clients_util.h"

enum { SOCK_STATE_UNCONNECTED = 0, SOCK_STATE_LISTENING, SOCK_STATE_CONNECTED, SOCK_STATE_CLOSING };
enum { STREAM_BUFFER_SIZE = 8192 };

typedef struct ncsa_socket {
    StreamPtr stream;
    Ptr buffer;
    volatile int state;
    volatile int closing_events, terminate_events;
    volatile unsigned short terminate_reason;
    TCPiopb open_pb;          /* connect/listen: pending open */
    volatile int open_done;
    ip_addr local_host, remote_host;
    tcp_port local_port, remote_port;
} ncsa_socket;

OSErr ncsa_socket_create(ncsa_socket *s);                 /* socket() */
OSErr ncsa_connect(ncsa_socket *s, ip_addr host, tcp_port port, unsigned long max_ticks);
OSErr ncsa_release(ncsa_socket *s);                        /* TCPRelease + DisposePtr */

#endif
