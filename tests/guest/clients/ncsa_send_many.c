/*
 * NCSA socket library, send(): several asynchronous TCPSends in flight on one stream at once
 * (one pb and one WDS each, up to TCP_MAX_WDS), push only on the last chunk, each WDS marked
 * free by its completion routine, which a new send then reuses. 4 KB chunks (all from one
 * 16 KB pattern buffer) through 4 slots to a host peer that reads nothing until told: the guest
 * keeps sending until the host's buffers are full and all 4 sends are outstanding at once (the
 * MacTCP contract: a send completes only once its data is taken, so the 4th must stay pending
 * behind a peer that does not read; at most 32 MB), then tells the peer to read by opening a
 * second connection to it, sends on to at least 256 KB and closes; the host checks every byte
 * in order and answers "got <n> <sum>" before its own close. Nothing depends on timing: the
 * peer provably does not read before all 4 were in flight.
 * Parameters: server_port.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "common/ncsa_sock.h"
#include "mtb_test.h"

enum { TCP_MAX_WDS = 4, CHUNK = 4096, PATTERN = 16384, MIN_TOTAL = 256L * 1024, MAX_TOTAL = 32L * 1024 * 1024 };

typedef struct send_slot {
    TCPiopb pb;
    wdsEntry wds[2];
    volatile int busy;
    volatile OSErr result;
} send_slot;

static send_slot slots[TCP_MAX_WDS];
static volatile int in_flight, max_in_flight, completions, errors;
static char payload[PATTERN];

/* sock_tcp_send_done: marks the WDS free (interrupt level: no Memory Manager). */
static void send_done(TCPiopb *pb)
{
    send_slot *slot = (send_slot *)pb->csParam.send.userDataPtr;
    slot->result = pb->ioResult;
    if (pb->ioResult != noErr)
        ++errors;
    ++completions;
    --in_flight;
    slot->busy = 0;
}

static send_slot *free_slot(unsigned long max_ticks)
{
    unsigned long deadline = TickCount() + max_ticks;
    for (;;) {
        for (int i = 0; i < TCP_MAX_WDS; ++i)
            if (!slots[i].busy)
                return &slots[i];
        if (TickCount() > deadline)
            return 0;
    }
}

static OSErr send_chunk(StreamPtr stream, const char *data, unsigned short length, int push)
{
    send_slot *slot = free_slot(10 * 60);
    if (!slot)
        return commandTimeout;
    memset(&slot->pb, 0, sizeof slot->pb);
    slot->wds[0].length = length;
    slot->wds[0].ptr = (Ptr)data;
    slot->wds[1].length = 0;
    slot->busy = 1;
    slot->pb.ioCRefNum = ipp();
    slot->pb.csCode = TCPSend;
    slot->pb.tcpStream = stream;
    slot->pb.csParam.send.validityFlags = timeoutValue | timeoutAction;
    slot->pb.csParam.send.ulpTimeoutValue = 60;
    slot->pb.csParam.send.ulpTimeoutAction = 0;
    slot->pb.csParam.send.pushFlag = (Boolean)push;
    slot->pb.csParam.send.urgentFlag = 0;
    slot->pb.csParam.send.wdsPtr = (Ptr)slot->wds;
    slot->pb.csParam.send.userDataPtr = (Ptr)slot;
    slot->pb.ioCompletion = (ProcPtr)send_done;
    ++in_flight;
    if (in_flight > max_in_flight)
        max_in_flight = in_flight;
    OSErr err = PBControlAsync((ParmBlkPtr)&slot->pb);
    if (err != noErr) {
        --in_flight;
        slot->busy = 0;
    }
    return err;
}

int main(void)
{
    ncsa_socket s;
    CHECK_EQ(ncsa_socket_create(&s), noErr);
    CHECK_EQ(ncsa_connect(&s, LOOPBACK, (tcp_port)mtb_param("server_port"), 10 * 60), noErr);
    CHECK_EQ(s.state, SOCK_STATE_CONNECTED);
    CHECK_EQ(s.remote_port, mtb_param("server_port"));
    CHECK(s.local_port != 0);

    unsigned long sum = 0, chunk_sum[PATTERN / CHUNK];
    memset(chunk_sum, 0, sizeof chunk_sum);
    for (int i = 0; i < PATTERN; ++i) {
        payload[i] = (char)((i * 31 + i / 256) & 0xFF);
        chunk_sum[i / CHUNK] += (unsigned char)payload[i];
    }
    long total = 0;
    int sends = 0, told_peer = 0;
    ncsa_socket go;
    while (total < MAX_TOTAL && (total < MIN_TOTAL || max_in_flight < TCP_MAX_WDS)) {
        total += CHUNK;
        OSErr err = send_chunk(s.stream, payload + (total - CHUNK) % PATTERN, CHUNK,
                               total >= MIN_TOTAL && max_in_flight >= TCP_MAX_WDS);
        ++sends;
        sum += chunk_sum[((total - CHUNK) % PATTERN) / CHUNK];
        if (err != noErr) {
            CHECK_EQ(err, noErr);
            break;
        }
        if (!told_peer && max_in_flight >= TCP_MAX_WDS) {
            /* Every slot outstanding behind a peer that has not read a byte: now let it read. */
            CHECK_EQ(ncsa_socket_create(&go), noErr);
            CHECK_EQ(ncsa_connect(&go, LOOPBACK, (tcp_port)mtb_param("server_port"), 10 * 60), noErr);
            told_peer = 1;
        }
    }
    unsigned long deadline = TickCount() + 30 * 60;
    while (in_flight > 0 && TickCount() < deadline)
        mtb_idle(5);
    CHECK_EQ(in_flight, 0);
    CHECK_EQ(completions, sends);
    CHECK_EQ(errors, 0);
    CHECK_EQ(max_in_flight, TCP_MAX_WDS); /* every slot really was outstanding at once */
    CHECK(told_peer);
    printf("%d sends (%ld bytes), at most %d in flight\n", completions, total, max_in_flight);

    TCPiopb pb;
    memset(&pb, 0, sizeof pb);
    pb.tcpStream = s.stream;
    pb.csParam.close.validityFlags = timeoutValue | timeoutAction;
    pb.csParam.close.ulpTimeoutValue = 30;
    pb.csParam.close.ulpTimeoutAction = 1;
    CHECK_EQ(sync_call(&pb, TCPClose), noErr);

    /* The host's verdict, read with a plain TCPRcv. */
    char reply[64];
    memset(&pb, 0, sizeof pb);
    pb.tcpStream = s.stream;
    pb.csParam.receive.commandTimeoutValue = 10;
    pb.csParam.receive.rcvBuff = reply;
    pb.csParam.receive.rcvBuffLen = sizeof reply - 1;
    CHECK_EQ(sync_call(&pb, TCPRcv), noErr);
    reply[pb.csParam.receive.rcvBuffLen] = 0;
    char expect[64];
    snprintf(expect, sizeof expect, "got %ld %lu\n", total, sum);
    CHECK(strcmp(reply, expect) == 0);
    printf("host: %s", reply);

    CHECK_EQ(ncsa_release(&s), noErr);
    if (told_peer)
        CHECK_EQ(ncsa_release(&go), noErr);
    return mtb_test_finish();
}
