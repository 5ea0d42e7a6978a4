/*
 * `streams` concurrent streams (100): all created, all actively opened asynchronously to the
 * host echo server at once, a distinct message sent on each, every echo read back, then closed
 * and released. Every pending request completes exactly once (completion counters).
 * Parameters: port, streams.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "common/tcp_util.h"

#define MAX_STREAMS 128
static TCPiopb pbs[MAX_STREAMS];
static StreamPtr streams[MAX_STREAMS];
static Ptr buffers[MAX_STREAMS];
static volatile short done_count[MAX_STREAMS];

static void open_done(TCPiopb *pb)
{
    ++done_count[pb - pbs];
}

int main(void)
{
    long port = mtb_param("port");
    long n = mtb_param("streams");
    long i;
    if (n > MAX_STREAMS)
        n = MAX_STREAMS;
    tcp_open_driver();
    for (i = 0; i < n; ++i) {
        buffers[i] = NewPtr(4096);
        streams[i] = tcp_create(buffers[i], 4096, 0, 0);
        CHECK(streams[i] != 0);
    }
    for (i = 0; i < n; ++i) {
        tcp_prepare_open(&pbs[i], streams[i], LOOPBACK, (tcp_port)port, 0);
        tcp_call_async(&pbs[i], TCPActiveOpen, open_done);
    }
    for (i = 0; i < n; ++i) {
        CHECK(tcp_wait(&pbs[i].ioResult, 20));
        CHECK_EQ(pbs[i].ioResult, noErr);
    }
    for (i = 0; i < n; ++i) {
        char message[32];
        snprintf(message, sizeof message, "stream %ld\n", i);
        CHECK_EQ(tcp_send_bytes(streams[i], message, (unsigned short)strlen(message)), noErr);
    }
    for (i = 0; i < n; ++i) {
        char expected[32], got[64];
        unsigned short length = 0, total = 0;
        OSErr err = noErr;
        snprintf(expected, sizeof expected, "stream %ld\n", i);
        while (err == noErr && total < strlen(expected)) {
            err = tcp_rcv(streams[i], got + total, (unsigned short)(sizeof got - total), 10, &length);
            total += length;
        }
        CHECK_EQ(err, noErr);
        CHECK(total == strlen(expected) && memcmp(got, expected, total) == 0);
    }
    mtb_idle(50);
    for (i = 0; i < n; ++i) {
        CHECK_EQ(done_count[i], 1); /* exactly once */
        CHECK_EQ(tcp_abort(streams[i]), noErr);
        CHECK_EQ(tcp_release(streams[i]), noErr);
        DisposePtr(buffers[i]);
    }
    printf("%ld streams echoed\n", n);
    return mtb_test_finish();
}
