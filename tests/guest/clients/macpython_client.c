/*
 * A MacPython script's client session, member by member through the module's calls
 * (pymactcp.h): TCPCreate(4096) + asr, ActiveOpen (sync, ULP 60 s, abort) to a host server,
 * GetSockName, Status and every member the docs name, Send (state check, one-entry WDS, push,
 * urgent), Rcv (NoCopyRcv with a one-entry RDS + RcvBfrReturn; timeout; urgent/mark at the old
 * header offsets), Close, deallocation; a second session ended with Abort; ActiveOpen to a
 * closed port.
 *
 * The host server (clients_test.cpp, MacPythonClientSession) speaks a line protocol:
 *   host "220 ready\n"; guest "UNREAD\n" -> host "0123456789";
 *   guest "ECHO <n>\n" + n bytes -> host echoes the n bytes;
 *   guest "URG 3\n" + Send("abc", push, urgent) -> host "mark 2\n" (offset of the urgent byte);
 *   guest "SENDURG\n" -> host sends "XY" as urgent data (MSG_OOB);
 *   guest Close() -> host sees EOF and closes.  Second connection: guest Abort -> host reset.
 * Parameters: server_port, closed_port.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "common/clients_util.h"
#include "mtb_test.h"
#include "common/pymactcp.h"

/* The script's asr: def asr(event, detail): events.append((event, detail)) */
static int script_events[32], script_details[32], script_count;
static void script_asr(py_tcp *s, int event, int detail)
{
    (void)s;
    if (script_count < 32) {
        script_events[script_count] = event;
        script_details[script_count] = detail;
        ++script_count;
    }
}

static int raw_saw(py_tcp *s, int event)
{
    for (int i = 0; i < s->raw_count; ++i)
        if (s->raw_event[i] == event)
            return i + 1;
    return 0;
}

/* Waits (bounded, running pending calls like an idling script) for a raw ASR event. */
static int wait_raw_event(py_tcp *s, int event, unsigned long ticks)
{
    unsigned long deadline = TickCount() + ticks;
    while (!raw_saw(s, event)) {
        if (TickCount() > deadline)
            return 0;
        py_idle(10);
    }
    py_run_pending();
    return 1;
}

static char data[4096];

/* data = s.Rcv(timeout) until `want` bytes (or a line when want < 0) arrived. */
static int rcv_until(py_tcp *s, char *out, int want, int *urgent_seen)
{
    int got = 0;
    for (int round = 0; round < 50; ++round) {
        int n = 0, urgent = 0, mark = 0;
        OSErr err = py_tcp_Rcv(s, 10, data, sizeof data, &n, &urgent, &mark);
        if (err != noErr) {
            printf("Rcv: %d\n", err);
            return got;
        }
        if (urgent || mark)
            ++*urgent_seen;
        memcpy(out + got, data, (size_t)n);
        got += n;
        if (want >= 0 ? got >= want : (got > 0 && out[got - 1] == '\n'))
            return got;
    }
    return got;
}

