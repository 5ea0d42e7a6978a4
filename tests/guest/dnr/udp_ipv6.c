/*
 * Issue 15 on the 68k test machine: UDP with an IPv6-only host. StrToAddr of an AAAA-only name
 * (the test's DNS server: v6only.test.example, AAAA ::1 only) gives a stand-in address from
 * 198.18.0.0/15; datagrams the program sends to it reach the host's IPv6 peer on [::1], which
 * echoes each one; the echoes come back from the stand-in, byte for byte (each datagram carries
 * its own pattern and the peer checks it too), then a last datagram tells the peer how many
 * bytes went each way.
 * Parameters: peer_port (the IPv6 echo peer), count (datagrams).
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "callback_thunks.h"
#include "common/dnr_glue.h"
#include "common/udp_calls.h"
#include "mtb_test.h"

static volatile long looked_up;
static void result_proc(void *record, char *user_data)
{
    (void)record;
    (void)user_data;
    looked_up = 1;
}
MTB_PASCAL_2L_THUNK(result_thunk, result_proc);

/* Datagram i: 1 + (i * 97) % 1400 bytes of a pattern seeded by i. */
static unsigned short fill(unsigned char *into, long i)
{
    unsigned short length = (unsigned short)(1 + (i * 97) % 1400);
    unsigned short k;
    for (k = 0; k < length; ++k)
        into[k] = (unsigned char)(k * 31 + i * 7 + (k >> 5));
    return length;
}

int main(void)
{
    static struct hostInfo info;
    static unsigned char out[1400];
    unsigned short peer = (unsigned short)mtb_param("peer_port");
    long count = mtb_param("count");
    unsigned long stand_in, moved = 0, s;
    unsigned short port = 0;
    long i;
    char summary[40];

    dnr_udp_open_driver();
    CHECK_EQ(OpenResolver(0), noErr);
    /* A query: cacheFault, then the result procedure (PuTTY's way: spin until it ran). */
    memset(&info, 0, sizeof info);
    CHECK_EQ(StrToAddr("v6only.test.example", &info, result_thunk, 0), cacheFault);
    CHECK(dnr_spin(&looked_up, 10 * 60));
    CHECK_EQ(info.rtnCode, noErr);
    stand_in = info.addr[0];
    CHECK_EQ(stand_in & 0xFFFE0000UL, 0xC6120000UL); /* 198.18.0.0/15 */
    printf("v6only.test.example is %lu.%lu.%lu.%lu\n", stand_in >> 24, (stand_in >> 16) & 255, (stand_in >> 8) & 255,
           stand_in & 255);

    CHECK_EQ(dnr_udp_create(16384, &s, &port), 0);
    for (i = 0; i < count; ++i) {
        unsigned short length = fill(out, i), got_length, from_port;
        unsigned long from;
        char *got;
        CHECK_EQ(dnr_udp_write(s, stand_in, peer, out, length), 0);
        CHECK_EQ(dnr_udp_read(s, 10, &got, &got_length, &from, &from_port), 0);
        CHECK_EQ(from, stand_in); /* the reply comes from the stand-in */
        CHECK_EQ(from_port, peer);
        CHECK_EQ(got_length, length);
        CHECK(memcmp(got, out, length) == 0);
        CHECK_EQ(dnr_udp_bfr_return(s, got), 0);
        moved += length;
    }
    snprintf(summary, sizeof summary, "done %lu", moved);
    CHECK_EQ(dnr_udp_write(s, stand_in, peer, summary, (unsigned short)strlen(summary)), 0);
    printf("udp6: %ld datagrams, %lu bytes each way through the stand-in\n", count, moved);
    CHECK_EQ(dnr_udp_release(s), 0);
    CHECK_EQ(CloseResolver(), noErr);
    return mtb_test_finish();
}
