/*
 * MacPython's `mactcp` module as guest C: see pymactcp.h. Written for this project from the
 * module's documented call sequences (mactcp-reference 9, client-call-sequences 3).
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "pymactcp.h"

#include "callback_thunks.h"
#include "mtb_libc.h"
#include "mtb_test.h"

int py_last_state;
long py_namepr_clobbered;
int py_raw_mark33, py_raw_urgent34, py_raw_byte35;

static short driver; /* refnum, 0 until opened */

static Ptr current_a5(void)
{
    Ptr a5;
    __asm__ volatile("move.l %%a5,%0" : "=r"(a5));
    return a5;
}

/* ---- Py_AddPendingCall ---- */
enum { PENDING_MAX = 32, PENDING_TCP = 1, PENDING_UDP = 2 };
static struct {
    int kind;
    void *object;
} pending[PENDING_MAX];
static volatile int pending_head, pending_tail; /* tail written at interrupt level */
static volatile long pending_dropped;

static void add_pending(int kind, void *object)
{
    int next = (pending_tail + 1) % PENDING_MAX;
    if (next == pending_head) {
        ++pending_dropped; /* Py_AddPendingCall fails when its queue is full */
        return;
    }
    pending[pending_tail].kind = kind;
    pending[pending_tail].object = object;
    pending_tail = next;
}

void py_run_pending(void)
{
    while (pending_head != pending_tail) {
        int kind = pending[pending_head].kind;
        void *object = pending[pending_head].object;
        pending_head = (pending_head + 1) % PENDING_MAX;
        if (kind == PENDING_TCP) {
            py_tcp *s = object;
            if (s->asr)
                s->asr(s, s->asr_ec, s->asr_reason);
        } else {
            py_udp *s = object;
            if (s->asr)
                s->asr(s, s->asr_ec);
        }
    }
}

void py_idle(unsigned long ms)
{
    py_run_pending();
    mtb_idle(ms);
    py_run_pending();
}

/* ---- tcpglue ---- */
static void check_name_ptr(void *pb)
{
    TCPiopb *p = pb;
    if (p->ioNamePtr != current_a5())
        ++py_namepr_clobbered;
}

/* xPBControl: A5 into ioNamePtr; completion 0 = sync, -1 = async without completion routine. */
static OSErr x_control(void *pb, ProcPtr completion)
{
    TCPiopb *p = pb;
    OSErr err;
    p->ioNamePtr = current_a5();
    if (completion == 0) {
        p->ioCompletion = 0;
        err = PBControlSync((ParmBlkPtr)pb);
        check_name_ptr(pb);
    } else if (completion == (ProcPtr)-1L) {
        p->ioCompletion = 0;
        err = PBControlAsync((ParmBlkPtr)pb);
    } else {
        p->ioCompletion = completion;
        err = PBControlAsync((ParmBlkPtr)pb);
    }
    return err;
}

/* xPBControlSync: no A5 hack. */
static OSErr x_control_sync(void *pb)
{
    ((TCPiopb *)pb)->ioCompletion = 0;
    return PBControlSync((ParmBlkPtr)pb);
}

OSErr py_open_driver(void)
{
    if (driver == 0) {
        ParamBlockRec pb;
        memset(&pb, 0, sizeof pb);
        pb.ioParam.ioCompletion = 0;
        pb.ioParam.ioNamePtr = (StringPtr) "\004.IPP";
        pb.ioParam.ioPermssn = 0; /* fsCurPerm */
        OSErr err = PBOpenSync(&pb);
        if (err != noErr)
            return err;
        driver = pb.ioParam.ioRefNum;
    }
    return noErr;
}

short py_driver_refnum(void) { return driver; }

static unsigned long x_ip_addr(void)
{
    GetAddrParamBlock pbr; /* not cleared, as in the module */
    pbr.ioCRefNum = driver;
    pbr.csCode = ipctlGetAddr;
    if (x_control_sync(&pbr) != noErr)
        return 0;
    return pbr.ourAddress;
}

