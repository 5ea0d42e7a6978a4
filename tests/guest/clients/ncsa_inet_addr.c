/*
 * NCSA socket library, inet_addr() and gethostbyname() (client-call-sequences 3): inet_addr
 * calls StrToAddr(addr, &h, NULL, NULL) -- no result proc -- and expects a dotted quad answered
 * synchronously with an empty cname; gethostbyname calls StrToAddr with a result proc, spins
 * while cacheFault, and strips the trailing dot of cname.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "callback_thunks.h"
#include "common/dnr_glue_link_api.h"
#include "mtb_test.h"

#define INADDR_NONE 0xFFFFFFFFUL

static unsigned long inet_addr(char *text)
{
    struct hostInfo h;
    memset(&h, 0x55, sizeof h);
    if (StrToAddr(text, &h, 0, 0) != noErr || h.rtnCode != noErr || h.cname[0] != 0)
        return INADDR_NONE;
    return h.addr[0];
}

static volatile long lookup_done;
static void dnr_done(void *info, char *user_data)
{
    (void)info;
    (void)user_data;
    lookup_done = 1;
}
MTB_PASCAL_2L_THUNK(dnr_done_thunk, dnr_done);

static unsigned long gethostbyname(char *name, char *canonical, int size)
{
    static struct hostInfo h;
    memset(&h, 0, sizeof h);
    lookup_done = 0;
    OSErr err = StrToAddr(name, &h, (void *)dnr_done_thunk, 0);
    if (err == cacheFault) {
        if (!dnr_spin(&lookup_done, 10 * 60))
            return INADDR_NONE;
        err = (OSErr)h.rtnCode;
    }
    if (err != noErr)
        return INADDR_NONE;
    int n = (int)strlen(h.cname);
    if (n > 0 && h.cname[n - 1] == '.')
        h.cname[--n] = 0;
    if (n < size)
        strcpy(canonical, h.cname);
    return h.addr[0];
}

int main(void)
{
    CHECK_EQ(OpenResolver(0), noErr);
    CHECK_EQ(inet_addr("127.0.0.1"), 0x7F000001);
    CHECK_EQ(inet_addr("10.1.2.3"), 0x0A010203);
    CHECK_EQ(inet_addr("255.255.255.254"), 0xFFFFFFFE);
    /* A name is no address: with no result proc the resolver cannot answer it later. */
    CHECK_EQ(inet_addr("www.test.example"), INADDR_NONE);

    char canonical[256];
    unsigned long a = gethostbyname("alias.test.example", canonical, sizeof canonical);
    CHECK(a == 0x0A010203 || a == 0x0A010204);
    CHECK(strcmp(canonical, "www.test.example") == 0);
    printf("gethostbyname: %s %08lx\n", canonical, a);
    CHECK_EQ(gethostbyname("nx.test.example", canonical, sizeof canonical), INADDR_NONE);
    CHECK_EQ(CloseResolver(), noErr);
    return mtb_test_finish();
}
