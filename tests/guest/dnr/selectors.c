/*
 * Every DNR selector through our 'dnrp' code and the real plugin, against the test's DNS server
 * (tests/dns standard zone): immediate answers (dotted quads with a NIL result procedure, cached
 * names), cacheFault then exactly one result-procedure call that comes only after the call
 * returned, a PuTTY-style spin on a flag the procedure sets, canonical names with the trailing
 * dot, up to 4 addresses, ADDRTOSTR, ADDRTONAME, HINFO, MXINFO, ENUMCACHE and error codes.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "callback_thunks.h"
#include "common/dnr_glue.h"
#include "mtb_test.h"

#define TIMEOUT_TICKS (10 * 60)

static volatile long returned;   /* set by the test right after the DNR call returns */
static volatile long done;       /* set by the result procedure */
static volatile long calls;
static volatile long early;      /* procedure calls seen before the call had returned */
static void *volatile last_record;
static char *volatile last_user;
static volatile unsigned long last_a5;

static void result_proc(void *record, char *user_data)
{
    ++calls;
    if (!returned)
        ++early;
    last_record = record;
    last_user = user_data;
    last_a5 = (unsigned long)LMCurrentA5; /* the machine keeps CurrentA5 = our A5 */
    done = 1;
}
MTB_PASCAL_2L_THUNK(result_thunk, result_proc);

static struct cacheEntryRecord seen[16];
static char seen_names[16][64];
static volatile long enum_calls;
static void enum_proc(void *entry, char *user_data)
{
    struct cacheEntryRecord *e = entry;
    if (enum_calls < 16 && user_data == (char *)0x5EED) {
        seen[enum_calls] = *e;
        int n;
        for (n = 0; n < 63 && e->cname[n]; ++n) /* valid only during the call */
            seen_names[enum_calls][n] = e->cname[n];
        seen_names[enum_calls][n] = 0;
    }
    ++enum_calls;
}
MTB_PASCAL_2L_THUNK(enum_thunk, enum_proc);

static void arm(void)
{
    returned = 0;
    done = 0;
}

static unsigned short mask_interrupts(void)
{
    unsigned short sr;
    __asm__ volatile("move.w %%sr,%0\n\tori.w #0x0700,%%sr" : "=d"(sr) : : "cc");
    return sr;
}

static void restore_sr(unsigned short sr) { __asm__ volatile("move.w %0,%%sr" : : "d"(sr) : "cc"); }

/* Issues a lookup that must return cacheFault, then spins (PuTTY) until the procedure ran.
 * The procedure runs at interrupt time once the answer is in: from a test DNS server on
 * loopback that can be before this function's next statement, so interrupts are masked from
 * the call until `returned` is set and the record's immediate rtnCode read. A procedure called
 * from inside the call itself (not from the interrupt) still counts as early. */
static OSErr async_call(long selector, const char *name, void *record, char *user)
{
    OSErr err;
    long before = calls;
    long immediate;
    unsigned short sr;
    arm();
    sr = mask_interrupts();
    err = dnr_call(selector, (long)name, (long)record, (long)result_thunk, (long)user);
    returned = 1;
    immediate = *(long *)record;
    restore_sr(sr);
    CHECK_EQ(err, cacheFault);
    CHECK_EQ(immediate, cacheFault); /* rtnCode mirrors the immediate result */
    CHECK(dnr_spin(&done, TIMEOUT_TICKS));
    CHECK_EQ(calls, before + 1);
    CHECK(last_record == record);
    CHECK(last_user == user);
    return (OSErr) * (long *)record;
}

