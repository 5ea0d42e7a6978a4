/*
 * Bad input to the 'dnrp' code: calls before OPENRESOLVER, unknown selectors, host names not
 * NUL-terminated within RAM, records and names outside RAM. Each gets a DNR error (or
 * notOpenErr) and nothing crashes; the resolver still works afterwards.
 * Parameters: ram_size (bytes of guest RAM).
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "callback_thunks.h"
#include "common/dnr_glue.h"
#include "mtb_test.h"

static volatile long calls;
static void result_proc(void *record, char *user_data)
{
    (void)record;
    (void)user_data;
    ++calls;
}
MTB_PASCAL_2L_THUNK(result_thunk, result_proc);

int main(void)
{
    static struct hostInfo info;
    static struct returnRec rec;
    unsigned long ram_end = (unsigned long)mtb_param("ram_size");
    long sel;

    CHECK_EQ(dnr_load(kSearchDnrC, 0), noErr);
    /* Before OPENRESOLVER: notOpenErr from every selector. */
    for (sel = CLOSERESOLVER; sel <= MXINFO; ++sel)
        CHECK_EQ(dnr_call(sel, (long)"www.test.example", (long)&info, (long)result_thunk, 0), notOpenErr);
    CHECK_EQ(dnr_call(OPENRESOLVER, 0, 0, 0, 0), noErr);

    /* Unknown selectors. */
    CHECK_EQ(dnr_call(0, 0, 0, 0, 0), dnrErr);
    CHECK_EQ(dnr_call(9, 0, 0, 0, 0), dnrErr);
    CHECK_EQ(dnr_call(-1, 0, 0, 0, 0), dnrErr);
    CHECK_EQ(dnr_call(0x10003, 0, 0, 0, 0), dnrErr);

    /* A name that runs into the end of RAM without a NUL (the stack's top is above it, so use
     * the last bytes below the end that hold no NUL: write them ourselves). */
    {
        char *tail = (char *)(ram_end - 8);
        char saved[8];
        int i;
        for (i = 0; i < 8; ++i) {
            saved[i] = tail[i];
            tail[i] = 'x';
        }
        CHECK_EQ(StrToAddr(tail, &info, result_thunk, 0), nameSyntaxErr);
        CHECK_EQ(info.rtnCode, nameSyntaxErr);
        CHECK_EQ(HInfo(tail, &rec, result_thunk, 0), nameSyntaxErr);
        for (i = 0; i < 8; ++i)
            tail[i] = saved[i];
    }
    /* Names and records outside RAM. */
    CHECK_EQ(StrToAddr((char *)ram_end, &info, result_thunk, 0), nameSyntaxErr);
    CHECK_EQ(StrToAddr((char *)0xFFFFFFF0, &info, result_thunk, 0), nameSyntaxErr);
    CHECK_EQ(StrToAddr("www.test.example", (struct hostInfo *)ram_end, result_thunk, 0), dnrErr);
    CHECK_EQ(StrToAddr("www.test.example", (struct hostInfo *)(ram_end - 100), result_thunk, 0), dnrErr);
    CHECK_EQ(AddrToName(0x0A010203, (struct hostInfo *)0xFFFFFF00, result_thunk, 0), dnrErr);
    CHECK_EQ(MXInfo("test.example", (struct returnRec *)(ram_end - 300), result_thunk, 0), dnrErr);
    CHECK_EQ(dnr_call(ADDRTOSTR, 0x01020304, (long)ram_end, 0, 0), dnrErr);
    dnr_wait_ticks(20);
    CHECK_EQ(calls, 0);

    /* Still working. */
    CHECK_EQ(StrToAddr("9.8.7.6", &info, 0, 0), noErr);
    CHECK_EQ(info.addr[0], 0x09080706);
    CHECK_EQ(dnr_call(CLOSERESOLVER, 0, 0, 0, 0), noErr);
    dnr_unload();
    return mtb_test_finish();
}
