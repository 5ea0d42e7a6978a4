/*
 * 10,000 datagrams each way with sequence numbers, none lost, reordered or corrupted while the
 * receive buffer has room: to ourselves, from the host peer to us and from us to the host peer.
 * Sends go in bursts that fit the receive buffer, each acknowledged before the next, so nothing
 * is dropped for lack of room (drops when the buffer is full are the unit tests' business).
 * Parameters: peer_port (the host's flood peer), count, burst.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "common/udp_guest.h"

enum { kBufferSize = 32768, kMaxPayload = 8 + 119 };

static unsigned char out[kMaxPayload];

/* Datagram `seq`: tag, 3 pad bytes, seq (big-endian, the 68k's own order), then a pattern;
 * lengths vary from 8 to 127 bytes. Must match the host side (flood_test in udp_test.cpp). */
static unsigned short make(unsigned char tag, unsigned long seq)
{
    unsigned short length = (unsigned short)(8 + seq % 120);
    out[0] = tag;
    out[1] = out[2] = out[3] = 0;
    memcpy(out + 4, &seq, 4);
    for (unsigned short i = 8; i < length; ++i)
        out[i] = (unsigned char)(seq * 7 + i);
    return length;
}

/* 1 if the datagram in `pb` is datagram `seq` with tag `tag`. */
static int check(const UDPiopb *pb, unsigned char tag, unsigned long seq)
{
    unsigned short length = make(tag, seq);
    return pb->csParam.receive.rcvBuffLen == length && memcmp(pb->csParam.receive.rcvBuff, out, length) == 0;
}

static long bad;

static void read_burst(StreamPtr s, unsigned char tag, unsigned long first, unsigned long n)
{
    for (unsigned long seq = first; seq < first + n; ++seq) {
        UDPiopb in;
        OSErr result = udp_read(s, 5, &in);
        if (result != noErr) {
            printf("datagram %lu (%c): read failed %d\n", seq, tag, result);
            ++bad;
            return;
        }
        if (!check(&in, tag, seq)) {
            unsigned long got;
            memcpy(&got, in.csParam.receive.rcvBuff + 4, 4);
            if (bad < 5)
                printf("datagram %lu (%c): got seq %lu, %u bytes\n", seq, tag, got, in.csParam.receive.rcvBuffLen);
            ++bad;
        }
        if (in.csParam.receive.rcvBuffLen != 0)
            CHECK_EQ(udp_bfr_return(s, in.csParam.receive.rcvBuff), noErr);
    }
}

int main(void)
{
    open_ipp();
    const unsigned long count = (unsigned long)mtb_param("count");
    const unsigned long burst = (unsigned long)mtb_param("burst");
    const unsigned short peer = (unsigned short)mtb_param("peer_port");
    StreamPtr s;
    unsigned short port = 0;
    CHECK_EQ(udp_create(NewPtr(kBufferSize), kBufferSize, &port, 0, 0, &s), noErr);

    /* To ourselves. */
    unsigned long started = TickCount();
    for (unsigned long seq = 0; seq < count; seq += burst) {
        unsigned long n = count - seq < burst ? count - seq : burst;
        for (unsigned long i = 0; i < n; ++i)
            CHECK_EQ(udp_write(s, LOOPBACK, port, out, make('S', seq + i)), noErr);
        read_burst(s, 'S', seq, n);
    }
    printf("to ourselves: %lu datagrams in %lu ticks, %ld bad\n", count, TickCount() - started, bad);
    CHECK_EQ(bad, 0);

    /* From the host peer: "A" starts it; each burst is acknowledged with "a". */
    bad = 0;
    started = TickCount();
    CHECK_EQ(udp_write(s, LOOPBACK, peer, "A", 1), noErr);
    for (unsigned long seq = 0; seq < count && bad == 0; seq += burst) {
        unsigned long n = count - seq < burst ? count - seq : burst;
        read_burst(s, 'H', seq, n);
        CHECK_EQ(udp_write(s, LOOPBACK, peer, "a", 1), noErr);
    }
    printf("from the host: %lu datagrams in %lu ticks, %ld bad\n", count, TickCount() - started, bad);
    CHECK_EQ(bad, 0);

    /* To the host peer, which checks them and acknowledges each burst with "b". */
    bad = 0;
    started = TickCount();
    for (unsigned long seq = 0; seq < count; seq += burst) {
        unsigned long n = count - seq < burst ? count - seq : burst;
        for (unsigned long i = 0; i < n; ++i)
            CHECK_EQ(udp_write(s, LOOPBACK, peer, out, make('G', seq + i)), noErr);
        UDPiopb in;
        OSErr result = udp_read(s, 5, &in);
        CHECK_EQ(result, noErr);
        if (result != noErr)
            break;
        CHECK(in.csParam.receive.rcvBuffLen == 1 && in.csParam.receive.rcvBuff[0] == 'b');
        CHECK_EQ(udp_bfr_return(s, in.csParam.receive.rcvBuff), noErr);
    }
    printf("to the host: %lu datagrams in %lu ticks\n", count, TickCount() - started);
    CHECK_EQ(udp_release(s), noErr);
    return mtb_test_finish();
}
