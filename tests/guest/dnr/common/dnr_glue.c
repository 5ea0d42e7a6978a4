/*
 * See dnr_glue.h. SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "dnr_glue.h"

#include "hostcall.h"
#include "mtb_libc.h"

#define TYPE_DNRP MTB_FOURCC('d', 'n', 'r', 'p')
#define TYPE_CDEV MTB_FOURCC('c', 'd', 'e', 'v')
#define CREATOR_ZTCP MTB_FOURCC('z', 't', 'c', 'p')
#define CREATOR_MTCP MTB_FOURCC('m', 't', 'c', 'p')
#define kControlPanelFolderType MTB_FOURCC('c', 't', 'r', 'l')
#define kSystemFolderType MTB_FOURCC('m', 'a', 'c', 's')
#define kOnSystemDisk (-32768)
#define fsRdPerm 1

typedef long (*DnrEntry)(long, long, long, long, long);
static Handle code;
static DnrEntry entry;

/* --- Toolbox traps, Pascal convention: push left to right, the callee pops. -------------- */
#define PASCAL_CLOBBERS "d1", "d2", "a0", "a1", "cc", "memory"

OSErr FindFolder(short vRefNum, OSType folderType, Boolean create, short *foundVRefNum, long *foundDirID)
{
    register long d0 __asm__("d0") = 0; /* _AliasDispatch selector: FindFolder */
    short result;
    __asm__ volatile("clr.w   -(%%sp)\n\t"
                     "move.w  %2,-(%%sp)\n\t"
                     "move.l  %3,-(%%sp)\n\t"
                     "move.b  %4,-(%%sp)\n\t"
                     "move.l  %5,-(%%sp)\n\t"
                     "move.l  %6,-(%%sp)\n\t"
                     ".word   0xA823\n\t"
                     "move.w  (%%sp)+,%1"
                     : "+d"(d0), "=d"(result)
                     : "d"(vRefNum), "d"(folderType), "d"(create), "a"(foundVRefNum), "a"(foundDirID)
                     : PASCAL_CLOBBERS);
    return result;
}

short HOpenResFile(short vRefNum, long dirID, const unsigned char *fileName, char permission)
{
    short result;
    __asm__ volatile("clr.w   -(%%sp)\n\t"
                     "move.w  %1,-(%%sp)\n\t"
                     "move.l  %2,-(%%sp)\n\t"
                     "move.l  %3,-(%%sp)\n\t"
                     "move.b  %4,-(%%sp)\n\t"
                     ".word   0xA81A\n\t"
                     "move.w  (%%sp)+,%0"
                     : "=d"(result)
                     : "d"(vRefNum), "d"(dirID), "a"(fileName), "d"(permission)
                     : "d0", PASCAL_CLOBBERS);
    return result;
}

#define IND_RESOURCE(fn, word)                                                        \
    Handle fn(OSType type, short index)                                               \
    {                                                                                 \
        Handle result;                                                                \
        __asm__ volatile("clr.l   -(%%sp)\n\t"                                        \
                         "move.l  %1,-(%%sp)\n\t"                                     \
                         "move.w  %2,-(%%sp)\n\t"                                     \
                         ".word   " #word "\n\t"                                      \
                         "move.l  (%%sp)+,%0"                                         \
                         : "=a"(result)                                               \
                         : "d"(type), "d"(index)                                      \
                         : "d0", PASCAL_CLOBBERS);                                    \
        return result;                                                                \
    }
IND_RESOURCE(GetIndResource, 0xA99D)
IND_RESOURCE(Get1IndResource, 0xA80E)

#define HANDLE_PROC(fn, word)                                                         \
    void fn(Handle h)                                                                 \
    {                                                                                 \
        __asm__ volatile("move.l  %0,-(%%sp)\n\t"                                     \
                         ".word   " #word                                             \
                         :                                                            \
                         : "a"(h)                                                     \
                         : "d0", PASCAL_CLOBBERS);                                    \
    }
