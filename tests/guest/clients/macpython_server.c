/*
 * A MacPython script's server session (seed: PassiveOpen, wait, isdone, GetSockName, asr with
 * PassiveOpenDone): PassiveOpen(0) (async, completion routine, ULP 255 s report, command
 * timeout 0, remote 0/0), GetSockName read right after issuing it, isdone() while pending,
 * the port handed to the host over the control connection (as an FTP client's PORT command),
 * wait(), the PassiveOpenDone event, Status of the accepted connection, Rcv/Send, the peer's
 * half-close (Close Wait = 14, which MacPython's Send refuses: its STATE_CWAIT is 18), Close,
 * deallocation. Then PassiveOpen on a given port, and del refused while a PassiveOpen is
 * pending. (The module's docs allow only wait/isdone/GetSockName while the open is pending, so
 * no test calls anything else on that stream.)
 * Parameters: control_port, fixed_port.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "common/clients_util.h"
#include "mtb_test.h"
#include "common/pymactcp.h"

static int script_events[32], script_count;
static void script_asr(py_tcp *s, int event, int detail)
{
    (void)s;
    (void)detail;
    if (script_count < 32)
        script_events[script_count++] = event;
}

static int script_saw(int event)
{
    for (int i = 0; i < script_count; ++i)
        if (script_events[i] == event)
            return 1;
    return 0;
}

static int raw_saw(py_tcp *s, int event)
{
    for (int i = 0; i < s->raw_count; ++i)
        if (s->raw_event[i] == event)
            return i + 1;
    return 0;
}

static char data[4096];

static int rcv_line(py_tcp *s, char *out, int max)
{
    int got = 0;
    for (int round = 0; round < 20; ++round) {
        int n = 0, urgent = 0, mark = 0;
        OSErr err = py_tcp_Rcv(s, 10, data, sizeof data, &n, &urgent, &mark);
        if (err != noErr)
            return err;
        if (got + n >= max)
            return -1;
        memcpy(out + got, data, (size_t)n);
        got += n;
        if (got > 0 && out[got - 1] == '\n') {
            out[got - 1] = 0;
            return got - 1;
        }
    }
    return -1;
}

static void accept_session(void)
{
    OSErr err;
    char line[128];
    py_tcp *s = py_TCPCreate(4096, &err);
    CHECK_EQ(err, noErr);
    if (!s)
        return;
    s->asr = script_asr;
    CHECK_EQ(py_tcp_PassiveOpen(s, 0), noErr);
    long host;
    short port;
    py_tcp_GetSockName(s, &host, &port);
    printf("listening: GetSockName() = (%ld, %d)\n", host, port);
    CHECK((port & 0xFFFF) != 0);
    CHECK(host != 0);
    CHECK_EQ(py_tcp_isdone(s), 0);
    /* The module refuses other calls while the PassiveOpen is pending. */
    py_tcp_status st;
    CHECK_EQ(py_tcp_Status(s, &st), PY_ERR_BUSY);
    CHECK_EQ(py_tcp_Send(s, "x", 1, 0, 0), PY_ERR_BUSY);
    CHECK_EQ(s->iop.ioResult, inProgress);

    CHECK_EQ(ctl_sendf("port %u\n", (unsigned)(port & 0xFFFF)), noErr);
    CHECK_EQ(py_tcp_wait(s, 15 * 60), noErr);
    CHECK_EQ(py_tcp_isdone(s), 1);
    CHECK_EQ(s->completion_calls, 1);
    CHECK(script_saw(PassiveOpenDone));

    long client_port = -1;
    CHECK(ctl_recv_line(line, sizeof line, 10) > 0);
    CHECK(strncmp(line, "client ", 7) == 0);
    client_port = 0;
    for (const char *p = line + 7; *p >= '0' && *p <= '9'; ++p)
        client_port = client_port * 10 + (*p - '0');
    CHECK_EQ(ctl_send("go\n"), noErr); /* the host sends its data only now */

    CHECK_EQ(py_tcp_Status(s, &st), noErr);
    CHECK_EQ(st.status.connectionState, kTCPStateEstablished);
    CHECK_EQ(st.status.remoteHost, LOOPBACK);
    CHECK_EQ(st.status.remotePort, client_port);
    CHECK_EQ(st.status.localPort, port & 0xFFFF);
    CHECK_EQ(st.status.localHost, host);
    CHECK(st.status.sendWindow > 0);

    CHECK(rcv_line(s, line, sizeof line) > 0);
    CHECK(strcmp(line, "hello from host") == 0);
    CHECK_EQ(py_tcp_Send(s, "hello from mac\n", 15, 1, 0), noErr);

    /* The host half-closes: remaining data, then connectionClosing; Close Wait is 14. */
    int n = 0, urgent = 0, mark = 0;
    err = py_tcp_Rcv(s, 10, data, sizeof data, &n, &urgent, &mark);
    CHECK_EQ(err, connectionClosing);
    CHECK(raw_saw(s, TCPClosing));
    CHECK_EQ(py_tcp_Status(s, &st), noErr);
    CHECK_EQ(st.status.connectionState, kTCPStateCloseWait);
    /* MacPython's quirk: Send after the peer's FIN is refused by the module, not by MacTCP. */
    py_last_state = -1;
    CHECK_EQ(py_tcp_Send(s, "late\n", 5, 1, 0), PY_ERR_STATE);
    CHECK_EQ(py_last_state, 14);
    printf("Send in Close Wait: mactcp.error 'Operation not allowed, connection state=%d'\n", py_last_state);

    CHECK_EQ(py_tcp_Close(s), noErr);
    unsigned long deadline = TickCount() + 10 * 60;
    while (!raw_saw(s, TCPTerminate) && TickCount() < deadline)
        py_idle(10);
    int t = raw_saw(s, TCPTerminate);
    CHECK(t);
    if (t)
        CHECK_EQ(s->raw_reason[t - 1], TCPULPClose);
    CHECK_EQ(py_tcp_dealloc(s), noErr);
}

