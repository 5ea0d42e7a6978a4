/*
 * Machine self-test: Pascal callback thunks (callback_thunks.h), several of each kind alive at
 * once, called the way MacTCP, the DNR and the Device Manager call them. The peer file defines
 * thunks with the same names as this one: thunks are local to their file.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "callback_thunks.h"
#include "machine_selftest_thunks.h"
#include "mtb_test.h"

CallRecord last_call;

static void record(int which, unsigned long a, unsigned long b, unsigned long c, unsigned long d,
                   unsigned long e)
{
    last_call.which = which;
    last_call.arg[0] = a;
    last_call.arg[1] = b;
    last_call.arg[2] = c;
    last_call.arg[3] = d;
    last_call.arg[4] = e;
}

#define TCP_ASR(n)                                                                              \
    static void tcp_asr_##n(StreamPtr s, unsigned short event, Ptr user, unsigned short reason, \
                            ICMPReport *icmp)                                                   \
    {                                                                                           \
        record(10 + n, s, event, (unsigned long)user, reason, (unsigned long)icmp);             \
    }                                                                                           \
    MTB_TCP_ASR_THUNK(tcp_thunk_##n, tcp_asr_##n)
#define UDP_ASR(n)                                                                               \
    static void udp_asr_##n(StreamPtr s, unsigned short event, Ptr user, ICMPReport *icmp)       \
    {                                                                                            \
        record(20 + n, s, event, (unsigned long)user, 0, (unsigned long)icmp);                   \
    }                                                                                            \
    MTB_UDP_ASR_THUNK(udp_thunk_##n, udp_asr_##n)
#define RESULT_PROC(n)                                                                           \
    static void result_proc_##n(void *info, char *user)                                         \
    {                                                                                            \
        record(30 + n, (unsigned long)info, (unsigned long)user, 0, 0, 0);                       \
    }                                                                                            \
    MTB_PASCAL_2L_THUNK(result_thunk_##n, result_proc_##n)
#define COMPLETION(n)                                                                            \
    static void completion_##n(ParmBlkPtr pb, long result)                                      \
    {                                                                                            \
        record(40 + n, (unsigned long)pb, (unsigned long)result, 0, 0, 0);                       \
    }                                                                                            \
    MTB_DM_COMPLETION_THUNK(completion_thunk_##n, completion_##n)

TCP_ASR(0);
TCP_ASR(1);
TCP_ASR(2);
UDP_ASR(0);
UDP_ASR(1);
UDP_ASR(2);
RESULT_PROC(0);
RESULT_PROC(1);
RESULT_PROC(2);
COMPLETION(0);
COMPLETION(1);

/* One C function behind two thunks. */
MTB_TCP_ASR_THUNK(tcp_thunk_again, tcp_asr_1);
/* The same names as thunks in machine_selftest_thunks_peer.c. */
MTB_TCP_ASR_THUNK(shared_name_tcp_thunk, tcp_asr_0);
MTB_PASCAL_2L_THUNK(shared_name_result_thunk, result_proc_0);

/*
 * Callers in the conventions the thunks serve. Each returns how far SP moved across the call:
 * 0 when the callee popped its Pascal arguments (or, for the completion, left the stack alone).
 * C arguments at 8(a2)... once a2 (saved) holds the entry SP; ints are 4 bytes, so a short's
 * value is the low word at +2.
 */
/* Entry: a2 (saved) = SP; exit: d0 = a2 - SP after the call, SP and a2 restored. */
#define CALLER_ENTER_(name) \
    ".globl " #name "\n" #name ":\n\tmove.l %a2,-(%sp)\n\tmove.l %sp,%a2\n\t"
#define CALLER_CALL_AND_LEAVE_(routine) \
    "jsr (" routine ")\n\tmove.l %a2,%d0\n\tsub.l %sp,%d0\n\tmove.l %a2,%sp\n\tmove.l (%sp)+,%a2\n\trts\n\t"