int main(void)
{
    static struct hostInfo info;
    static struct returnRec rec;
    static char text[32];
    int i;

    CHECK_EQ(OpenResolver(0), noErr);

    /* Dotted quad, NIL result procedure (NCSA inet_addr): at once, empty cname, no call. */
    memset(&info, 0x55, sizeof info);
    CHECK_EQ(StrToAddr("10.20.30.40", &info, 0, 0), noErr);
    CHECK_EQ(info.rtnCode, 0);
    CHECK_EQ(info.cname[0], 0);
    CHECK_EQ(info.addr[0], 0x0A141E28);
    CHECK_EQ(info.addr[1], 0);

    /* A name: cacheFault, later exactly one call, with our A5. */
    CHECK_EQ(async_call(STRTOADDR, "www.test.example", &info, (char *)0x1234), noErr);
    CHECK(strcmp(info.cname, "www.test.example.") == 0);
    CHECK((info.addr[0] == 0x0A010203 && info.addr[1] == 0x0A010204) ||
          (info.addr[0] == 0x0A010204 && info.addr[1] == 0x0A010203));
    CHECK_EQ(info.addr[2], 0);
    CHECK_EQ(last_a5, (unsigned long)LMCurrentA5);

    /* Now cached: answered at once, NIL procedure fine, no call. */
    memset(&info, 0, sizeof info);
    CHECK_EQ(StrToAddr("www.test.example", &info, 0, 0), noErr);
    CHECK(strcmp(info.cname, "www.test.example.") == 0);
    CHECK(info.addr[0] != 0);
    CHECK_EQ(calls, 1);

    /* CNAME: the canonical name; a host with 6 addresses: 4 of them. */
    CHECK_EQ(async_call(STRTOADDR, "alias.test.example", &info, 0), noErr);
    CHECK(strcmp(info.cname, "www.test.example.") == 0);
    CHECK_EQ(async_call(STRTOADDR, "many.test.example.", &info, 0), noErr);
    for (i = 0; i < 4; ++i)
        CHECK_EQ(info.addr[i] & 0xFFFFFF00, 0x0A020000);

    /* Errors: unknown host, no answer, a query needed without a procedure, bad syntax. */
    CHECK_EQ(async_call(STRTOADDR, "nx.test.example", &info, 0), authNameErr);
    CHECK_EQ(async_call(STRTOADDR, "slow.test.example", &info, 0), noAnsErr);
    CHECK_EQ(StrToAddr("other.test.example", &info, 0, 0), noResultProc);
    CHECK_EQ(info.rtnCode, noResultProc);
    CHECK_EQ(StrToAddr("a..b", &info, result_thunk, 0), nameSyntaxErr);

    /* ADDRTOSTR. */
    CHECK_EQ(AddrToStr(0xC0A80001, text), noErr);
    CHECK(strcmp(text, "192.168.0.1") == 0);

    /* ADDRTONAME: always a query. */
    CHECK_EQ(async_call(ADDRTONAME, (const char *)0x0A010203, &info, 0), noErr);
    CHECK(strcmp(info.cname, "www.test.example.") == 0);
    CHECK_EQ(info.addr[0], 0x0A010203);

    /* HINFO and MXINFO. */
    CHECK_EQ(async_call(HINFO, "www.test.example", &rec, 0), noErr);
    CHECK(strcmp(rec.rdata.hinfo.cpuType, "MC68040") == 0);
    CHECK(strcmp(rec.rdata.hinfo.osType, "MACOS") == 0);
    CHECK_EQ(async_call(MXINFO, "test.example", &rec, 0), noErr);
    CHECK_EQ(rec.rdata.mx.preference, 10);
    CHECK(strcmp(rec.rdata.mx.exchange, "mx1.test.example.") == 0);
    CHECK_EQ(MXInfo("test.example", &rec, 0, 0), noErr); /* cached */

    /* ENUMCACHE: synchronously, one call per record, before the call returns. */
    enum_calls = 0;
    CHECK_EQ(EnumCache(enum_thunk, (char *)0x5EED), noErr);
    CHECK(enum_calls >= 6); /* www x2, alias CNAME, many x4 */
    {
        int found_a = 0, found_cname = 0;
        for (i = 0; i < enum_calls && i < 16; ++i) {
            if (seen[i].type == 1 && strcmp(seen_names[i], "www.test.example.") == 0 &&
                (seen[i].rdata == 0x0A010203 || seen[i].rdata == 0x0A010204)) {
                ++found_a;
                CHECK(seen[i].ttl > 0 && seen[i].ttl <= 300);
            }
            if (seen[i].type == 5 && strcmp(seen_names[i], "alias.test.example.") == 0)
                ++found_cname;
            CHECK_EQ(seen[i].cacheClass, 1);
        }
        CHECK_EQ(found_a, 2);
        CHECK_EQ(found_cname, 1);
    }

    CHECK_EQ(early, 0);
    CHECK_EQ(CloseResolver(), noErr);
    return mtb_test_finish();
}