unsigned long py_IPAddr(void)
{
    if (py_open_driver() != noErr)
        return 0;
    return x_ip_addr();
}

long py_NetMask(void)
{
    if (py_open_driver() != noErr)
        return 0;
    GetAddrParamBlock pbr;
    pbr.ioCRefNum = driver;
    pbr.csCode = ipctlGetAddr;
    if (x_control_sync(&pbr) != noErr)
        return 0;
    return pbr.ourNetMask;
}

unsigned short py_MTU(void)
{
    if (py_open_driver() != noErr)
        return 0;
    UDPiopb pbr;
    pbr.ioCRefNum = driver;
    pbr.csCode = UDPMaxMTUSize;
    pbr.csParam.mtu.remoteHost = x_ip_addr();
    if (x_control_sync(&pbr) != noErr)
        return 0;
    return pbr.csParam.mtu.mtuSize;
}

/* ---- TCP stream object ---- */
static void tcps_asr(StreamPtr stream, unsigned short event, Ptr user_data, unsigned short reason,
                     ICMPReport *icmp)
{
    py_tcp *self = (py_tcp *)user_data;
    int n = self->raw_count;
    if (n < 16) {
        self->raw_event[n] = event;
        self->raw_reason[n] = reason;
        self->raw_stream[n] = stream;
        self->raw_icmp[n] = (unsigned long)icmp;
        self->raw_count = n + 1;
    }
    if (self->asr == 0)
        return;
    self->asr_ec = event;
    self->asr_reason = reason;
    add_pending(PENDING_TCP, self);
}
MTB_TCP_ASR_THUNK(py_tcps_asr_thunk, tcps_asr);

/* The PassiveOpen completion routine (C convention, interrupt level). */
static void tcps_done(TCPiopb *pb)
{
    py_tcp *self = (py_tcp *)pb->csParam.open.userDataPtr;
    ++self->completion_calls;
    if (pb != &self->iop || !self->async_busy) {
        printf("tcps_done: unexpected call\n");
        return;
    }
    self->async_busy = 0;
    self->async_err = pb->ioResult;
    if (self->asr == 0)
        return;
    self->asr_ec = PassiveOpenDone;
    self->asr_reason = 0;
    add_pending(PENDING_TCP, self);
}

static int tcps_checkstate(py_tcp *s, int state, int state2)
{
    if (s->async_busy)
        return PY_ERR_BUSY;
    if (state < 0 && state2 < 0)
        return 0;
    s->iop.ioCRefNum = driver;
    s->iop.csCode = TCPStatus;
    OSErr err = x_control_sync(&s->iop);
    if (err)
        return err;
    py_last_state = s->iop.csParam.status.connectionState;
    if (state == py_last_state || state2 == py_last_state)
        return 0;
    return PY_ERR_STATE;
}

py_tcp *py_TCPCreate(long size, OSErr *err)
{
    py_run_pending();
    *err = py_open_driver();
    if (*err)
        return 0;
    py_tcp *self = (py_tcp *)NewPtrClear(sizeof(py_tcp));
    if (!self) {
        *err = memFullErr;
        return 0;
    }
    memset(&self->iop, 0, sizeof self->iop);
    self->iop.ioCRefNum = driver;
    self->iop.csCode = TCPCreate;
    self->iop.csParam.create.rcvBuff = NewPtr(size);
    self->iop.csParam.create.rcvBuffLen = (unsigned long)size;
    self->iop.csParam.create.notifyProc = (TCPNotifyProc)py_tcps_asr_thunk;
    self->iop.csParam.create.userDataPtr = (Ptr)self;
    *err = x_control_sync(&self->iop);
    if (*err) {
        DisposePtr((Ptr)self); /* the module leaks the NewPtr buffer here too */
        return 0;
    }
    return self;
}