HANDLE_PROC(DetachResource, 0xA992)
HANDLE_PROC(ReleaseResource, 0xA9A3)

void CloseResFile(short refNum)
{
    __asm__ volatile("move.w  %0,-(%%sp)\n\t"
                     ".word   0xA99A"
                     :
                     : "d"(refNum)
                     : "d0", PASCAL_CLOBBERS);
}

#define SHORT_FUNC(fn, word)                                                          \
    short fn(void)                                                                    \
    {                                                                                 \
        short result;                                                                 \
        __asm__ volatile("clr.w   -(%%sp)\n\t"                                        \
                         ".word   " #word "\n\t"                                      \
                         "move.w  (%%sp)+,%0"                                         \
                         : "=d"(result)                                               \
                         :                                                            \
                         : "d0", PASCAL_CLOBBERS);                                    \
        return result;                                                                \
    }
SHORT_FUNC(CurResFile, 0xA994)
SHORT_FUNC(ResError, 0xA9AF)

void MoveHHi(Handle h)
{
    register Handle a0 __asm__("a0") = h;
    __asm__ volatile(".word 0xA064" : "+a"(a0) : : "d0", "d1", "a1", "cc", "memory");
}

/* PBGetCatInfo: _HFSDispatch (0xA260) selector 9, HFileInfo (Inside Macintosh: Files). */
typedef struct HFileInfo {
    char header[18];
    StringPtr ioNamePtr;   /* 18 */
    short ioVRefNum;       /* 22 */
    short ioFRefNum;       /* 24 */
    char ioFVersNum;       /* 26 */
    char filler1;          /* 27 */
    short ioFDirIndex;     /* 28 */
    char ioFlAttrib;       /* 30 */
    char ioACUser;         /* 31 */
    OSType fdType;         /* 32: ioFlFndrInfo */
    OSType fdCreator;      /* 36 */
    char fndrRest[8];      /* 40 */
    long ioDirID;          /* 48 */
    char rest[56];         /* 52..107 */
} HFileInfo;
_Static_assert(offsetof(HFileInfo, ioDirID) == 48, "ioDirID");
_Static_assert(sizeof(HFileInfo) == 108, "HFileInfo");

static OSErr PBGetCatInfoSync(HFileInfo *pb)
{
    register HFileInfo *a0 __asm__("a0") = pb;
    register long d0 __asm__("d0") = 9;
    __asm__ volatile(".word 0xA260" : "+a"(a0), "+d"(d0) : : "d1", "a1", "cc", "memory");
    return (OSErr)d0;
}

/* --- finding the resource (8.1) ------------------------------------------------------- */

/* Opens each file of type/creator in the folder until one holds a 'dnrp'; its refnum or -1. */
static short search_folder(OSType folder_type, OSType creator, int one_deep)
{
    short vref;
    long dir;
    short index;
    if (FindFolder(kOnSystemDisk, folder_type, 0, &vref, &dir) != noErr)
        return -1;
    for (index = 1;; ++index) {
        unsigned char name[64];
        HFileInfo pb;
        short ref;
        memset(&pb, 0, sizeof pb);
        pb.ioNamePtr = name;
        pb.ioVRefNum = vref;
        pb.ioDirID = dir;
        pb.ioFDirIndex = index;
        if (PBGetCatInfoSync(&pb) != noErr)
            return -1;
        if (pb.fdType != TYPE_CDEV || pb.fdCreator != creator)
            continue;
        ref = HOpenResFile(vref, dir, name, fsRdPerm);
        if (ref == -1)
            continue;
        if ((one_deep ? Get1IndResource(TYPE_DNRP, 1) : GetIndResource(TYPE_DNRP, 1)) != 0)
            return ref;
        CloseResFile(ref);
    }
}

