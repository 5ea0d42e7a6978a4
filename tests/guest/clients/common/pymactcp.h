/*
 * A guest-side model of MacPython's `mactcp` module (shared/docs/seed-mactcp-module.txt), written
 * for this project from mactcp-reference.md section 9 and client-call-sequences.md section 3: every
 * function and member issues the same MacTCP calls with the same parameter values the module
 * does, so a guest program that uses it drives the driver exactly as a Python script would.
 *
 * Python object -> C:  mactcp.TCPCreate(size) -> py_TCPCreate(size, &err); s.Send(buf, 1, 0) ->
 * py_tcp_Send(s, buf, len, 1, 0); a raised mactcp.error -> a nonzero OSErr (or PY_ERR_STATE /
 * PY_ERR_BUSY for the module's own "Operation not allowed" errors).
 *
 * What the module does and this layer reproduces (quirks included):
 *  - every call that goes through the module's xPBControl stores A5 in ioNamePtr first (the
 *    "MacTCP 1.0.x" hack); the layer counts any call after which ioNamePtr is no longer A5
 *    (py_namepr_clobbered): the bridge must leave it alone.
 *  - ASRs and the PassiveOpen completion do not call Python: they store (event, detail) in the
 *    object and queue a pending call (Py_AddPendingCall), run later from the main loop. Two
 *    events before the pending calls run are both reported with the later event's values, as
 *    in MacPython. py_run_pending() runs them; the layer runs them at each entry and while it
 *    waits. The raw ASR calls are also logged (raw_*) for the tests' own checks.
 *  - Send accepts connection states 8 and 18 only (MacPython's STATE_CWAIT is 18; MacTCP's Close
 *    Wait is 14), so Send after the peer's half-close fails with PY_ERR_STATE and py_last_state=14.
 *  - Rcv reads urgent/mark at the OLD header offsets (tcpglue.h includes TCPPB.h): mark at pb
 *    byte 34, urgent at byte 35 (mactcp-reference 3.2.1). The UI-offset bytes are kept as well
 *    (raw_mark33/raw_urgent34/raw_byte35) so tests can check what the bridge itself wrote.
 *  - GetSockName returns the port as a signed short, as the module's "(lh)" does.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef PYMACTCP_H
#define PYMACTCP_H

#include "mactcp.h"
#include "toolbox.h"

/* MACTCPconst.PassiveOpenDone: the module's extra ASR event when a PassiveOpen completes. */
enum { PassiveOpenDone = 32766 };

/* The module's own errors (mactcp.error with a text message, not a MacTCP code). */
enum {
    PY_ERR_STATE = 30001, /* "Operation not allowed, connection state=%d" (state in py_last_state) */
    PY_ERR_BUSY = 30002,  /* "Operation not allowed, PassiveOpen in progress" / dealloc while busy */
    PY_ERR_WAIT = 30003   /* not MacPython: our bound on wait() ran out (the test fails) */
};
extern int py_last_state;
extern long py_namepr_clobbered; /* calls after which ioNamePtr no longer held A5 */

struct py_tcp;
struct py_udp;
typedef void (*py_tcp_asr_fn)(struct py_tcp *self, int event, int detail); /* def asr(ev, detail) */
typedef void (*py_udp_asr_fn)(struct py_udp *self, int event);             /* def asr(ev) */

typedef struct py_tcp {
    TCPiopb iop;               /* the object's one parameter block, used for every call */
    long localhost;            /* saved by PassiveOpen/ActiveOpen for GetSockName */
    short localport;
    py_tcp_asr_fn asr;         /* None = 0 */
    int asr_ec;
    int asr_reason;
    volatile int async_busy;   /* PassiveOpen pending */
    volatile int async_err;
    void *script;              /* free for the script (like attributes on a Python object) */
    /* Instrumentation (not in MacPython): every ASR call as MacTCP made it. */
    volatile int raw_count;
    volatile unsigned short raw_event[16];
    volatile unsigned short raw_reason[16];
    volatile unsigned long raw_stream[16];
    volatile unsigned long raw_icmp[16];
    volatile int completion_calls;
} py_tcp;

/* TCP status object: the TCPStatus block copied (members as in the module's member list). */
typedef struct py_tcp_status {
    TCPStatusPB status;
} py_tcp_status;

typedef struct py_udp {
    UDPiopb iop;
    py_udp_asr_fn asr;
    int asr_ec;
    unsigned short port;       /* .port */
    void *script;
    volatile int raw_count;
    volatile unsigned short raw_event[16];
} py_udp;

/* Module functions. */
OSErr py_open_driver(void);            /* xOpenDriver: PBOpen(".IPP") once */
short py_driver_refnum(void);
unsigned short py_MTU(void);           /* mactcp.MTU() */
unsigned long py_IPAddr(void);         /* mactcp.IPAddr() */
long py_NetMask(void);                 /* mactcp.NetMask() */
py_tcp *py_TCPCreate(long size, OSErr *err);               /* mactcp.TCPCreate(size) */
py_udp *py_UDPCreate(long size, int port, OSErr *err);     /* mactcp.UDPCreate(size, port) */

/* TCP stream methods. */
OSErr py_tcp_PassiveOpen(py_tcp *s, short port);
int py_tcp_isdone(py_tcp *s);
OSErr py_tcp_wait(py_tcp *s, unsigned long max_ticks);     /* bound: a test must end */
void py_tcp_GetSockName(py_tcp *s, long *host, short *port);
OSErr py_tcp_ActiveOpen(py_tcp *s, short lport, long host, short rport);
OSErr py_tcp_Send(py_tcp *s, const char *buf, int len, int push, int urgent);
/* data: copied into out (at most outmax bytes; *outlen = the full length MacTCP returned). */
OSErr py_tcp_Rcv(py_tcp *s, int timeout, char *out, int outmax, int *outlen, int *urgent, int *mark);
OSErr py_tcp_Close(py_tcp *s);
OSErr py_tcp_Abort(py_tcp *s);
OSErr py_tcp_Status(py_tcp *s, py_tcp_status *out);
OSErr py_tcp_dealloc(py_tcp *s);       /* del s: TCPRelease + DisposPtr(offset 32); frees s */

/* The flag bytes of the last Rcv's NoCopyRcv, at the UI offsets (33 mark, 34 urgent) and 35. */
extern int py_raw_mark33, py_raw_urgent34, py_raw_byte35;

/* UDP stream methods. */
OSErr py_udp_Read(py_udp *s, int timeout, char *out, int outmax, int *outlen);
OSErr py_udp_Write(py_udp *s, unsigned long host, unsigned short port, const char *buf, int len);
OSErr py_udp_dealloc(py_udp *s);

/* The interpreter's pending calls (ASR events) and a bounded idle for script loops. */
void py_run_pending(void);
void py_idle(unsigned long ms);

#endif
