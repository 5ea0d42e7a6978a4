/*
 * The slice of the Macintosh Toolbox/OS the test machine implements, as guest-side glue:
 * A-line traps through inline assembly (GCC has no `pascal` or trap keywords).
 * Names follow Inside Macintosh so client-style code reads like the real thing.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef MTB_TOOLBOX_H
#define MTB_TOOLBOX_H

#include <stddef.h>

typedef signed short OSErr;
typedef char *Ptr;
typedef Ptr *Handle;
typedef long Size;
typedef unsigned long OSType;
typedef unsigned char Boolean;
typedef unsigned char *StringPtr;
typedef void (*ProcPtr)(void);

enum {
    noErr = 0,
    controlErr = -17,
    statusErr = -18,
    readErr = -19,
    writErr = -20,
    badUnitErr = -21,
    unitEmptyErr = -22,
    openErr = -23,
    closErr = -24,
    abortErr = -27,
    notOpenErr = -28,
    nsvErr = -35,
    fnfErr = -43,
    paramErr = -50,
    dirNFErr = -120,
    memFullErr = -108,
    nilHandleErr = -109,
    memWZErr = -111,
    gestaltUndefSelectorErr = -5551
};

/* ioTrap bits the Device Manager stores in every parameter block. */
enum { kIOTrapImmediate = 0x0200, kIOTrapAsync = 0x0400 };
enum { killCode = 1 };

/* Inside Macintosh: Files/Devices. Offsets are pinned below; mac68k alignment. */
typedef struct IOParam {
    void *qLink;              /* 0 */
    short qType;              /* 4 */
    short ioTrap;             /* 6 */
    Ptr ioCmdAddr;            /* 8 */
    ProcPtr ioCompletion;     /* 12: Device Manager convention: a0 = pb, d0 = result */
    volatile OSErr ioResult;  /* 16: 1 while in progress */
    StringPtr ioNamePtr;      /* 18 */
    short ioVRefNum;          /* 22 */
    short ioRefNum;           /* 24 */
    char ioVersNum;           /* 26 */
    char ioPermssn;           /* 27 */
    Ptr ioMisc;               /* 28 */
    Ptr ioBuffer;             /* 32 */
    long ioReqCount;          /* 36 */
    long ioActCount;          /* 40 */
    short ioPosMode;          /* 44 */
    long ioPosOffset;         /* 46 */
} IOParam;                    /* 50 */

typedef struct CntrlParam {
    void *qLink;
    short qType;
    short ioTrap;
    Ptr ioCmdAddr;
    ProcPtr ioCompletion;
    volatile OSErr ioResult;
    StringPtr ioNamePtr;
    short ioVRefNum;
    short ioCRefNum;          /* 24 */
    short csCode;             /* 26 */
    short csParam[11];        /* 28 */
} CntrlParam;                 /* 50 */

typedef union ParamBlockRec {
    IOParam ioParam;
    CntrlParam cntrlParam;
} ParamBlockRec;
typedef ParamBlockRec *ParmBlkPtr;

_Static_assert(offsetof(IOParam, ioTrap) == 6, "ioTrap");
_Static_assert(offsetof(IOParam, ioCompletion) == 12, "ioCompletion");
_Static_assert(offsetof(IOParam, ioResult) == 16, "ioResult");
_Static_assert(offsetof(IOParam, ioNamePtr) == 18, "ioNamePtr");
_Static_assert(offsetof(IOParam, ioRefNum) == 24, "ioRefNum");
_Static_assert(offsetof(IOParam, ioPermssn) == 27, "ioPermssn");
_Static_assert(offsetof(IOParam, ioReqCount) == 36, "ioReqCount");
_Static_assert(offsetof(IOParam, ioPosOffset) == 46, "ioPosOffset");
_Static_assert(sizeof(IOParam) == 50, "IOParam size");
_Static_assert(offsetof(CntrlParam, ioCRefNum) == 24, "ioCRefNum");
_Static_assert(offsetof(CntrlParam, csCode) == 26, "csCode");
_Static_assert(offsetof(CntrlParam, csParam) == 28, "csParam");
_Static_assert(sizeof(CntrlParam) == 50, "CntrlParam size");

/* Device Manager (_Open 0xA000, _Close 0xA001, _Read 0xA002, _Write 0xA003, _Control 0xA004,
 * _Status 0xA005, _KillIO 0xA006; bit 10 = async, bit 9 = immediate). */
OSErr PBOpenSync(ParmBlkPtr pb);
OSErr PBCloseSync(ParmBlkPtr pb);
OSErr PBReadSync(ParmBlkPtr pb);
OSErr PBReadAsync(ParmBlkPtr pb);
OSErr PBWriteSync(ParmBlkPtr pb);
OSErr PBWriteAsync(ParmBlkPtr pb);
OSErr PBControlSync(ParmBlkPtr pb);
OSErr PBControlAsync(ParmBlkPtr pb);
OSErr PBControlImmed(ParmBlkPtr pb);
OSErr PBStatusSync(ParmBlkPtr pb);
OSErr PBStatusAsync(ParmBlkPtr pb);
OSErr PBStatusImmed(ParmBlkPtr pb);
OSErr PBKillIOSync(ParmBlkPtr pb);
OSErr OpenDriver(const unsigned char *name, short *refNum); /* name: Pascal string */
OSErr CloseDriver(short refNum);

/* Memory Manager. As on the Mac, NewPtr/NewHandle blocks hold garbage (MTB_GARBAGE_PATTERN,
 * mtb_guest_abi.h) and only the Clear variants are zeroed; blocks never move. */
