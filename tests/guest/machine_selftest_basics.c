/*
 * Machine self-test: the guest runtime and the simple Toolbox services. The harness sets
 * params answer=42 and name=loopback, and Gestalt 'mtbt' = 0x12345678.
 */
#include "callback_thunks.h"
#include "mactcp.h"
#include "mtb_test.h"
#include "toolbox.h"

static void test_params(void)
{
    int found = -1;
    char buf[16];
    CHECK_EQ(mtb_param("answer"), 42);
    CHECK_EQ(mtb_param_lookup("missing", &found), 0);
    CHECK_EQ(found, 0);
    CHECK_EQ(mtb_param_text("name", buf, sizeof buf), 8);
    CHECK(strcmp(buf, "loopback") == 0);
    CHECK_EQ(mtb_param_text("name", buf, 5), 8); /* truncated, still NUL-terminated */
    CHECK(strcmp(buf, "loop") == 0);
    CHECK_EQ(mtb_param_text("missing", buf, sizeof buf), -1);
}

/* volatile: the compiler must not fold these; on the 68000 they go through division.c. */
static void test_division(void)
{
    volatile long a = 1000000007, b = -13, c = -100, d = 7, e = -2147483647, f = 3;
    volatile unsigned long u = 0xFFFFFFFFul, v = 7, w = 0x80000000ul, x = 0x10001ul;
    CHECK_EQ(a / b, -76923077);
    CHECK_EQ(a % b, 6);
    CHECK_EQ(c / d, -14);
    CHECK_EQ(c % d, -2);
    CHECK_EQ(e / f, -715827882);
    CHECK_EQ(e % f, -1);
    CHECK_EQ(u / v, 613566756);
    CHECK_EQ(u % v, 3);
    CHECK_EQ(w / x, 32767);
    CHECK_EQ(w % x, 32769);
    CHECK_EQ(a * b, (long)(1000000007ul * (unsigned long)-13l));
}

static int all_zero(const char *p, long n)
{
    while (n--)
        if (*p++)
            return 0;
    return 1;
}

static void test_memory(void)
{
    Ptr p = NewPtr(1000), q, s, big;
    Handle h;
    CHECK(p != 0);
    CHECK_EQ(MemError(), noErr);
    CHECK(all_zero(p, 1000));
    memset(p, 0xAA, 1000);
    DisposePtr(p);
    CHECK_EQ(MemError(), noErr);
    q = NewPtr(1000); /* fresh memory is zero even when the block is reused */
    CHECK(q != 0);
    CHECK(all_zero(q, 1000));
    s = NewPtrSysClear(64);
    CHECK(s != 0 && (unsigned long)s < MTB_GUEST_LOAD_ADDRESS);
    big = NewPtr(0x7FFFFFF0);
    CHECK(big == 0);
    CHECK_EQ(MemError(), memFullErr);
    DisposePtr(q);
    DisposePtr(s);

    h = NewHandle(64);
    CHECK(h != 0 && *h != 0);
    CHECK(all_zero(*h, 64));
    HLock(h);
    CHECK_EQ(MemError(), noErr);
    HUnlock(h);
    DisposeHandle(h);
    CHECK_EQ(MemError(), noErr);
    DisposeHandle(h);
    CHECK_EQ(MemError(), nilHandleErr);
}

static void test_strings(void)
{
    char buf[96];
    char overlap[8] = "abcdef";
    int n = snprintf(buf, sizeof buf, "%d|%5d|%-4d|%05d|%x|%lX|%lu|%s|%c|%p|%%", -42, 17, 3, -42,
                     0xbeefu, 0xCAFEF00Dul, 4000000000ul, "str", 'z', (void *)0x1234);
    CHECK(strcmp(buf, "-42|   17|3   |-0042|beef|CAFEF00D|4000000000|str|z|0x00001234|%") == 0);
    CHECK_EQ(n, (long)strlen(buf));
    CHECK_EQ(snprintf(buf, 4, "%s", "truncated"), 9);
    CHECK(strcmp(buf, "tru") == 0);
    memmove(overlap + 1, overlap, 5);
    CHECK(memcmp(overlap, "aabcde", 6) == 0);
    BlockMove("xyz", buf, 4);
    CHECK(strcmp(buf, "xyz") == 0);
    CHECK(strcmp("abc", "abd") < 0 && strncmp("abcx", "abcy", 3) == 0);
}

static void test_gestalt(void)
{
    long response = 0;
    CHECK_EQ(Gestalt(MTB_FOURCC('m', 't', 'b', 't'), &response), noErr);
    CHECK_EQ(response, 0x12345678);
    CHECK_EQ(Gestalt(MTB_FOURCC('n', 'o', 'n', 'e'), &response), gestaltUndefSelectorErr);
}

