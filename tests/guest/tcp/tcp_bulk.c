/*
 * Bulk transfer both ways, verified by checksum. Guest -> host: `bytes` of a repeated 32 KB
 * pattern from two asynchronous TCPSends kept in flight (they complete in order); the host
 * checks the checksum. Host -> guest: the host sends `bytes` of its own data and closes; the
 * guest reads with TCPNoCopyRcv/TCPRcvBfrReturn until connectionClosing and compares its
 * checksum with `expected`. Prints both directions' rates (guest ticks).
 * Parameters: sink_port, source_port, bytes, expected.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "common/tcp_util.h"

#define CHUNK 32768
static TCPiopb send_pb[2];
static wdsEntry wds[2][2];

static void send_to_host(unsigned long total)
{
    Ptr pattern = NewPtr(CHUNK);
    Ptr buffer = NewPtr(65536);
    StreamPtr stream = tcp_create(buffer, 65536, 0, 0);
    TCPiopb open;
    unsigned long queued = 0, i;
    unsigned long start;
    int k;
    for (i = 0; i < CHUNK; ++i)
        pattern[i] = (char)(i * 7 + (i >> 8));
    tcp_prepare_open(&open, stream, LOOPBACK, (tcp_port)mtb_param("sink_port"), 0);
    CHECK_EQ(tcp_call(&open, TCPActiveOpen), noErr);
    start = TickCount();
    for (k = 0; k < 2; ++k)
        send_pb[k].ioResult = 0;
    k = 0;
    while (queued < total) {
        unsigned long length = total - queued < CHUNK ? total - queued : CHUNK;
        if (!tcp_wait(&send_pb[k].ioResult, 30))
            break;
        CHECK_EQ(send_pb[k].ioResult, noErr);
        memset(&send_pb[k], 0, sizeof send_pb[k]);
        wds[k][0].length = (unsigned short)length;
        wds[k][0].ptr = pattern;
        wds[k][1].length = 0;
        send_pb[k].tcpStream = stream;
        send_pb[k].csParam.send.wdsPtr = (Ptr)wds[k];
        send_pb[k].csParam.send.pushFlag = 1;
        tcp_call_async(&send_pb[k], TCPSend, 0);
        queued += length;
        k ^= 1;
    }
    CHECK(tcp_wait(&send_pb[0].ioResult, 30));
    CHECK(tcp_wait(&send_pb[1].ioResult, 30));
    CHECK_EQ(tcp_close(stream), noErr);
    {
        unsigned long ticks = TickCount() - start + 1;
        printf("guest -> host: %lu bytes in %lu ticks (%lu KB/s)\n", total, ticks, total / 1024 * 60 / ticks);
    }
    /* Wait for the host's FIN after it has read everything. */
    {
        char c[16];
        unsigned short got;
        OSErr err;
        do {
            err = tcp_rcv(stream, c, sizeof c, 30, &got);
        } while (err == noErr);
        CHECK_EQ(err, connectionClosing);
    }
    CHECK_EQ(tcp_release(stream), noErr);
    DisposePtr(buffer);
    DisposePtr(pattern);
}

static void receive_from_host(unsigned long total)
{
    Ptr buffer = NewPtr(65536);
    StreamPtr stream = tcp_create(buffer, 65536, 0, 0);
    TCPiopb pb;
    rdsEntry rds[7];
    checksum_t sum = {0, 0};
    unsigned long received = 0, start;
    OSErr err;
    tcp_prepare_open(&pb, stream, LOOPBACK, (tcp_port)mtb_param("source_port"), 0);
    CHECK_EQ(tcp_call(&pb, TCPActiveOpen), noErr);
    start = TickCount();
    for (;;) {
        int i;
        memset(&pb, 0, sizeof pb);
        pb.tcpStream = stream;
        pb.csParam.receive.rdsPtr = (Ptr)rds;
        pb.csParam.receive.rdsLength = 6;
        pb.csParam.receive.commandTimeoutValue = 30;
        err = tcp_call(&pb, TCPNoCopyRcv);
        if (err != noErr)
            break;
        for (i = 0; rds[i].length != 0; ++i) {
            checksum_add(&sum, (const unsigned char *)rds[i].ptr, rds[i].length);
            received += rds[i].length;
        }
        CHECK_EQ(tcp_call(&pb, TCPRcvBfrReturn), noErr);
    }
    CHECK_EQ(err, connectionClosing);
    CHECK_EQ(received, total);
    CHECK_EQ(checksum_value(&sum), (unsigned long)mtb_param("expected"));
    {
        unsigned long ticks = TickCount() - start + 1;
        printf("host -> guest: %lu bytes in %lu ticks (%lu KB/s)\n", received, ticks, received / 1024 * 60 / ticks);
    }
    CHECK_EQ(tcp_close(stream), noErr);
    CHECK_EQ(tcp_release(stream), noErr);
    DisposePtr(buffer);
}

int main(void)
{
    unsigned long bytes = (unsigned long)mtb_param("bytes");
    tcp_open_driver();
    send_to_host(bytes);
    receive_from_host(bytes);
    return mtb_test_finish();
}