OSErr dnr_load(enum DnrSearch how, int *found_in_file)
{
    short ref;
    Handle h;
    if (how == kSearchPuTTY) {
        ref = search_folder(kControlPanelFolderType, CREATOR_ZTCP, 1);
        if (ref == -1)
            return fnfErr;
        h = Get1IndResource(TYPE_DNRP, 1);
    } else {
        ref = search_folder(kControlPanelFolderType, CREATOR_ZTCP, 0);
        if (ref == -1)
            ref = search_folder(kSystemFolderType, CREATOR_MTCP, 0);
        if (ref == -1)
            ref = search_folder(kControlPanelFolderType, CREATOR_MTCP, 0);
        /* Whatever happened: the first 'dnrp' of the whole open chain (8.1 step 5). */
        h = GetIndResource(TYPE_DNRP, 1);
    }
    if (found_in_file)
        *found_in_file = ref != -1;
    if (h == 0) {
        OSErr err = ResError();
        if (ref != -1)
            CloseResFile(ref);
        return err ? err : -192; /* resNotFound */
    }
    DetachResource(h);
    if (ref != -1)
        CloseResFile(ref);
    MoveHHi(h);
    HLock(h);
    code = h;
    entry = (DnrEntry)*h; /* byte 0 of the resource is the entry point (8.1 step 6) */
    return noErr;
}

void dnr_unload(void)
{
    if (code) {
        HUnlock(code);
        DisposeHandle(code);
    }
    code = 0;
    entry = 0;
}

OSErr dnr_call(long selector, long a1, long a2, long a3, long a4)
{
    return (OSErr)entry(selector, a1, a2, a3, a4);
}

OSErr OpenResolver(char *hosts_file)
{
    OSErr err;
    if (entry)
        return noErr;
    err = dnr_load(kSearchDnrC, 0);
    if (err)
        return err;
    err = dnr_call(OPENRESOLVER, (long)hosts_file, 0, 0, 0);
    if (err)
        dnr_unload();
    return err;
}

OSErr CloseResolver(void)
{
    if (!entry)
        return notOpenErr;
    dnr_call(CLOSERESOLVER, 0, 0, 0, 0);
    dnr_unload();
    return noErr;
}

OSErr StrToAddr(char *name, struct hostInfo *info, void *proc, char *user_data)
{
    return entry ? dnr_call(STRTOADDR, (long)name, (long)info, (long)proc, (long)user_data) : notOpenErr;
}
OSErr AddrToStr(unsigned long addr, char *out)
{
    if (!entry)
        return notOpenErr;
    dnr_call(ADDRTOSTR, (long)addr, (long)out, 0, 0);
    return noErr; /* the glue ignores the result (8.2) */
}
OSErr EnumCache(void *proc, char *user_data)
{
    return entry ? dnr_call(ENUMCACHE, (long)proc, (long)user_data, 0, 0) : notOpenErr;
}
OSErr AddrToName(unsigned long addr, struct hostInfo *info, void *proc, char *user_data)
{
    return entry ? dnr_call(ADDRTONAME, (long)addr, (long)info, (long)proc, (long)user_data) : notOpenErr;
}
OSErr HInfo(char *name, struct returnRec *rec, void *proc, char *user_data)
{
    return entry ? dnr_call(HINFO, (long)name, (long)rec, (long)proc, (long)user_data) : notOpenErr;
}
OSErr MXInfo(char *name, struct returnRec *rec, void *proc, char *user_data)
{
    return entry ? dnr_call(MXINFO, (long)name, (long)rec, (long)proc, (long)user_data) : notOpenErr;
}

int dnr_spin(volatile long *flag, unsigned long ticks)
{
    unsigned long deadline = TickCount() + ticks;
    while (!*flag) {
        if (TickCount() > deadline)
            return 0;
    }
    return 1;
}

void dnr_wait_ticks(unsigned long ticks)
{
    unsigned long until = TickCount() + ticks;
    while (TickCount() < until)
        mtb_idle(20);
}
