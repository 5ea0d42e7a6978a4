/*
 * Machine self-test: the guest runtime and the simple Toolbox services. The harness sets
 * params answer=42 and name=loopback, and Gestalt 'mtbt' = 0x12345678.
 */
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

/* Every long of the block reads MTB_GARBAGE_PATTERN (blocks are 4-byte aligned). */
static int all_garbage(const char *p, long n)
{
    const unsigned long *l = (const unsigned long *)p;
    for (; n >= 4; n -= 4)
        if (*l++ != MTB_GARBAGE_PATTERN)
            return 0;
    return 1;
}

/* Called first: stack memory no call has reached yet holds the pattern, as a real Mac's stack
 * holds leftovers (uninitialised locals are not zero). */
static void test_stack_starts_as_garbage(void)
{
    char here;
    const char *deep = (const char *)(((unsigned long)&here - 8192) & ~3ul);
    CHECK(all_garbage(deep, 4096));
}

static void test_memory(void)
{
    Ptr p = NewPtr(1000), q, s, c, big;
    Handle h, hc, hs;
    CHECK(p != 0);
    CHECK_EQ(MemError(), noErr);
    CHECK(all_garbage(p, 1000));
    memset(p, 0xAA, 1000);
    DisposePtr(p);
    CHECK_EQ(MemError(), noErr);
    q = NewPtr(1000); /* a reused block gets the pattern again, not the old contents */
    CHECK(q != 0);
    CHECK(all_garbage(q, 1000));
    c = NewPtrClear(1000); /* the trap word's clear bit (0xA31E) */
    CHECK(c != 0 && all_zero(c, 1000));
    s = NewPtrSysClear(64);
    CHECK(s != 0 && (unsigned long)s < MTB_GUEST_LOAD_ADDRESS);
    CHECK(all_zero(s, 64));
    DisposePtr(s);
    s = NewPtrSys(64);
    CHECK(s != 0 && (unsigned long)s < MTB_GUEST_LOAD_ADDRESS);
    CHECK(all_garbage(s, 64));
    big = NewPtr(0x7FFFFFF0);
    CHECK(big == 0);
    CHECK_EQ(MemError(), memFullErr);
    DisposePtr(q);
    DisposePtr(c);
    DisposePtr(s);

    h = NewHandle(64);
    CHECK(h != 0 && *h != 0);
    CHECK(all_garbage(*h, 64));
    hc = NewHandleClear(64);
    CHECK(hc != 0 && *hc != 0 && all_zero(*hc, 64));
    hs = NewHandleSys(64);
    CHECK(hs != 0 && (unsigned long)*hs < MTB_GUEST_LOAD_ADDRESS && all_garbage(*hs, 64));
    DisposeHandle(hs);
    hs = NewHandleSysClear(64);
    CHECK(hs != 0 && (unsigned long)*hs < MTB_GUEST_LOAD_ADDRESS && all_zero(*hs, 64));
    DisposeHandle(hs);
    DisposeHandle(hc);
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

#define FORMATS_AS(expected, ...)                                                     \
    do {                                                                              \
        char out_[128];                                                               \
        int n_ = snprintf(out_, sizeof out_, __VA_ARGS__);                             \
        if (strcmp(out_, expected) != 0)                                              \
            printf("printf: got \"%s\", want \"%s\"\n", out_, expected);            \
        CHECK(strcmp(out_, expected) == 0);                                           \
        CHECK_EQ(n_, (long)strlen(expected));                                         \
    } while (0)

/* Width, precision and flags as C99 says, the forms real client code uses. */
static void test_printf_width_and_precision(void)
{
    static const char unterminated[4] = {'a', 'b', 'c', 'd'}; /* no NUL: %.4s must stop */
    char big[200];
    FORMATS_AS("abc", "%.3s", "abcdef");
    FORMATS_AS("abcd|", "%.4s|", unterminated);
    FORMATS_AS("ab      |", "%-8.2s|", "abcdef");
    FORMATS_AS("    ab|", "%6.2s|", "abcdef");
    FORMATS_AS("name    |", "%-8s|", "name");
    FORMATS_AS("0000beef", "%08lx", 0xBEEFul);
    FORMATS_AS("DEADBEEF", "%08lX", 0xDEADBEEFul);
    FORMATS_AS("   42|42   |", "%*d|%-*d|", 5, 42, 5, 42);
    FORMATS_AS("42   |", "%*d|", -5, 42); /* a negative '*' width left-justifies */
    FORMATS_AS("xy|", "%.*s|", 2, "xyz");
    FORMATS_AS("xyz|", "%.*s|", -1, "xyz"); /* a negative precision counts as none */
    FORMATS_AS("  007|-007|", "%5.3d|%.3d|", 7, -7);
    FORMATS_AS("||    ", "|%.0d|%4.0d", 0, 0);
    FORMATS_AS("  -42|-0042|+42| 42", "%5d|%05d|%+d|% d", -42, -42, 42, 42);
    FORMATS_AS("0x1f|0X1F|017|0", "%#x|%#X|%#o|%#x", 31, 31, 15, 0);
    FORMATS_AS("-1|65535|-128|255", "%hd|%hu|%hhd|%hhu", 65535, 65535, 0x180, 0x1FF);
    FORMATS_AS("4000000000|123", "%lu|%zu", 4000000000ul, (size_t)123);
    FORMATS_AS("0x00000000|0x00001234", "%p|%p", (void *)0, (void *)0x1234);
    FORMATS_AS("    x|x    |", "%5c|%-5c|", 'x', 'x');
    {
        const char *volatile unsupported = "%d%%|%lld|%f"; /* not a literal: no -Wformat */
        char out[32];
        snprintf(out, sizeof out, unsupported, 100);
        CHECK(strcmp(out, "100%|%lld|%f") == 0);
    }
    /* printf itself: a field wider than its 128-byte chunk */
    memset(big, 'q', sizeof big - 1);
    big[sizeof big - 1] = 0;
    CHECK_EQ(printf("%.150s\n", big), 151);
    CHECK_EQ(printf("[%170s]\n", "right"), 173);
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

int main(void)
{
    test_stack_starts_as_garbage();
    test_params();
    test_division();
    test_memory();
    test_strings();
    test_printf_width_and_precision();
    test_gestalt();
    test_ticks();
    return mtb_test_finish();
}
