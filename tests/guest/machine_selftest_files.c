/*
 * Machine self-test: PBHGetFInfo (_HGetFileInfo) and PBGetFInfo over the virtual boot volume.
 * The host puts "Alpha" (TEXT, data "alpha-data") and "Beta" (TEXT, "b") in Control Panels
 * and "Hosts" (TEXT, "hosts") in the System Folder. Parameter blocks come from NewPtr, so every
 * field the call does not read holds garbage, as in client code that fills only what it must.
 */
#include "mtb_test.h"
#include "toolbox.h"

/* FindFolder (_AliasDispatch 0xA823, selector 0 in d0). */
static OSErr find_folder(OSType folderType, short *foundVRefNum, long *foundDirID)
{
    register long d0 __asm__("d0") = 0;
    short vref = -32768; /* kOnSystemDisk */
    short result;
    __asm__ volatile("clr.w   -(%%sp)\n\t"
                     "move.w  %2,-(%%sp)\n\t"
                     "move.l  %3,-(%%sp)\n\t"
                     "clr.b   -(%%sp)\n\t"
                     "move.l  %4,-(%%sp)\n\t"
                     "move.l  %5,-(%%sp)\n\t"
                     ".word   0xA823\n\t"
                     "move.w  (%%sp)+,%1"
                     : "+d"(d0), "=d"(result)
                     : "d"(vref), "d"(folderType), "a"(foundVRefNum), "a"(foundDirID)
                     : "d1", "d2", "a0", "a1", "cc", "memory");
    return result;
}

static HFileParam *garbage_pb(void)
{
    /* 80 bytes of pb + 4 of canary: the call must not write past HFileParam. */
    HFileParam *pb = (HFileParam *)NewPtr(sizeof(HFileParam) + 4);
    CHECK_EQ(*(unsigned long *)((char *)pb + sizeof(HFileParam)), MTB_GARBAGE_PATTERN);
    return pb;
}

static int canary_intact(HFileParam *pb)
{
    return *(unsigned long *)((char *)pb + sizeof(HFileParam)) == MTB_GARBAGE_PATTERN;
}

static int pstr_is(const unsigned char *p, const char *c)
{
    return p[0] == strlen(c) && memcmp(p + 1, c, p[0]) == 0;
}

/* Apple dnr.c's SearchFolderForDNRP loop: index from 1, ioDirID put back every time because
 * "PBHGetFInfo() clobbers ioDirID" (it returns the file ID there). */
static void test_index_loop_like_dnr_c(void)
{
    short vref = 0;
    long dir = 0;
    unsigned char name[64];
    HFileParam *pb = garbage_pb();
    int found = 0;
    long file_ids[2] = {0, 0};
    CHECK_EQ(find_folder(MTB_FOURCC('c', 't', 'r', 'l'), &vref, &dir), noErr);
    pb->ioCompletion = 0;
    pb->ioNamePtr = name;
    pb->ioVRefNum = vref;
    pb->ioDirID = dir;
    pb->ioFDirIndex = 1;
    while (PBHGetFInfoSync(pb) == noErr) {
        CHECK_EQ(pb->ioResult, noErr);
        CHECK_EQ(pb->ioFlFndrInfo.fdType, MTB_FOURCC('T', 'E', 'X', 'T'));
        CHECK(pb->ioDirID != dir); /* the file ID */
        if (found < 2)
            file_ids[found] = pb->ioDirID;
        if (pb->ioFDirIndex == 1) {
            CHECK(pstr_is(name, "Alpha"));
            CHECK_EQ(pb->ioFlLgLen, 10);
            CHECK_EQ(pb->ioFlPyLen, 512);
            CHECK_EQ(pb->ioFlRLgLen, 0);
        } else {
            CHECK(pstr_is(name, "Beta"));
            CHECK_EQ(pb->ioFlLgLen, 1);
        }
        CHECK_EQ(pb->ioFlAttrib & 0x10, 0); /* a file, not a folder */
        ++found;
        ++pb->ioFDirIndex;
        pb->ioDirID = dir;
    }
    CHECK_EQ(pb->ioResult, fnfErr);
    CHECK_EQ(found, 2);
    CHECK(file_ids[0] != file_ids[1]);
    CHECK(canary_intact(pb));
    DisposePtr((Ptr)pb);
}