Ptr NewPtr(Size size);
Ptr NewPtrClear(Size size);
Ptr NewPtrSys(Size size);
Ptr NewPtrSysClear(Size size);
void DisposePtr(Ptr p);
Handle NewHandle(Size size);
Handle NewHandleClear(Size size);
Handle NewHandleSys(Size size);
Handle NewHandleSysClear(Size size);
void DisposeHandle(Handle h);
void HLock(Handle h);
void HUnlock(Handle h);
void BlockMove(const void *src, void *dst, Size count);
OSErr MemError(void); /* low-memory MemErr, set by every Memory Manager trap */

/* File Manager: PBHGetFInfo (_HGetFileInfo 0xA20C) and PBGetFInfo (_GetFileInfo 0xA00C),
 * synchronous, over the machine's virtual boot volume (tests/machine/README.md). */
typedef struct Point {
    short v;
    short h;
} Point;

typedef struct FInfo {
    OSType fdType;
    OSType fdCreator;
    unsigned short fdFlags;
    Point fdLocation;
    short fdFldr;
} FInfo; /* 16 */

typedef struct HFileParam {
    void *qLink;
    short qType;
    short ioTrap;
    Ptr ioCmdAddr;
    ProcPtr ioCompletion;
    volatile OSErr ioResult;
    StringPtr ioNamePtr;        /* 18: the name, or (ioFDirIndex > 0) where to put it */
    short ioVRefNum;            /* 22 */
    short ioFRefNum;            /* 24 */
    char ioFVersNum;            /* 26 */
    char filler1;
    short ioFDirIndex;          /* 28: > 0 = the n-th file of the directory */
    unsigned char ioFlAttrib;   /* 30 */
    unsigned char ioFlVersNum;  /* 31 */
    FInfo ioFlFndrInfo;         /* 32: type, creator... */
    long ioDirID;               /* 48: in: directory; out: the file ID */
    unsigned short ioFlStBlk;   /* 52 */
    long ioFlLgLen;             /* 54: data fork length */
    long ioFlPyLen;             /* 58 */
    unsigned short ioFlRStBlk;  /* 62 */
    long ioFlRLgLen;            /* 64: resource fork length */
    long ioFlRPyLen;            /* 68 */
    unsigned long ioFlCrDat;    /* 72 */
    unsigned long ioFlMdDat;    /* 76 */
} HFileParam;                   /* 80 */
_Static_assert(offsetof(HFileParam, ioFDirIndex) == 28, "ioFDirIndex");
_Static_assert(offsetof(HFileParam, ioFlFndrInfo) == 32, "ioFlFndrInfo");
_Static_assert(offsetof(HFileParam, ioDirID) == 48, "ioDirID");
_Static_assert(offsetof(HFileParam, ioFlLgLen) == 54, "ioFlLgLen");
_Static_assert(offsetof(HFileParam, ioFlRLgLen) == 64, "ioFlRLgLen");
_Static_assert(offsetof(HFileParam, ioFlMdDat) == 76, "ioFlMdDat");
_Static_assert(sizeof(HFileParam) == 80, "HFileParam size");

OSErr PBHGetFInfoSync(HFileParam *pb);
OSErr PBGetFInfoSync(HFileParam *pb);

/* Event Manager: the idle points of an event loop. The machine never has an event: each call
 * lets pending interrupts (completions, ASRs) run and returns FALSE with a null event;
 * WaitNextEvent first sleeps up to `sleep` ticks unless WakeUpProcess wakes it. */
typedef struct EventRecord {
    unsigned short what;   /* 0 */
    unsigned long message; /* 2 */
    unsigned long when;    /* 6: Ticks */
    Point where;           /* 10 */
    unsigned short modifiers; /* 14 */
} EventRecord;             /* 16 */
_Static_assert(offsetof(EventRecord, when) == 6, "EventRecord.when");
_Static_assert(sizeof(EventRecord) == 16, "EventRecord size");
enum { nullEvent = 0, everyEvent = -1, btnState = 0x0080 };

Boolean WaitNextEvent(short eventMask, EventRecord *theEvent, unsigned long sleep, void *mouseRgn);
Boolean GetNextEvent(short eventMask, EventRecord *theEvent);
Boolean EventAvail(short eventMask, EventRecord *theEvent);
void SystemTask(void);

/* Process Manager (_OSDispatch 0xA88F). */
typedef struct ProcessSerialNumber {
    unsigned long highLongOfPSN;
    unsigned long lowLongOfPSN;
} ProcessSerialNumber;
enum { kNoProcess = 0, kSystemProcess = 1, kCurrentProcess = 2, procNotFound = -600 };
OSErr GetCurrentProcess(ProcessSerialNumber *psn);
OSErr WakeUpProcess(const ProcessSerialNumber *psn); /* legal at interrupt level */

/* Gestalt (0xA1AD) and time. */
OSErr Gestalt(OSType selector, long *response);
unsigned long TickCount(void);                       /* toolbox trap 0xA975 */
void Delay(unsigned long ticks, unsigned long *finalTicks); /* 0xA03B */

/* Four-character constants ('mtcp') without multi-char literal warnings. */
#define MTB_FOURCC(a, b, c, d) \
    (((unsigned long)(a) << 24) | ((unsigned long)(b) << 16) | ((unsigned long)(c) << 8) | (unsigned long)(d))

/* Low memory the machine maintains. */
#define LMTicks (*(volatile unsigned long *)0x16A)
#define LMCurrentA5 (*(Ptr *)0x904)

#endif
