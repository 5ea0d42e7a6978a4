/*
 * MacPython's `macdnr` module (mactcp-reference 9.4) as a script uses it, through our dnr.c-style
 * glue and the bridge's resolver: every entry point opens the resolver first if needed
 * (OpenResolver(NULL)); StrToAddr/AddrToName/HInfo/MXInfo return a result object at once
 * (storage: a 518-byte returnRec for every query type) whose Pascal result proc marks it done;
 * the object is marked "waiting" only after the call returned cacheFault, so a result proc run
 * before that would be discarded as spurious (counted here: must be 0). wait() spins, isdone()
 * polls; rtnCode, cname, ip0..ip3 / cpuType, osType / preference, exchange are read from it.
 * AddrToStr writes into a 16-byte buffer. Names come from the test's DNS server (standard zone).
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "callback_thunks.h"
#include "common/dnr_glue_link_api.h"
#include "mtb_test.h"

typedef struct py_dnrr {
    struct returnRec rec;
    volatile long done;
    volatile int waiting;
} py_dnrr;

static int resolver_open;
static volatile long spurious;

static OSErr open_resolver(void)
{
    if (resolver_open)
        return noErr;
    OSErr err = OpenResolver(0);
    if (err == noErr)
        resolver_open = 1;
    return err;
}

static void dnr_done(void *rec, char *user_data)
{
    py_dnrr *self = (py_dnrr *)user_data;
    if (rec != &self->rec || !self->waiting) {
        ++spurious;
        return;
    }
    self->waiting = 0;
    self->done = 1;
}
MTB_PASCAL_2L_THUNK(dnr_done_thunk, dnr_done);

/* The module's pattern: issue, then noErr -> done; cacheFault -> waiting; else raise. */
static py_dnrr *finish(py_dnrr *self, OSErr err, OSErr *out)
{
    *out = err;
    if (err == noErr)
        self->done = 1;
    else if (err == cacheFault)
        self->waiting = 1;
    else
        return 0;
    *out = noErr;
    /* A result proc that ran before this point was dropped: the request would never finish. */
    return self;
}

static py_dnrr *new_result(void)
{
    py_dnrr *self = (py_dnrr *)NewPtrClear(sizeof(py_dnrr));
    return self;
}

static py_dnrr *py_StrToAddr(char *name, OSErr *err)
{
    if ((*err = open_resolver()) != noErr)
        return 0;
    py_dnrr *self = new_result();
    return finish(self, StrToAddr(name, (struct hostInfo *)&self->rec, (void *)dnr_done_thunk, (char *)self), err);
}

static py_dnrr *py_AddrToName(unsigned long addr, OSErr *err)
{
    if ((*err = open_resolver()) != noErr)
        return 0;
    py_dnrr *self = new_result();
    return finish(self, AddrToName(addr, (struct hostInfo *)&self->rec, (void *)dnr_done_thunk, (char *)self), err);
}

static py_dnrr *py_HInfo(char *name, OSErr *err)
{
    if ((*err = open_resolver()) != noErr)
        return 0;
    py_dnrr *self = new_result();
    return finish(self, HInfo(name, &self->rec, (void *)dnr_done_thunk, (char *)self), err);
}

static py_dnrr *py_MXInfo(char *name, OSErr *err)
{
    if ((*err = open_resolver()) != noErr)
        return 0;
    py_dnrr *self = new_result();
    return finish(self, MXInfo(name, &self->rec, (void *)dnr_done_thunk, (char *)self), err);
}

static OSErr py_AddrToStr(unsigned long addr, char *out16)
{
    OSErr err = open_resolver();
    if (err != noErr)
        return err;
    AddrToStr(addr, out16);
    return noErr;
}

/* r.wait(): spins until done (bounded); raises rtnCode when it is an error. */
static OSErr r_wait(py_dnrr *r)
{
    if (!dnr_spin(&r->done, 10 * 60))
        return 1;
    return (OSErr)r->rec.rtnCode;
}

int main(void)
{
    OSErr err;
    char text[16];

    /* AddrToStr(addr) */
    CHECK_EQ(py_AddrToStr(0x0A010203, text), noErr);
    CHECK(strcmp(text, "10.1.2.3") == 0);

    /* StrToAddr of a dotted quad: answered at once. */
    py_dnrr *r = py_StrToAddr("192.168.7.9", &err);
    CHECK_EQ(err, noErr);
    if (r) {
        CHECK(r->done);
        CHECK_EQ(r->rec.rtnCode, noErr);
        CHECK_EQ(r->rec.rdata.addr[0], 0xC0A80709);
    }

    /* StrToAddr(name): cacheFault, isdone() 0 or 1, wait(), ip0/ip1, cname with its dot. */
    r = py_StrToAddr("www.test.example", &err);
    CHECK_EQ(err, noErr);
    if (r) {
        CHECK_EQ(r_wait(r), noErr);
        CHECK(r->done);
        unsigned long a = r->rec.rdata.addr[0], b = r->rec.rdata.addr[1];
        CHECK((a == 0x0A010203 && b == 0x0A010204) || (a == 0x0A010204 && b == 0x0A010203));
        CHECK(strcmp(r->rec.cname, "www.test.example.") == 0);
        printf("StrToAddr: %s %08lx %08lx\n", r->rec.cname, a, b);
    }

    /* A name that does not exist: wait() raises. */
    r = py_StrToAddr("nx.test.example", &err);
    CHECK_EQ(err, noErr);
    if (r) {
        err = r_wait(r);
        CHECK(err == authNameErr || err == noAnsErr);
        printf("nx: %d\n", err);
    }

    /* AddrToName */
    r = py_AddrToName(0x0A010203, &err);
    CHECK_EQ(err, noErr);
    if (r) {
        CHECK_EQ(r_wait(r), noErr);
        CHECK(strcmp(r->rec.cname, "www.test.example.") == 0);
    }

    /* HInfo: cpuType, osType */
    r = py_HInfo("www.test.example", &err);
    CHECK_EQ(err, noErr);
    if (r) {
        CHECK_EQ(r_wait(r), noErr);
        CHECK(strcmp(r->rec.rdata.hinfo.cpuType, "MC68040") == 0);
        CHECK(strcmp(r->rec.rdata.hinfo.osType, "MACOS") == 0);
    }

    /* MXInfo: preference, exchange (the most preferred) */
    r = py_MXInfo("test.example", &err);
    CHECK_EQ(err, noErr);
    if (r) {
        CHECK_EQ(r_wait(r), noErr);
        CHECK_EQ(r->rec.rdata.mx.preference, 10);
        CHECK(strncmp(r->rec.rdata.mx.exchange, "mx1.test.example", 16) == 0);
        printf("MXInfo: %u %s\n", r->rec.rdata.mx.preference, r->rec.rdata.mx.exchange);
    }

    dnr_wait_ticks(10);
    CHECK_EQ(spurious, 0);
    CHECK_EQ(CloseResolver(), noErr);
    return mtb_test_finish();
}