static void client_session(unsigned long our_addr)
{
    OSErr err;
    int urgent_seen = 0;
    char line[256];
    py_tcp *s = py_TCPCreate(4096, &err);
    CHECK_EQ(err, noErr);
    if (!s)
        return;
    s->asr = script_asr;
    CHECK_EQ(s->iop.csParam.create.rcvBuffLen, 4096);

    unsigned short server_port = (unsigned short)mtb_param("server_port");
    CHECK_EQ(py_tcp_ActiveOpen(s, 0, (long)LOOPBACK, (short)server_port), noErr);
    long host;
    short port;
    py_tcp_GetSockName(s, &host, &port);
    CHECK_EQ(host, our_addr);
    CHECK((port & 0xFFFF) != 0);
    printf("GetSockName: (%ld, %d)\n", host, port);

    int n = rcv_until(s, line, -1, &urgent_seen);
    CHECK_EQ(n, 10);
    CHECK(memcmp(line, "220 ready\n", 10) == 0);
    CHECK_EQ(urgent_seen, 0);

    py_tcp_status st;
    CHECK_EQ(py_tcp_Status(s, &st), noErr);
    CHECK_EQ(st.status.remoteHost, LOOPBACK);
    CHECK_EQ(st.status.remotePort, server_port);
    CHECK_EQ(st.status.localHost, host);
    CHECK_EQ(st.status.localPort, port & 0xFFFF);
    CHECK_EQ(st.status.connectionState, kTCPStateEstablished);
    CHECK(st.status.sendWindow > 0);
    CHECK_EQ(st.status.amtUnackedData, 0);
    CHECK_EQ(st.status.amtUnreadData, 0);
    CHECK(st.status.rcvWindow > 0);

    /* amtUnreadData: ten bytes arrive while no Rcv is outstanding. */
    CHECK_EQ(py_tcp_Send(s, "UNREAD\n", 7, 1, 0), noErr);
    unsigned long deadline = TickCount() + 10 * 60;
    do {
        py_idle(10);
        CHECK_EQ(py_tcp_Status(s, &st), noErr);
    } while (st.status.amtUnreadData < 10 && TickCount() < deadline);
    CHECK_EQ(st.status.amtUnreadData, 10);
    CHECK(raw_saw(s, TCPDataArrival));
    n = rcv_until(s, line, 10, &urgent_seen);
    CHECK_EQ(n, 10);
    CHECK(memcmp(line, "0123456789", 10) == 0);
    CHECK_EQ(py_tcp_Status(s, &st), noErr);
    CHECK_EQ(st.status.amtUnreadData, 0);

    /* Send with push; the host echoes it; Rcv assembles the echo (several RDS-1 reads). */
    static char payload[1500], echo[1500];
    for (int i = 0; i < 1500; ++i)
        payload[i] = (char)('A' + (i * 7) % 26);
    CHECK_EQ(py_tcp_Send(s, "ECHO 1500\n", 10, 0, 0), noErr);
    CHECK_EQ(py_tcp_Send(s, payload, 1500, 1, 0), noErr);
    CHECK_EQ(py_tcp_Status(s, &st), noErr);
    CHECK_EQ(st.status.amtUnackedData, 0); /* a sync Send returns once acknowledged */
    n = rcv_until(s, echo, 1500, &urgent_seen);
    CHECK_EQ(n, 1500);
    CHECK(memcmp(echo, payload, 1500) == 0);
    CHECK_EQ(urgent_seen, 0);

    /* Rcv(2) with nothing coming: the command timeout. */
    unsigned long before = TickCount();
    int urgent = 0, mark = 0;
    n = -1;
    CHECK_EQ(py_tcp_Rcv(s, 2, data, sizeof data, &n, &urgent, &mark), commandTimeout);
    unsigned long waited = TickCount() - before;
    CHECK(waited >= 100 && waited <= 6 * 60);
    printf("Rcv(2) timed out after %lu ticks\n", waited);

    /* Send(buf, push=1, urgent=1): the host sees the urgent mark at the last byte. */
    CHECK_EQ(py_tcp_Send(s, "URG 3\n", 6, 1, 0), noErr);
    CHECK_EQ(py_tcp_Send(s, "abc", 3, 1, 1), noErr);
    n = rcv_until(s, line, -1, &urgent_seen);
    line[n > 0 ? n - 1 : 0] = 0;
    CHECK(strcmp(line, "mark 2") == 0);
    printf("host: %s\n", line);

    /* Urgent data from the host while no Rcv is pending: TCPUrgent ASR, then Rcv returns it
     * alone. MacPython reads urgent at byte 35 and mark at 34 (old TCPPB.h); the bridge writes
     * mark at 33 and 35, urgent at 34 (mactcp-reference 3.2.1), so the script sees urgent=1
     * and mark=<the UI urgentFlag>. */
    int events_before = script_count;
    CHECK_EQ(py_tcp_Send(s, "SENDURG\n", 8, 1, 0), noErr);
    CHECK(wait_raw_event(s, TCPUrgent, 10 * 60));
    CHECK(script_count > events_before); /* the script's asr ran (pending call) */
    urgent = mark = 0;
    n = 0;
    CHECK_EQ(py_tcp_Rcv(s, 10, data, sizeof data, &n, &urgent, &mark), noErr);
    CHECK_EQ(n, 2);
    CHECK(n == 2 && data[0] == 'X' && data[1] == 'Y');
    CHECK_EQ(py_raw_mark33, 1);  /* the UI markFlag: this call ends the urgent data */
    CHECK_EQ(urgent, 1);         /* as MacPython sees it: byte 35 */
    CHECK_EQ(mark, py_raw_urgent34);
    printf("urgent Rcv: bytes 33..35 = %d %d %d; MacPython sees urgent=%d mark=%d\n", py_raw_mark33,
           py_raw_urgent34, py_raw_byte35, urgent, mark);

    /* Close(): our FIN acknowledged; the host answers with its own close. */
    CHECK_EQ(py_tcp_Close(s), noErr);
    CHECK(wait_raw_event(s, TCPTerminate, 15 * 60));
    int t = raw_saw(s, TCPTerminate);
    if (t)
        CHECK_EQ(s->raw_reason[t - 1], TCPULPClose);
    CHECK(raw_saw(s, TCPClosing));
    for (int i = 0; i < s->raw_count; ++i) {
        CHECK_EQ(s->raw_stream[i], s->iop.tcpStream);
        CHECK(s->raw_icmp[i] != 0); /* never NIL (client-call-sequences 5.8) */
    }
    CHECK_EQ(py_tcp_Status(s, &st), connectionDoesntExist);
    printf("asr events seen by the script:");
    for (int i = 0; i < script_count; ++i)
        printf(" (%d,%d)", script_events[i], script_details[i]);
    printf("\n");
    CHECK_EQ(s->completion_calls, 0); /* ActiveOpen was sync: no completion routine */
    CHECK_EQ(py_tcp_dealloc(s), noErr);
}

