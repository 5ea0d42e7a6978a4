/*
 * Finding the resolver the way applications do (mactcp-reference 8.1), in the machine's virtual
 * Control Panels folder / System file, then opening and closing it.
 * Parameters: in_cdev (1: the cdev is in Control Panels, 0: the 'dnrp' is only in the System
 * file, i.e. found through the open resource chain).
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "common/dnr_glue.h"
#include "mtb_test.h"

int main(void)
{
    long in_cdev = mtb_param("in_cdev");
    int from_file = -1;
    struct hostInfo info;
    short before = CurResFile();

    /* Apple's order: Control Panels 'cdev'/'ztcp', System Folder and Control Panels 'mtcp',
     * then GetIndResource('dnrp', 1) across the whole chain. */
    CHECK_EQ(dnr_load(kSearchDnrC, &from_file), noErr);
    CHECK_EQ(from_file, in_cdev);
    CHECK_EQ(CurResFile(), before); /* the cdev was closed again */
    /* Not opened yet: every selector answers notOpenErr. */
    CHECK_EQ(dnr_call(STRTOADDR, (long)"1.2.3.4", (long)&info, 0, 0), notOpenErr);
    CHECK_EQ(dnr_call(OPENRESOLVER, 0, 0, 0, 0), noErr);
    memset(&info, 0, sizeof info);
    CHECK_EQ(dnr_call(STRTOADDR, (long)"1.2.3.4", (long)&info, 0, 0), noErr);
    CHECK_EQ(info.addr[0], 0x01020304);
    CHECK_EQ(dnr_call(CLOSERESOLVER, 0, 0, 0, 0), noErr);
    dnr_unload();

    /* PuTTY's way: Control Panels 'cdev'/'ztcp' only, Get1IndResource. */
    CHECK_EQ(dnr_load(kSearchPuTTY, &from_file) == noErr, in_cdev);
    if (in_cdev)
        dnr_unload();

    /* The glue's own entry points, twice (load, open, close, dispose each time). */
    CHECK_EQ(OpenResolver(0), noErr);
    CHECK_EQ(CloseResolver(), noErr);
    CHECK_EQ(OpenResolver(0), noErr);
    CHECK_EQ(AddrToStr(0x7F000001, (char *)info.cname), noErr);
    CHECK(strcmp(info.cname, "127.0.0.1") == 0);
    CHECK_EQ(CloseResolver(), noErr);
    CHECK_EQ(StrToAddr("1.2.3.4", &info, 0, 0), notOpenErr);
    return mtb_test_finish();
}