static void fixed_port_session(void)
{
    OSErr err;
    char line[128];
    py_tcp *s = py_TCPCreate(8192, &err);
    CHECK_EQ(err, noErr);
    if (!s)
        return;
    unsigned short fixed = (unsigned short)mtb_param("fixed_port");
    CHECK_EQ(py_tcp_PassiveOpen(s, (short)fixed), noErr);
    long host;
    short port;
    py_tcp_GetSockName(s, &host, &port);
    CHECK_EQ(port & 0xFFFF, fixed);
    CHECK_EQ(ctl_send("listening\n"), noErr);
    CHECK_EQ(py_tcp_wait(s, 15 * 60), noErr);
    CHECK(rcv_line(s, line, sizeof line) > 0);
    CHECK(strcmp(line, "bye") == 0);
    CHECK_EQ(py_tcp_Close(s), noErr);
    CHECK_EQ(py_tcp_dealloc(s), noErr); /* releases whatever is left of the connection */
}

/* The module refuses to deallocate a stream whose PassiveOpen is pending (it prints an error
 * and keeps the object); once a client has connected, wait() returns and del works. */
static void busy_dealloc(void)
{
    OSErr err;
    py_tcp *s = py_TCPCreate(4096, &err);
    CHECK_EQ(err, noErr);
    if (!s)
        return;
    s->asr = script_asr;
    script_count = 0;
    CHECK_EQ(py_tcp_PassiveOpen(s, 0), noErr);
    CHECK_EQ(py_tcp_isdone(s), 0);
    CHECK_EQ(py_tcp_dealloc(s), PY_ERR_BUSY);
    long host;
    short port;
    py_tcp_GetSockName(s, &host, &port);
    CHECK_EQ(ctl_sendf("port %u\n", (unsigned)(port & 0xFFFF)), noErr);
    CHECK_EQ(py_tcp_wait(s, 15 * 60), noErr);
    CHECK(script_saw(PassiveOpenDone));
    CHECK_EQ(py_tcp_dealloc(s), noErr);
}

int main(void)
{
    CHECK_EQ(ctl_open(), noErr);
    accept_session();
    fixed_port_session();
    busy_dealloc();
    CHECK_EQ(ctl_send("done\n"), noErr);
    CHECK_EQ(ctl_close(), noErr);
    CHECK_EQ(py_namepr_clobbered, 0);
    return mtb_test_finish();
}
