/*
 * Our own dnr.c-style glue (written from mactcp-reference 8.1-8.4, not copied): finds the
 * 'dnrp' resource the way applications do, loads it into a locked handle and calls its byte 0
 * with the C convention and a 32-bit selector. Plus the Folder/File/Resource Manager calls it
 * needs, as A-line traps with the Pascal convention.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef MTB_DNR_GLUE_H
#define MTB_DNR_GLUE_H

#include "toolbox.h"

/* Records of mactcp-reference 8.3 (GCC's m68k ABI aligns like mac68k here). */
struct hostInfo {
    long rtnCode;
    char cname[255];
    unsigned long addr[4];
};
struct returnRec {
    long rtnCode;
    char cname[255];
    union {
        unsigned long addr[4];
        struct {
            char cpuType[30];
            char osType[30];
        } hinfo;
        struct {
            unsigned short preference;
            char exchange[255];
        } mx;
    } rdata;
};
struct cacheEntryRecord {
    char *cname;
    unsigned short type;
    unsigned short cacheClass;
    unsigned long ttl;
    unsigned long rdata;
};
_Static_assert(sizeof(struct hostInfo) == 276, "hostInfo");
_Static_assert(offsetof(struct hostInfo, addr) == 260, "hostInfo.addr");
_Static_assert(sizeof(struct returnRec) == 518, "returnRec");
_Static_assert(offsetof(struct returnRec, rdata.hinfo.osType) == 290, "osType");
_Static_assert(offsetof(struct returnRec, rdata.mx.exchange) == 262, "exchange");
_Static_assert(sizeof(struct cacheEntryRecord) == 16, "cacheEntryRecord");

enum {
    OPENRESOLVER = 1, CLOSERESOLVER, STRTOADDR, ADDRTOSTR, ENUMCACHE, ADDRTONAME, HINFO, MXINFO
};
enum {
    nameSyntaxErr = -23041, cacheFault = -23042, noResultProc = -23043, noNameServer = -23044,
    authNameErr = -23045, noAnsErr = -23046, dnrErr = -23047, outOfMemory = -23048
};

/* Where the glue looks (8.1): the dnr.c order, or PuTTY's (Control Panels 'ztcp' only, with
 * Get1IndResource). */
enum DnrSearch { kSearchDnrC, kSearchPuTTY };

/* Finds and loads the resolver code without calling it; 0 or an error (resNotFound...).
 * *found_in_file tells whether it came from a searched file (1) or the open chain (0). */
OSErr dnr_load(enum DnrSearch how, int *found_in_file);
void dnr_unload(void);
/* The raw entry point: any selector, four argument longs (unused ones are ignored). */
OSErr dnr_call(long selector, long a1, long a2, long a3, long a4);

/* The glue's entry points (notOpenErr before OpenResolver, as dnr.c does). */
OSErr OpenResolver(char *hosts_file);
OSErr CloseResolver(void);
OSErr StrToAddr(char *name, struct hostInfo *info, void *result_proc, char *user_data);
OSErr AddrToStr(unsigned long addr, char *out);
OSErr EnumCache(void *enum_proc, char *user_data);
OSErr AddrToName(unsigned long addr, struct hostInfo *info, void *result_proc, char *user_data);
OSErr HInfo(char *name, struct returnRec *rec, void *result_proc, char *user_data);
OSErr MXInfo(char *name, struct returnRec *rec, void *result_proc, char *user_data);

/* Toolbox calls (Pascal stack convention). */
OSErr FindFolder(short vRefNum, OSType folderType, Boolean create, short *foundVRefNum, long *foundDirID);
short HOpenResFile(short vRefNum, long dirID, const unsigned char *fileName, char permission);
Handle GetIndResource(OSType type, short index);
Handle Get1IndResource(OSType type, short index);
void DetachResource(Handle h);
void ReleaseResource(Handle h);
void CloseResFile(short refNum);
short CurResFile(void);
OSErr ResError(void);
void MoveHHi(Handle h);

/* Waits (spinning, interrupts on) until *flag is nonzero; 0 on timeout. */
int dnr_spin(volatile long *flag, unsigned long ticks);
/* Lets `ticks` ticks pass with interrupts on (callbacks that should not come have their chance). */
void dnr_wait_ticks(unsigned long ticks);

#endif
