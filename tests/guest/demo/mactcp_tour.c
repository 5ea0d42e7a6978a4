/*
 * Demo, part 1: a 68k MacTCP program's first steps, the way vintage clients take them —
 * Gestalt, opening .IPP, our address and MTU, then a TCP connection to the host's demo server,
 * reading its greeting and answering it.
 * Parameter: server_port (the demo runner's greeting server on 127.0.0.1).
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "mactcp.h"
#include "mtb_test.h"
#include "toolbox.h"

static short ipp;

/* Not inlined: it writes the common header of blocks of every size (36-byte GetAddr too). */
static __attribute__((noinline)) OSErr call(void *pb, short cs_code)
{
    TCPiopb *p = pb;
    p->ioCRefNum = ipp;
    p->csCode = cs_code;
    return PBControlSync((ParmBlkPtr)pb);
}

static void print_address(const char *label, unsigned long a, unsigned short port)
{
    printf("%s%lu.%lu.%lu.%lu", label, a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
    if (port)
        printf(":%u", port);
    printf("\n");
}

int main(void)
{
    long version = 0;
    CHECK_EQ(OpenDriver((const unsigned char *)"\004.IPP", &ipp), noErr);
    CHECK_EQ(Gestalt(gestaltMacTCPVersion, &version), noErr);
    printf("[68k] MacTCP driver .IPP open (refnum %d), Gestalt('mtcp') = %ld\n", ipp, version);

    GetAddrParamBlock addr;
    memset(&addr, 0, sizeof addr);
    CHECK_EQ(call(&addr, ipctlGetAddr), noErr);
    print_address("[68k] my IP address is ", addr.ourAddress, 0);
    print_address("[68k] netmask ", addr.ourNetMask, 0);

    UDPiopb mtu;
    memset(&mtu, 0, sizeof mtu);
    mtu.csParam.mtu.remoteHost = addr.ourAddress;
    CHECK_EQ(call(&mtu, UDPMaxMTUSize), noErr);
    printf("[68k] largest unfragmented datagram %u bytes\n", mtu.csParam.mtu.mtuSize);

    const unsigned long size = 4 * mtu.csParam.mtu.mtuSize + 1024; /* as Guide-93 advises */
    TCPiopb pb;
    memset(&pb, 0, sizeof pb);
    pb.csParam.create.rcvBuff = NewPtr(size);
    pb.csParam.create.rcvBuffLen = size;
    CHECK_EQ(call(&pb, TCPCreate), noErr);
    const StreamPtr stream = pb.tcpStream;

    memset(&pb, 0, sizeof pb);
    pb.tcpStream = stream;
    pb.csParam.open.remoteHost = 0x7F000001;
    pb.csParam.open.remotePort = (tcp_port)mtb_param("server_port");
    pb.csParam.open.validityFlags = timeoutValue | timeoutAction;
    pb.csParam.open.ulpTimeoutValue = 30;
    pb.csParam.open.ulpTimeoutAction = 1;
    OSErr opened = call(&pb, TCPActiveOpen);
    CHECK_EQ(opened, noErr);
    if (opened == noErr) {
        print_address("[68k] connected from ", pb.csParam.open.localHost, pb.csParam.open.localPort);
        print_address("[68k]           to   ", pb.csParam.open.remoteHost, pb.csParam.open.remotePort);

        static char greeting[256];
        memset(&pb, 0, sizeof pb);
        pb.tcpStream = stream;
        pb.csParam.receive.commandTimeoutValue = 10;
        pb.csParam.receive.rcvBuff = greeting;
        pb.csParam.receive.rcvBuffLen = sizeof greeting - 1;
        OSErr received = call(&pb, TCPRcv);
        CHECK_EQ(received, noErr);
        if (received == noErr) {
            greeting[pb.csParam.receive.rcvBuffLen] = 0;
            printf("[68k] the server says: %s", greeting);
        }

        static char reply[] = "Hello from a 68000 running MacTCP Bridge!\r\n";
        wdsEntry wds[2] = {{sizeof reply - 1, reply}, {0, 0}};
        memset(&pb, 0, sizeof pb);
        pb.tcpStream = stream;
        pb.csParam.send.wdsPtr = (Ptr)wds;
        pb.csParam.send.pushFlag = 1;
        CHECK_EQ(call(&pb, TCPSend), noErr);

        memset(&pb, 0, sizeof pb);
        pb.tcpStream = stream;
        CHECK_EQ(call(&pb, TCPClose), noErr);
    }

    memset(&pb, 0, sizeof pb);
    pb.tcpStream = stream;
    CHECK_EQ(call(&pb, TCPRelease), noErr);
    DisposePtr(pb.csParam.create.rcvBuff);
    printf("[68k] stream released, done.\n");
    return mtb_test_finish();
}
