/*
 * A MacPython script's UDP request/response with a host peer (seed: UDPCreate, UDP stream asr,
 * port, Read, Write, deallocation): UDPCreate(8192, 0) and .port, Write (one-entry WDS,
 * checksum on, sendLength 0), Read(timeout) = UDPRead sync then UDPBfrReturn issued async with
 * no completion routine on the same pb, which the next call reuses at once; Read timeout,
 * Read(-1) (infinite), the asr's UDPDataArrival when no Read is outstanding, a zero-length
 * datagram, several datagrams queued in order, deallocation (UDPRelease + DisposPtr).
 *
 * The host peer (clients_test.cpp, MacPythonUdpRequestResponse) answers each datagram:
 *   "whoami" -> "from <source port>"; "ping N" -> "pong N"; "later" -> "late" after 300 ms;
 *   "slow" -> "slow reply" after 2500 ms; "empty" -> an empty datagram then "after empty";
 *   "burst" -> "d1","d2","d3"; "len" + data -> "len <size>".
 * Parameters: peer_port.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "common/clients_util.h"
#include "mtb_test.h"
#include "common/pymactcp.h"

static int script_events[16], script_count;
static void script_asr(py_udp *s, int event)
{
    (void)s;
    if (script_count < 16)
        script_events[script_count++] = event;
}

static char data[2048];

static int read_is(py_udp *u, int timeout, const char *expect)
{
    int n = -1;
    OSErr err = py_udp_Read(u, timeout, data, sizeof data - 1, &n);
    if (err != noErr) {
        printf("Read(%d): %d (expected \"%s\")\n", timeout, err, expect);
        return 0;
    }
    data[n >= 0 && n < (int)sizeof data ? n : 0] = 0;
    if (n != (int)strlen(expect) || strcmp(data, expect) != 0) {
        printf("Read(%d): \"%s\" (%d bytes), expected \"%s\"\n", timeout, data, n, expect);
        return 0;
    }
    return 1;
}

static OSErr write_text(py_udp *u, unsigned short peer, const char *text)
{
    return py_udp_Write(u, LOOPBACK, peer, text, (int)strlen(text));
}

int main(void)
{
    OSErr err;
    unsigned short peer = (unsigned short)mtb_param("peer_port");
    py_udp *u = py_UDPCreate(8192, 0, &err);
    CHECK_EQ(err, noErr);
    if (!u)
        return mtb_test_finish();
    u->asr = script_asr;
    printf("UDP stream port %u\n", u->port);
    CHECK(u->port != 0);
    CHECK(u->iop.udpStream != 0);

    /* The peer sees our datagrams come from .port. */
    char expect[32];
    snprintf(expect, sizeof expect, "from %u", u->port);
    CHECK_EQ(write_text(u, peer, "whoami"), noErr);
    CHECK(read_is(u, 5, expect));

    /* Request/response, several rounds on the one pb (BfrReturn async, reused at once). */
    for (int i = 1; i <= 5; ++i) {
        char ping[16], pong[16];
        snprintf(ping, sizeof ping, "ping %d", i);
        snprintf(pong, sizeof pong, "pong %d", i);
        CHECK_EQ(write_text(u, peer, ping), noErr);
        CHECK(read_is(u, 5, pong));
    }
    CHECK(spin_until_done(&u->iop.ioResult, 60)); /* the last async UDPBfrReturn completes */
    CHECK_EQ(u->iop.ioResult, noErr);

    /* Read(2) with nothing coming: the command timeout. */
    unsigned long before = TickCount();
    int n = -1;
    CHECK_EQ(py_udp_Read(u, 2, data, sizeof data, &n), commandTimeout);
    unsigned long waited = TickCount() - before;
    CHECK(waited >= 100 && waited <= 6 * 60);
    printf("Read(2) timed out after %lu ticks\n", waited);

    /* A datagram arriving with no Read outstanding: the asr gets UDPDataArrival. */
    script_count = 0;
    int raw_before = u->raw_count;
    CHECK_EQ(write_text(u, peer, "later"), noErr);
    unsigned long deadline = TickCount() + 5 * 60;
    while (script_count == 0 && TickCount() < deadline)
        py_idle(10);
    CHECK(script_count >= 1);
    CHECK(u->raw_count > raw_before);
    if (script_count)
        CHECK_EQ(script_events[0], UDPDataArrival);
    CHECK(read_is(u, 5, "late"));

    /* Read(-1): no timeout (0xFFFF seconds); the answer comes after 2.5 s. */
    before = TickCount();
    CHECK_EQ(write_text(u, peer, "slow"), noErr);
    CHECK(read_is(u, -1, "slow reply"));
    CHECK(TickCount() - before >= 120);

    /* An empty datagram: Read returns no data; the module still issues its BfrReturn. */
    CHECK_EQ(write_text(u, peer, "empty"), noErr);
    CHECK(read_is(u, 5, ""));
    CHECK(read_is(u, 5, "after empty"));

    /* Three datagrams queued while none is read: delivered in order. */
    CHECK_EQ(write_text(u, peer, "burst"), noErr);
    CHECK(read_is(u, 5, "d1"));
    CHECK(read_is(u, 5, "d2"));
    CHECK(read_is(u, 5, "d3"));

    /* A larger datagram. */
    static char big[1200];
    memcpy(big, "len", 3);
    for (int i = 3; i < 1200; ++i)
        big[i] = (char)(i & 0x7F);
    CHECK_EQ(py_udp_Write(u, LOOPBACK, peer, big, 1200), noErr);
    CHECK(read_is(u, 5, "len 1200"));

    CHECK_EQ(write_text(u, peer, "quit"), noErr);
    CHECK_EQ(py_udp_dealloc(u), noErr);
    CHECK_EQ(py_namepr_clobbered, 0);
    return mtb_test_finish();
}