static OSErr by_name(short vref, long dir, const char *cname, HFileParam *pb)
{
    static unsigned char name[256];
    name[0] = (unsigned char)strlen(cname);
    memcpy(name + 1, cname, name[0]);
    pb->ioCompletion = 0;
    pb->ioNamePtr = name;
    pb->ioVRefNum = vref;
    pb->ioDirID = dir;
    pb->ioFDirIndex = 0;
    return PBHGetFInfoSync(pb);
}

static void test_by_name_and_path(void)
{
    short vref = 0;
    long system_dir = 0, panels_dir = 0;
    HFileParam *pb = garbage_pb();
    CHECK_EQ(find_folder(MTB_FOURCC('m', 'a', 'c', 's'), &vref, &system_dir), noErr);
    CHECK_EQ(find_folder(MTB_FOURCC('c', 't', 'r', 'l'), &vref, &panels_dir), noErr);

    CHECK_EQ(by_name(vref, system_dir, "Hosts", pb), noErr);
    CHECK_EQ(pb->ioFlLgLen, 5);
    CHECK_EQ(pb->ioFlFndrInfo.fdCreator, MTB_FOURCC('t', 't', 'x', 't'));
    CHECK_EQ(by_name(vref, system_dir, "hOSTS", pb), noErr); /* names compare without case */
    CHECK_EQ(by_name(vref, panels_dir, "beta", pb), noErr);
    CHECK_EQ(pb->ioFlLgLen, 1);
    CHECK_EQ(by_name(vref, 0, "Any Volume:System Folder:Control Panels:Alpha", pb), noErr);
    CHECK_EQ(pb->ioFlLgLen, 10);
    CHECK_EQ(by_name(vref, system_dir, ":Control Panels:Alpha", pb), noErr);
    CHECK_EQ(by_name(vref, system_dir, "Alpha", pb), fnfErr); /* not in the System Folder */
    CHECK_EQ(pb->ioResult, fnfErr);
    CHECK_EQ(by_name(vref, 0, "Vol:No Such Folder:Alpha", pb), dirNFErr);
    CHECK_EQ(by_name(vref, panels_dir, "Gamma", pb), fnfErr);
    CHECK_EQ(by_name(7, panels_dir, "Alpha", pb), nsvErr); /* only the boot volume exists */
    CHECK(canary_intact(pb));

    /* ioFDirIndex past the last file */
    pb->ioNamePtr = 0;
    pb->ioVRefNum = vref;
    pb->ioDirID = panels_dir;
    pb->ioFDirIndex = 3;
    CHECK_EQ(PBHGetFInfoSync(pb), fnfErr);
    DisposePtr((Ptr)pb);
}

/* PBGetFInfo (MFS): no ioDirID; ioVRefNum 0 is the default directory, the System Folder. */
static void test_mfs_get_file_info(void)
{
    static unsigned char hosts[] = {5, 'H', 'o', 's', 't', 's'};
    HFileParam *pb = garbage_pb();
    pb->ioCompletion = 0;
    pb->ioNamePtr = hosts;
    pb->ioVRefNum = 0;
    pb->ioFDirIndex = 0;
    CHECK_EQ(PBGetFInfoSync(pb), noErr);
    CHECK_EQ(pb->ioFlLgLen, 5);
    DisposePtr((Ptr)pb);
}

int main(void)
{
    test_index_loop_like_dnr_c();
    test_by_name_and_path();
    test_mfs_get_file_info();
    return mtb_test_finish();
}
