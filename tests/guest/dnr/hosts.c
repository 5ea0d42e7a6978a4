/*
 * OPENRESOLVER's hosts-file argument: NIL reads "Hosts" in the System Folder, a path reads that
 * file; their records are answered at once (no query, no result procedure). A missing file is
 * no error. The machine's System Folder holds "Hosts" and "Lab Hosts" (see dnr_test.cpp).
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "common/dnr_glue.h"
#include "mtb_test.h"

int main(void)
{
    static struct hostInfo info;

    CHECK_EQ(OpenResolver(0), noErr);
    CHECK_EQ(StrToAddr("printer.lab", &info, 0, 0), noErr);
    CHECK_EQ(info.addr[0], 0x0A090807);
    CHECK(strcmp(info.cname, "printer.lab.") == 0);
    CHECK_EQ(StrToAddr("laser", &info, 0, 0), noErr); /* CNAME laser -> printer.lab */
    CHECK(strcmp(info.cname, "printer.lab.") == 0);
    CHECK_EQ(info.addr[0], 0x0A090807);
    CHECK_EQ(StrToAddr("bench.lab", &info, 0, 0), noResultProc); /* only in "Lab Hosts" */
    CHECK_EQ(CloseResolver(), noErr);

    CHECK_EQ(OpenResolver("Macintosh HD:System Folder:Lab Hosts"), noErr);
    CHECK_EQ(StrToAddr("bench.lab", &info, 0, 0), noErr);
    CHECK_EQ(info.addr[0], 0x0A0A0A01);
    CHECK_EQ(info.addr[1], 0x0A0A0A02);
    CHECK_EQ(CloseResolver(), noErr);

    CHECK_EQ(OpenResolver("Macintosh HD:Nowhere:Missing"), noErr);
    CHECK_EQ(CloseResolver(), noErr);
    return mtb_test_finish();
}