__asm__(".text\n\t.even\n\t"
        CALLER_ENTER_(call_tcp_asr)
        "move.l 12(%a2),-(%sp)\n\t" /* tcpStream */
        "move.w 18(%a2),-(%sp)\n\t" /* eventCode */
        "move.l 20(%a2),-(%sp)\n\t" /* userDataPtr */
        "move.w 26(%a2),-(%sp)\n\t" /* terminReason */
        "move.l 28(%a2),-(%sp)\n\t" /* icmpMsg */
        "move.l 8(%a2),%a0\n\t"
        CALLER_CALL_AND_LEAVE_("%a0")
        CALLER_ENTER_(call_udp_asr)
        "move.l 12(%a2),-(%sp)\n\t" /* udpStream */
        "move.w 18(%a2),-(%sp)\n\t" /* eventCode */
        "move.l 20(%a2),-(%sp)\n\t" /* userDataPtr */
        "move.l 24(%a2),-(%sp)\n\t" /* icmpMsg */
        "move.l 8(%a2),%a0\n\t"
        CALLER_CALL_AND_LEAVE_("%a0")
        CALLER_ENTER_(call_pascal_2l)
        "move.l 12(%a2),-(%sp)\n\t" /* first */
        "move.l 16(%a2),-(%sp)\n\t" /* second */
        "move.l 8(%a2),%a0\n\t"
        CALLER_CALL_AND_LEAVE_("%a0")
        CALLER_ENTER_(call_completion) /* a0 = pb, d0 = result */
        "move.l 8(%a2),%a1\n\t"
        "move.l 12(%a2),%a0\n\t"
        "move.l 16(%a2),%d0\n\t"
        CALLER_CALL_AND_LEAVE_("%a1")
        ".previous");
long call_udp_asr(void *thunk, unsigned long stream, unsigned short event, unsigned long user,
                  unsigned long icmp);
long call_completion(void *thunk, unsigned long pb, long result);

static void check_call(int which, unsigned long a, unsigned long b, unsigned long c,
                       unsigned long d, unsigned long e)
{
    CHECK_EQ(last_call.which, which);
    CHECK_EQ(last_call.arg[0], a);
    CHECK_EQ(last_call.arg[1], b);
    CHECK_EQ(last_call.arg[2], c);
    CHECK_EQ(last_call.arg[3], d);
    CHECK_EQ(last_call.arg[4], e);
}

int main(void)
{
    void *const tcp[] = {(void *)tcp_thunk_0, (void *)tcp_thunk_1, (void *)tcp_thunk_2};
    void *const udp[] = {(void *)udp_thunk_0, (void *)udp_thunk_1, (void *)udp_thunk_2};
    void *const result[] = {(void *)result_thunk_0, (void *)result_thunk_1, (void *)result_thunk_2};
    void *const completion[] = {(void *)completion_thunk_0, (void *)completion_thunk_1};
    PeerThunks peer;
    int i;

    /* Interleaved, as callbacks of several streams arrive. */
    for (i = 0; i < 3; ++i) {
        CHECK_EQ(call_tcp_asr(tcp[i], 0x11223340ul + i, 4, 0x55667780ul + i, 7, 0xabc0ul + i), 0);
        check_call(10 + i, 0x11223340ul + i, 4, 0x55667780ul + i, 7, 0xabc0ul + i);
        CHECK_EQ(call_udp_asr(udp[i], 0x99aabbc0ul + i, 2, 0x01020300ul + i, 0x5670ul + i), 0);
        check_call(20 + i, 0x99aabbc0ul + i, 2, 0x01020300ul + i, 0, 0x5670ul + i);
        CHECK_EQ(call_pascal_2l(result[i], 0x00200000ul + i, 0x00300000ul + i), 0);
        check_call(30 + i, 0x00200000ul + i, 0x00300000ul + i, 0, 0, 0);
    }
    for (i = 0; i < 2; ++i) {
        CHECK_EQ(call_completion(completion[i], 0x00400000ul + i, -23000 - i), 0);
        check_call(40 + i, 0x00400000ul + i, (unsigned long)(-23000L - i), 0, 0, 0);
    }
    CHECK_EQ(call_tcp_asr((void *)tcp_thunk_again, 1, 3, 2, 6, 0), 0);
    check_call(11, 1, 3, 2, 6, 0);
    CHECK(tcp_thunk_again != tcp_thunk_1);

    /* Same thunk names in another file: different routines, each reaching its own function. */
    peer_thunks(&peer);
    CHECK(peer.tcp != (void *)shared_name_tcp_thunk);
    CHECK(peer.result != (void *)shared_name_result_thunk);
    CHECK_EQ(call_tcp_asr((void *)shared_name_tcp_thunk, 5, 1, 6, 0, 0), 0);
    check_call(10, 5, 1, 6, 0, 0);
    CHECK_EQ(call_tcp_asr(peer.tcp, 5, 1, 6, 0, 0), 0);
    check_call(110, 5, 1, 6, 0, 0);
    CHECK_EQ(call_pascal_2l((void *)shared_name_result_thunk, 8, 9), 0);
    check_call(30, 8, 9, 0, 0, 0);
    CHECK_EQ(call_pascal_2l(peer.result, 8, 9), 0);
    check_call(130, 8, 9, 0, 0, 0);
    return mtb_test_finish();
}