static void abort_session(void)
{
    OSErr err;
    py_tcp *s = py_TCPCreate(4096, &err);
    CHECK_EQ(err, noErr);
    if (!s)
        return;
    s->asr = script_asr;
    CHECK_EQ(py_tcp_ActiveOpen(s, 0, (long)LOOPBACK, (short)mtb_param("server_port")), noErr);
    int n = 0, urgent = 0, mark = 0;
    CHECK_EQ(py_tcp_Rcv(s, 10, data, sizeof data, &n, &urgent, &mark), noErr);
    CHECK(n == 6 && memcmp(data, "abort\n", 6) == 0);
    CHECK_EQ(py_tcp_Abort(s), noErr);
    CHECK(wait_raw_event(s, TCPTerminate, 5 * 60));
    int t = raw_saw(s, TCPTerminate);
    if (t)
        CHECK_EQ(s->raw_reason[t - 1], TCPULPAbort);
    py_tcp_status st;
    CHECK_EQ(py_tcp_Status(s, &st), connectionDoesntExist);
    CHECK_EQ(py_tcp_Send(s, "x", 1, 0, 0), connectionDoesntExist); /* the state check's Status */
    /* The stream is reusable after Abort: a new connection on the same object. */
    CHECK_EQ(py_tcp_ActiveOpen(s, 0, (long)LOOPBACK, (short)mtb_param("closed_port")), openFailed);
    CHECK_EQ(py_tcp_dealloc(s), noErr);
}

int main(void)
{
    unsigned long our_addr = py_IPAddr();
    client_session(our_addr);
    abort_session();
    CHECK_EQ(py_namepr_clobbered, 0);
    return mtb_test_finish();
}