OSErr py_tcp_PassiveOpen(py_tcp *s, short port)
{
    py_run_pending();
    int st = tcps_checkstate(s, -1, -1);
    if (st)
        return (OSErr)st;
    s->async_busy = 1;
    s->async_err = 0;
    TCPiopb *pb = &s->iop;
    pb->ioCRefNum = driver;
    pb->csCode = TCPPassiveOpen;
    pb->csParam.open.validityFlags = timeoutValue | timeoutAction;
    pb->csParam.open.ulpTimeoutValue = 255;
    pb->csParam.open.ulpTimeoutAction = 0; /* report */
    pb->csParam.open.commandTimeoutValue = 0; /* forever */
    pb->csParam.open.remoteHost = 0;
    pb->csParam.open.remotePort = 0;
    pb->csParam.open.localHost = 0;
    pb->csParam.open.localPort = (tcp_port)port;
    pb->csParam.open.dontFrag = 0;
    pb->csParam.open.timeToLive = 0;
    pb->csParam.open.security = 0;
    pb->csParam.open.optionCnt = 0;
    pb->csParam.open.userDataPtr = (Ptr)s;
    OSErr err = x_control(pb, (ProcPtr)tcps_done);
    if (err) {
        s->async_busy = 0;
        return err;
    }
    /* Read right after issuing: MacTCP fills these while the open is pending. */
    s->localhost = (long)pb->csParam.open.localHost;
    s->localport = (short)pb->csParam.open.localPort;
    return noErr;
}

int py_tcp_isdone(py_tcp *s)
{
    py_run_pending();
    return !s->async_busy;
}

OSErr py_tcp_wait(py_tcp *s, unsigned long max_ticks)
{
    unsigned long deadline = TickCount() + max_ticks;
    while (s->async_busy) {
        py_idle(10); /* PyMac_Idle */
        if (TickCount() > deadline)
            return PY_ERR_WAIT;
    }
    py_run_pending();
    if (s->async_err) {
        OSErr err = (OSErr)s->async_err;
        s->async_err = 0;
        return err;
    }
    return noErr;
}

void py_tcp_GetSockName(py_tcp *s, long *host, short *port)
{
    py_run_pending();
    *host = s->localhost;
    *port = s->localport;
}

OSErr py_tcp_ActiveOpen(py_tcp *s, short lport, long host, short rport)
{
    py_run_pending();
    int st = tcps_checkstate(s, -1, -1);
    if (st)
        return (OSErr)st;
    TCPiopb *pb = &s->iop;
    pb->ioCRefNum = driver;
    pb->csCode = TCPActiveOpen;
    pb->csParam.open.validityFlags = timeoutValue | timeoutAction;
    pb->csParam.open.ulpTimeoutValue = 60;
    pb->csParam.open.ulpTimeoutAction = 1; /* abort */
    pb->csParam.open.commandTimeoutValue = 0;
    pb->csParam.open.remoteHost = (ip_addr)host;
    pb->csParam.open.remotePort = (tcp_port)rport;
    pb->csParam.open.localHost = 0;
    pb->csParam.open.localPort = (tcp_port)lport;
    pb->csParam.open.dontFrag = 0;
    pb->csParam.open.timeToLive = 0;
    pb->csParam.open.security = 0;
    pb->csParam.open.optionCnt = 0;
    /* userDataPtr keeps whatever the pb held: the module does not set it for ActiveOpen. */
    OSErr err = x_control(pb, 0);
    if (err)
        return err;
    s->localhost = (long)pb->csParam.open.localHost;
    s->localport = (short)pb->csParam.open.localPort;
    return noErr;
}

/* miniwds: one entry and a zero terminator (8 bytes). */
typedef struct miniwds {
    unsigned short length;
    Ptr ptr;
    unsigned short terminus;
} miniwds;
_Static_assert(sizeof(miniwds) == 8, "miniwds is 8 bytes");

enum { STATE_ESTAB = 8, STATE_CWAIT = 18 /* sic: MacPython's value */ };

