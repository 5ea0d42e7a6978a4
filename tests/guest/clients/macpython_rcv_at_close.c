/*
 * Issue 8, item 3 (a bridge fix needs its own test): MacPython's Rcv() when the connection ends
 * between its TCPNoCopyRcv and its TCPRcvBfrReturn. The script has called Close(); the host
 * answers with a last line and its own FIN. Rcv's NoCopyRcv takes that line, which completes
 * the graceful close (both FINs, nothing unread) before the BfrReturn comes. The BfrReturn of
 * lent pieces must still succeed: otherwise MacPython's Rcv raises ("BufReturn failed?") and
 * the line is lost. Seen failing with connectionDoesntExist (-23008) before the TCP fix in
 * tcp_receive.cpp (buffer_return takes lent pieces back after the connection ended).
 * Parameters: server_port.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "common/clients_util.h"
#include "common/pymactcp.h"
#include "mtb_test.h"

int main(void)
{
    OSErr err;
    py_tcp *s = py_TCPCreate(4096, &err);
    CHECK_EQ(err, noErr);
    if (!s)
        return mtb_test_finish();
    CHECK_EQ(py_tcp_ActiveOpen(s, 0, (long)LOOPBACK, (short)mtb_param("server_port")), noErr);
    CHECK_EQ(py_tcp_Close(s), noErr);

    /* Let the host's line and FIN arrive before Rcv (bounded). */
    py_tcp_status st;
    unsigned long deadline = TickCount() + 10 * 60;
    do {
        py_idle(10);
        CHECK_EQ(py_tcp_Status(s, &st), noErr);
    } while (st.status.amtUnreadData < 9 && TickCount() < deadline);
    CHECK_EQ(st.status.amtUnreadData, 9);
    py_idle(100);

    char data[64];
    int n = 0, urgent = 0, mark = 0;
    CHECK_EQ(py_tcp_Rcv(s, 5, data, sizeof data, &n, &urgent, &mark), noErr);
    CHECK_EQ(n, 9);
    CHECK(n == 9 && memcmp(data, "last one\n", 9) == 0);
    CHECK_EQ(py_tcp_Rcv(s, 5, data, sizeof data, &n, &urgent, &mark), connectionClosing);
    int terminated = 0;
    for (int i = 0; i < s->raw_count; ++i)
        if (s->raw_event[i] == TCPTerminate && s->raw_reason[i] == TCPULPClose)
            terminated = 1;
    CHECK(terminated);
    CHECK_EQ(py_tcp_dealloc(s), noErr);
    return mtb_test_finish();
}
