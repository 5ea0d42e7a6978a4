/*
 * Abort and release during transfers, other streams unaffected, every pending request
 * completing exactly once. Streams A and B read from a host source that never stops, with
 * TCPRcv re-issued from the completion routine (interrupt level). A is aborted mid-transfer,
 * B keeps receiving; then B is released with a receive pending. Stream C sends to a host peer
 * that never reads: its sends stay pending without blocking anything, and TCPAbort completes
 * each of them once with connectionTerminated.
 *
 * The race the Device Manager allows: the call that ends a reader's connection (TCPAbort of A,
 * TCPRelease of B) is a task-level _Control. Between the Device Manager marking the driver busy
 * (drvrActive) and the driver taking the call off its queue, an interrupt may run a reader's
 * completion routine; the TCPRcv it re-issues is then queued behind the call and reaches the
 * driver after it, answered connectionDoesntExist (after TCPAbort) or invalidStreamPtr (after
 * TCPRelease), as MacTCP would answer it. Only then may the chain end with that error instead of
 * connectionTerminated; no receive may ever complete with noErr once the driver has processed
 * the call.
 * Parameters: source_port, stall_port; volume (optional, default 100000): the bytes A and B each
 * read before A's abort (B then reads twice as many more before its release).
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "common/tcp_util.h"

typedef struct Reader {
    TCPiopb pb; /* first: the completion routine gets &reader->pb */
    StreamPtr stream;
    char data[4096];
    volatile unsigned long bytes;
    volatile long completions, errors;
    volatile OSErr last_error;
    volatile int stop;
    volatile int ending;      /* the task has started the call that ends the connection */
    volatile int raced_end;   /* a receive completed inside that call, before the driver took it */
    volatile long late;       /* receives completed with noErr after the driver processed it */
} Reader;

static Reader a, b;
/* The call that ends a reader's connection, where its completion routine can see it: ioResult
 * stays inProgress until the driver has processed the call. */
static TCPiopb end_pb;

static void issue(Reader *r);
static void read_done(TCPiopb *pb)
{
    Reader *r = (Reader *)pb;
    ++r->completions;
    if (pb->ioResult == noErr) {
        r->bytes += pb->csParam.receive.rcvBuffLen;
        if (r->ending) {
            if (end_pb.ioResult == inProgress)
                r->raced_end = 1;
            else
                ++r->late;
        }
        if (!r->stop)
            issue(r); /* re-issued at interrupt level */
    } else {
        ++r->errors;
        r->last_error = pb->ioResult;
    }
}

static void issue(Reader *r)
{
    memset(&r->pb, 0, sizeof r->pb);
    r->pb.tcpStream = r->stream;
    r->pb.csParam.receive.rcvBuff = r->data;
    r->pb.csParam.receive.rcvBuffLen = sizeof r->data;
    tcp_call_async(&r->pb, TCPRcv, read_done);
}

static void open_reader(Reader *r)
{
    TCPiopb open;
    r->stream = tcp_create(NewPtr(16384), 16384, 0, 0);
    tcp_prepare_open(&open, r->stream, LOOPBACK, (tcp_port)mtb_param("source_port"), 0);
    CHECK_EQ(tcp_call(&open, TCPActiveOpen), noErr);
    issue(r);
}

static int wait_bytes(Reader *r, unsigned long at_least)
{
    unsigned long deadline = TickCount() + 600;
    while (r->bytes < at_least && TickCount() < deadline)
        mtb_idle(5);
    if (r->bytes < at_least)
        printf("stream stalled at %lu bytes after %ld completions (%ld errors, last %d)\n", r->bytes,
               r->completions, r->errors, r->last_error);
    return r->bytes >= at_least;
}

static OSErr end_reader(Reader *r, short cs_code)
{
    memset(&end_pb, 0, sizeof end_pb);
    end_pb.tcpStream = r->stream;
    end_pb.ioResult = inProgress;
    r->ending = 1;
    return tcp_call(&end_pb, cs_code);
}

/* The chain of receives ended exactly once: connectionTerminated for the receive pending when
 * the driver processed the call, or `queued_behind` for one re-issued inside the call before the
 * driver took it (the race described at the top). */
static void check_end(const Reader *r, const char *name, OSErr queued_behind)
{
    CHECK_EQ(r->errors, 1);
    CHECK_EQ(r->late, 0);
    if (r->raced_end && r->last_error == queued_behind) {
        printf("%s: a receive re-issued inside the call reached the driver after it (%d)\n", name, queued_behind);
        return;
    }
    CHECK_EQ(r->last_error, connectionTerminated);
}

#define SENDS 100
static TCPiopb send_pbs[SENDS];
static volatile short send_done[SENDS];
static wdsEntry big_wds[2];
static void send_complete(TCPiopb *pb)
{
    ++send_done[pb - send_pbs];
}

int main(void)
{
    unsigned long b_before, volume;
    long i;
    int given = 0;
    Ptr big = NewPtr(60000);
    StreamPtr c;
    TCPiopb open;
    volume = (unsigned long)mtb_param_lookup("volume", &given);
    if (!given)
        volume = 100000;
    tcp_open_driver();
    open_reader(&a);
    printf("A open\n");
    open_reader(&b);
    printf("B open\n");
    CHECK(wait_bytes(&a, volume));
    CHECK(wait_bytes(&b, volume));

    CHECK_EQ(end_reader(&a, TCPAbort), noErr);
    b_before = b.bytes;
    CHECK(wait_bytes(&b, b_before + 2 * volume)); /* B unaffected */
    check_end(&a, "A", connectionDoesntExist);

    /* Release B with a receive pending. */
    b.stop = 0;
    CHECK_EQ(end_reader(&b, TCPRelease), noErr);
    mtb_idle(50);
    check_end(&b, "B", invalidStreamPtr);
    {
        long a_completions = a.completions, b_completions = b.completions;
        mtb_idle(200);
        CHECK_EQ(a.completions, a_completions); /* nothing completes twice or late */
        CHECK_EQ(b.completions, b_completions);
    }
    CHECK_EQ(tcp_release(a.stream), noErr);

    /* C: the peer never reads. */
    c = tcp_create(NewPtr(8192), 8192, 0, 0);
    tcp_prepare_open(&open, c, LOOPBACK, (tcp_port)mtb_param("stall_port"), 0);
    CHECK_EQ(tcp_call(&open, TCPActiveOpen), noErr);
    big_wds[0].length = 60000;
    big_wds[0].ptr = big;
    big_wds[1].length = 0;
    for (i = 0; i < SENDS; ++i) {
        send_pbs[i].tcpStream = c;
        send_pbs[i].csParam.send.wdsPtr = (Ptr)big_wds;
        tcp_call_async(&send_pbs[i], TCPSend, send_complete);
    }
    mtb_idle(200);
    CHECK(send_pbs[SENDS - 1].ioResult == inProgress); /* still pending, and we are running */
    CHECK_EQ(tcp_abort(c), noErr);
    mtb_idle(100);
    for (i = 0; i < SENDS; ++i) {
        CHECK(send_pbs[i].ioResult <= 0);
        CHECK_EQ(send_done[i], 1);
    }
    CHECK_EQ(send_pbs[SENDS - 1].ioResult, connectionTerminated);
    CHECK_EQ(tcp_release(c), noErr);
    printf("A read %lu bytes before its abort, B %lu before its release\n", a.bytes, b.bytes);
    return mtb_test_finish();
}