OSErr py_tcp_Send(py_tcp *s, const char *buf, int len, int push, int urgent)
{
    py_run_pending();
    int st = tcps_checkstate(s, STATE_ESTAB, STATE_CWAIT);
    if (st)
        return (OSErr)st;
    miniwds wds;
    wds.length = (unsigned short)len;
    wds.ptr = (Ptr)buf;
    wds.terminus = 0;
    TCPiopb *pb = &s->iop;
    pb->ioCRefNum = driver;
    pb->csCode = TCPSend;
    pb->csParam.send.validityFlags = timeoutValue | timeoutAction;
    pb->csParam.send.ulpTimeoutValue = 60;
    pb->csParam.send.ulpTimeoutAction = 0;
    pb->csParam.send.pushFlag = (Boolean)push;
    pb->csParam.send.urgentFlag = (byte)urgent;
    pb->csParam.send.wdsPtr = (Ptr)&wds;
    return x_control(pb, 0);
}

OSErr py_tcp_Rcv(py_tcp *s, int timeout, char *out, int outmax, int *outlen, int *urgent, int *mark)
{
    py_run_pending();
    int st = tcps_checkstate(s, -1, -1);
    if (st)
        return (OSErr)st;
    rdsEntry rds[2];
    memset(rds, 0, sizeof rds);
    TCPiopb *pb = &s->iop;
    pb->ioCRefNum = driver;
    pb->csCode = TCPNoCopyRcv;
    pb->csParam.receive.commandTimeoutValue = (byte)timeout;
    pb->csParam.receive.rdsPtr = (Ptr)rds;
    pb->csParam.receive.rdsLength = 1;
    OSErr err = x_control(pb, 0);
    if (err)
        return err;
    const unsigned char *raw = (const unsigned char *)pb;
    py_raw_mark33 = raw[33];
    py_raw_urgent34 = raw[34];
    py_raw_byte35 = raw[35];
    *urgent = raw[35]; /* old TCPPB.h: urgentFlag at 35 */
    *mark = raw[34];   /* old TCPPB.h: markFlag at 34 */
    *outlen = rds[0].length;
    memcpy(out, rds[0].ptr, rds[0].length < outmax ? rds[0].length : (unsigned)outmax);
    pb->ioCRefNum = driver;
    pb->csCode = TCPRcvBfrReturn;
    pb->csParam.receive.rdsPtr = (Ptr)rds;
    err = x_control(pb, 0);
    if (err)
        printf("mactcp module: BufReturn failed?\n");
    return err;
}

OSErr py_tcp_Close(py_tcp *s)
{
    py_run_pending();
    TCPiopb *pb = &s->iop;
    pb->ioCRefNum = driver;
    pb->csCode = TCPClose;
    pb->csParam.close.validityFlags = timeoutValue | timeoutAction;
    pb->csParam.close.ulpTimeoutValue = 60;
    pb->csParam.close.ulpTimeoutAction = 1;
    return x_control(pb, 0);
}

OSErr py_tcp_Abort(py_tcp *s)
{
    py_run_pending();
    s->iop.ioCRefNum = driver;
    s->iop.csCode = TCPAbort;
    return x_control_sync(&s->iop);
}

OSErr py_tcp_Status(py_tcp *s, py_tcp_status *out)
{
    py_run_pending();
    int st = tcps_checkstate(s, -1, -1);
    if (st)
        return (OSErr)st;
    s->iop.ioCRefNum = driver;
    s->iop.csCode = TCPStatus;
    OSErr err = x_control_sync(&s->iop);
    if (err)
        return err;
    out->status = s->iop.csParam.status;
    return noErr;
}

OSErr py_tcp_dealloc(py_tcp *s)
{
    py_run_pending();
    if (s->async_busy) {
        printf("mactcp module: error: dealloc with async busy\n");
        return PY_ERR_BUSY;
    }
    s->iop.ioCRefNum = driver;
    s->iop.csCode = TCPRelease;
    OSErr err = x_control_sync(&s->iop);
    if (err == noErr)
        DisposePtr(s->iop.csParam.create.rcvBuff); /* offset 32 */
    DisposePtr((Ptr)s);
    return err;
}