static void test_ticks(void)
{
    unsigned long t0 = TickCount(), final = 0;
    int i;
    for (i = 0; i < 200 && TickCount() == t0; ++i)
        mtb_idle(5);
    CHECK(TickCount() != t0);
    CHECK(LMTicks - TickCount() < 2 || TickCount() - LMTicks < 2);
    t0 = TickCount();
    Delay(3, &final);
    CHECK(final >= t0 + 3);
    CHECK(TickCount() >= t0 + 3);
}

/* ---- Pascal callback thunks, called here the way MacTCP would call them ---- */
static unsigned long got[5];

static void tcp_asr(StreamPtr s, unsigned short event, Ptr user, unsigned short reason, ICMPReport *icmp)
{
    got[0] = s;
    got[1] = event;
    got[2] = (unsigned long)user;
    got[3] = reason;
    got[4] = (unsigned long)icmp;
}
MTB_TCP_ASR_THUNK(tcp_asr_thunk, tcp_asr);

static void udp_asr(StreamPtr s, unsigned short event, Ptr user, ICMPReport *icmp)
{
    got[0] = s;
    got[1] = event;
    got[2] = (unsigned long)user;
    got[4] = (unsigned long)icmp;
}
MTB_UDP_ASR_THUNK(udp_asr_thunk, udp_asr);

static void result_proc(void *info, char *user)
{
    got[0] = (unsigned long)info;
    got[2] = (unsigned long)user;
}
MTB_PASCAL_2L_THUNK(result_proc_thunk, result_proc);

/* Each returns how far SP moved across the call: 0 when the callee popped its arguments. */
static long call_tcp_asr(void)
{
    unsigned long before, after;
    __asm__ volatile("move.l %%sp,%0\n\t"
                     "move.l #0x11223344,-(%%sp)\n\t" /* tcpStream */
                     "move.w #4,-(%%sp)\n\t"          /* eventCode */
                     "move.l #0x55667788,-(%%sp)\n\t" /* userDataPtr */
                     "move.w #7,-(%%sp)\n\t"          /* terminReason */
                     "move.l #0x0000abcd,-(%%sp)\n\t" /* icmpMsg */
                     "jsr tcp_asr_thunk\n\t"
                     "move.l %%sp,%1"
                     : "=&d"(before), "=d"(after) : : "d0", "d1", "a0", "a1", "cc", "memory");
    return (long)(before - after);
}

static long call_udp_asr(void)
{
    unsigned long before, after;
    __asm__ volatile("move.l %%sp,%0\n\t"
                     "move.l #0x99aabbcc,-(%%sp)\n\t" /* udpStream */
                     "move.w #2,-(%%sp)\n\t"          /* eventCode */
                     "move.l #0x01020304,-(%%sp)\n\t" /* userDataPtr */
                     "move.l #0x00005678,-(%%sp)\n\t" /* icmpMsg */
                     "jsr udp_asr_thunk\n\t"
                     "move.l %%sp,%1"
                     : "=&d"(before), "=d"(after) : : "d0", "d1", "a0", "a1", "cc", "memory");
    return (long)(before - after);
}

static long call_result_proc(void)
{
    unsigned long before, after;
    __asm__ volatile("move.l %%sp,%0\n\t"
                     "move.l #0x00200000,-(%%sp)\n\t" /* hostInfo * */
                     "move.l #0x00300000,-(%%sp)\n\t" /* userData */
                     "jsr result_proc_thunk\n\t"
                     "move.l %%sp,%1"
                     : "=&d"(before), "=d"(after) : : "d0", "d1", "a0", "a1", "cc", "memory");
    return (long)(before - after);
}

static void test_thunks(void)
{
    CHECK_EQ(call_tcp_asr(), 0);
    CHECK_EQ(got[0], 0x11223344);
    CHECK_EQ(got[1], 4);
    CHECK_EQ(got[2], 0x55667788);
    CHECK_EQ(got[3], 7);
    CHECK_EQ(got[4], 0xabcd);
    CHECK_EQ(call_udp_asr(), 0);
    CHECK_EQ(got[0], 0x99aabbcc);
    CHECK_EQ(got[1], 2);
    CHECK_EQ(got[2], 0x01020304);
    CHECK_EQ(got[4], 0x5678);
    CHECK_EQ(call_result_proc(), 0);
    CHECK_EQ(got[0], 0x00200000);
    CHECK_EQ(got[2], 0x00300000);
}

int main(void)
{
    test_params();
    test_division();
    test_memory();
    test_strings();
    test_gestalt();
    test_ticks();
    test_thunks();
    return mtb_test_finish();
}
