/*
 * 50 lookups in flight at once, each completing exactly once; CLOSERESOLVER with a lookup
 * pending (its procedure is never called, even long after); a new open works afterwards.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "callback_thunks.h"
#include "common/dnr_glue.h"
#include "mtb_test.h"

#define COUNT 50

static struct hostInfo infos[COUNT];
static volatile long hits[COUNT];
static volatile long total;

static void result_proc(void *record, char *user_data)
{
    long i = (long)user_data;
    if (i >= 0 && i < COUNT && record == &infos[i])
        ++hits[i];
    ++total;
}
MTB_PASCAL_2L_THUNK(result_thunk, result_proc);

int main(void)
{
    static char names[COUNT][32];
    unsigned long deadline;
    int i;

    CHECK_EQ(OpenResolver(0), noErr);
    for (i = 0; i < COUNT; ++i) {
        snprintf(names[i], sizeof names[i], "host%d.test.example", i);
        CHECK_EQ(StrToAddr(names[i], &infos[i], result_thunk, (char *)(long)i), cacheFault);
    }
    deadline = TickCount() + 10 * 60;
    while (total < COUNT && TickCount() < deadline) {
    }
    dnr_wait_ticks(12); /* a late duplicate would show now */
    CHECK_EQ(total, COUNT);
    for (i = 0; i < COUNT; ++i) {
        CHECK_EQ(hits[i], 1);
        CHECK_EQ(infos[i].rtnCode, 0);
        CHECK_EQ(infos[i].addr[0], 0x0A040000 + i);
    }

    /* CLOSERESOLVER with a lookup pending (the server delays slow names: no answer at all). */
    total = 0;
    CHECK_EQ(StrToAddr("slow.test.example", &infos[0], result_thunk, 0), cacheFault);
    CHECK_EQ(StrToAddr("www.test.example", &infos[1], result_thunk, (char *)1), cacheFault);
    CHECK_EQ(CloseResolver(), noErr);
    dnr_wait_ticks(90); /* longer than the resolver's timeout in this test */
    CHECK_EQ(total, 0);

    CHECK_EQ(OpenResolver(0), noErr);
    CHECK_EQ(StrToAddr("alias.test.example", &infos[2], result_thunk, (char *)2), cacheFault);
    deadline = TickCount() + 5 * 60;
    while (total < 1 && TickCount() < deadline) {
    }
    CHECK_EQ(total, 1);
    CHECK_EQ(hits[2], 2);
    CHECK_EQ(CloseResolver(), noErr);
    return mtb_test_finish();
}