/* ---- UDP stream object ---- */
static void udps_asr(StreamPtr stream, unsigned short event, Ptr user_data, ICMPReport *icmp)
{
    (void)stream;
    (void)icmp;
    py_udp *self = (py_udp *)user_data;
    int n = self->raw_count;
    if (n < 16) {
        self->raw_event[n] = event;
        self->raw_count = n + 1;
    }
    if (self->asr == 0)
        return;
    self->asr_ec = event;
    add_pending(PENDING_UDP, self);
}
MTB_UDP_ASR_THUNK(py_udps_asr_thunk, udps_asr);

py_udp *py_UDPCreate(long size, int port, OSErr *err)
{
    py_run_pending();
    *err = py_open_driver();
    if (*err)
        return 0;
    py_udp *self = (py_udp *)NewPtrClear(sizeof(py_udp));
    if (!self) {
        *err = memFullErr;
        return 0;
    }
    memset(&self->iop, 0, sizeof self->iop);
    self->port = (unsigned short)port;
    UDPiopb *pb = &self->iop;
    pb->ioCRefNum = driver;
    pb->csCode = UDPCreate;
    pb->csParam.create.rcvBuff = NewPtr(size);
    pb->csParam.create.rcvBuffLen = (unsigned long)size;
    pb->csParam.create.notifyProc = (UDPNotifyProc)py_udps_asr_thunk;
    pb->csParam.create.userDataPtr = (Ptr)self;
    pb->csParam.create.localPort = self->port;
    *err = x_control_sync(pb);
    if (*err) {
        DisposePtr((Ptr)self);
        return 0;
    }
    self->port = pb->csParam.create.localPort;
    return self;
}

OSErr py_udp_Read(py_udp *s, int timeout, char *out, int outmax, int *outlen)
{
    py_run_pending();
    UDPiopb *pb = &s->iop;
    pb->ioCRefNum = driver;
    pb->csCode = UDPRead;
    pb->csParam.receive.timeOut = (unsigned short)timeout; /* -1 -> 0xFFFF */
    pb->csParam.receive.secondTimeStamp = 0;
    OSErr err = x_control(pb, 0);
    if (err)
        return err;
    *outlen = pb->csParam.receive.rcvBuffLen;
    memcpy(out, pb->csParam.receive.rcvBuff,
           pb->csParam.receive.rcvBuffLen < outmax ? pb->csParam.receive.rcvBuffLen : (unsigned)outmax);
    /* UDPBfrReturn asynchronously, no completion routine, on the same pb (reused at once). */
    pb->ioCRefNum = driver;
    pb->csCode = UDPBfrReturn;
    pb->csParam.receive.rcvBuff = pb->csParam.receive.rcvBuff;
    return x_control(pb, (ProcPtr)-1L);
}

OSErr py_udp_Write(py_udp *s, unsigned long host, unsigned short port, const char *buf, int len)
{
    py_run_pending();
    miniwds wds;
    wds.length = (unsigned short)len;
    wds.ptr = (Ptr)buf;
    wds.terminus = 0;
    UDPiopb *pb = &s->iop;
    pb->ioCRefNum = driver;
    pb->csCode = UDPWrite;
    pb->csParam.send.remoteHost = host;
    pb->csParam.send.remotePort = port;
    pb->csParam.send.wdsPtr = (Ptr)&wds;
    pb->csParam.send.checkSum = 1;
    pb->csParam.send.sendLength = 0;
    return x_control(pb, 0);
}

OSErr py_udp_dealloc(py_udp *s)
{
    py_run_pending();
    s->iop.ioCRefNum = driver;
    s->iop.csCode = UDPRelease;
    OSErr err = x_control_sync(&s->iop);
    if (err == noErr)
        DisposePtr(s->iop.csParam.create.rcvBuff); /* offset 32 */
    DisposePtr((Ptr)s);
    return err;
}
