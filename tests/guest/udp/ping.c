/*
 * MacTCP Ping: ipctlEchoICMP of 127.0.0.1, asynchronous with ioCompletion and icmpCompletion,
 * then synchronous; ipctlLAPStats and ipctlGetAddr. When the host forbids ICMP sockets
 * (parameter icmp_available = 0) the bridge answers icmpEchoTimeoutErr, and that is what is
 * checked instead — the output says so.
 * Parameter: icmp_available.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "common/udp_guest.h"

static volatile long io_done, icmp_done;
static volatile unsigned long icmp_pb_seen;

static void io_completion(IPParamBlock *pb)
{
    (void)pb;
    ++io_done;
}
static void icmp_completion(IPParamBlock *pb)
{
    icmp_pb_seen = (unsigned long)pb;
    ++icmp_done;
}

static const char payload[] = "MacTCP Ping from the 68k";

static void prepare(ICMPParamBlock *reply)
{
    IPParamBlock *pb = (IPParamBlock *)reply;
    memset(reply, 0, sizeof *reply);
    pb->ioCRefNum = ipp;
    pb->csCode = ipctlEchoICMP;
    pb->dest = LOOPBACK;
    pb->data.length = sizeof payload - 1;
    pb->data.ptr = (Ptr)payload;
    pb->timeout = 3;
    pb->icmpCompletion = icmp_completion;
    pb->userDataPtr = 0xFEEDFACE;
}

int main(void)
{
    open_ipp();
    const int available = (int)mtb_param("icmp_available");
    const OSErr expected = available ? noErr : icmpEchoTimeoutErr;
    if (!available)
        printf("NOTE: the host forbids ICMP sockets (ping_group_range, no CAP_NET_RAW): checking that "
               "ipctlEchoICMP answers icmpEchoTimeoutErr and calls both routines once instead\n");

    static ICMPParamBlock reply;
    prepare(&reply);
    reply.ioCompletion = (ProcPtr)io_completion;
    unsigned long before = TickCount();
    CHECK_EQ(PBControlAsync((ParmBlkPtr)&reply), noErr);
    unsigned long deadline = TickCount() + 5 * 60;
    while ((reply.ioResult > 0 || icmp_done == 0) && TickCount() < deadline)
        mtb_idle(10);
    CHECK_EQ(reply.ioResult, expected);
    CHECK_EQ(io_done, 1);
    CHECK_EQ(icmp_done, 1);
    CHECK_EQ(icmp_pb_seen, (unsigned long)&reply);
    CHECK_EQ(reply.userDataPtr, 0xFEEDFACE);
    CHECK(reply.echoRequestOut >= before);
    if (available) {
        CHECK(reply.echoReplyIn >= reply.echoRequestOut);
        CHECK_EQ(reply.echoedData.length, sizeof payload - 1);
        CHECK(reply.echoedData.ptr != payload); /* the driver's copy */
        CHECK(memcmp(reply.echoedData.ptr, payload, sizeof payload - 1) == 0);
        printf("ping 127.0.0.1: %u bytes echoed, round trip %lu ticks\n", reply.echoedData.length,
               reply.echoReplyIn - reply.echoRequestOut);
    }

    /* Synchronous: icmpCompletion still runs once; ioCompletion never does for sync calls. */
    prepare(&reply);
    reply.ioCompletion = (ProcPtr)io_completion;
    CHECK_EQ(PBControlSync((ParmBlkPtr)&reply), expected);
    deadline = TickCount() + 5 * 60; /* a deadline for the routine, as above, not 1 s */
    while (icmp_done < 2 && TickCount() < deadline)
        mtb_idle(10);
    CHECK_EQ(icmp_done, 2);
    CHECK_EQ(io_done, 1);

    /* Bad echo data is the WDS error, at once. */
    prepare(&reply);
    reply.params[3] = 0; /* data.ptr's high word */
    reply.params[4] = 0;
    CHECK_EQ(PBControlSync((ParmBlkPtr)&reply), invalidWDS);

    /* ipctlLAPStats: a pointer to the driver's own record. */
    IPParamBlock lap;
    memset(&lap, 0, sizeof lap);
    CHECK_EQ(udp_call(&lap, ipctlLAPStats), noErr);
    LAPStats *stats = *(LAPStats **)&lap.dest;
    CHECK(stats != 0);
    if (stats) {
        CHECK(stats->ifMaxMTU >= 576);
        CHECK(strcmp(stats->ifString, "MacTCP Bridge") == 0);
        printf("LAPStats: %s, MTU %d\n", stats->ifString, stats->ifMaxMTU);
    }
    return mtb_test_finish();
}
