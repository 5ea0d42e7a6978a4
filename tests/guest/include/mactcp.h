/*
 * MacTCP's programming interface for guest test programs, written from
 * /work/shared/docs/mactcp-reference.md (sections 2-8). Every offset and size the reference gives
 * is pinned with _Static_assert: gcc's m68k SysV layout equals mac68k except for char-only
 * structs, which get aligned(2) here. `long` is used for 4-byte fields as in Apple's headers.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef MTB_MACTCP_H
#define MTB_MACTCP_H

#include "toolbox.h"

typedef unsigned long ip_addr;
typedef unsigned short tcp_port;
typedef unsigned short udp_port;
typedef unsigned long StreamPtr;
typedef unsigned char byte;

/* Callbacks. Completion routines are plain C (pb on the stack); ASRs and DNR result procs are
 * Pascal: register C functions through callback_thunks.h. */
struct TCPiopb;
struct UDPiopb;
struct IPParamBlock;
struct GetAddrParamBlock;
typedef void (*TCPIOCompletionProc)(struct TCPiopb *pb);
typedef void (*UDPIOCompletionProc)(struct UDPiopb *pb);
typedef void (*IPIOCompletionProc)(struct IPParamBlock *pb);
typedef void (*GetIPIOCompletionProc)(struct GetAddrParamBlock *pb);
typedef ProcPtr TCPNotifyProc;  /* Pascal: MTB_TCP_ASR_THUNK */
typedef ProcPtr UDPNotifyProc;  /* Pascal: MTB_UDP_ASR_THUNK */
typedef ProcPtr ResultProcPtr;  /* Pascal: MTB_PASCAL_2L_THUNK */

/* ---- csCodes (section 2) ---- */
enum {
    ipctlGetAddr = 15,
    ipctlEchoICMP = 17,
    ipctlLAPStats = 19,
    UDPCreate = 20,
    UDPRead = 21,
    UDPBfrReturn = 22,
    UDPWrite = 23,
    UDPRelease = 24,
    UDPMaxMTUSize = 25,
    UDPStatus = 26,
    UDPMultiCreate = 27,
    UDPMultiSend = 28,
    UDPMultiRead = 29,
    TCPCreate = 30,
    TCPPassiveOpen = 31,
    TCPActiveOpen = 32,
    TCPSend = 34,
    TCPNoCopyRcv = 35,
    TCPRcvBfrReturn = 36,
    TCPRcv = 37,
    TCPClose = 38,
    TCPAbort = 39,
    TCPStatus = 40,
    TCPExtendedStat = 41,
    TCPRelease = 42,
    TCPGlobalInfo = 43,
    TCPCtlMax = 49
};

/* ---- Result codes (section 6) ---- */
enum {
    inProgress = 1,
    ipBadLapErr = -23000,
    ipBadCnfgErr = -23001,
    ipNoCnfgErr = -23002,
    ipLoadErr = -23003,
    ipBadAddr = -23004,
    connectionClosing = -23005,
    invalidLength = -23006,
    connectionExists = -23007,
    connectionDoesntExist = -23008,
    insufficientResources = -23009,
    invalidStreamPtr = -23010,
    streamAlreadyOpen = -23011,
    connectionTerminated = -23012,
    invalidBufPtr = -23013,
    invalidRDS = -23014,
    invalidWDS = -23014,
    openFailed = -23015,
    commandTimeout = -23016,
    duplicateSocket = -23017,
    ipDontFragErr = -23032,
    ipDestDeadErr = -23033,
    icmpEchoTimeoutErr = -23035,
    ipNoFragMemErr = -23036,
    ipRouteErr = -23037,
    nameSyntaxErr = -23041,
    cacheFault = -23042,
    noResultProc = -23043,
    noNameServer = -23044,
    authNameErr = -23045,
    noAnsErr = -23046,
    dnrErr = -23047,
    outOfMemory = -23048
};

/* ---- Events, termination reasons, ICMP report types (section 5) ---- */
enum {
    TCPClosing = 1,
    TCPULPTimeout = 2,
    TCPTerminate = 3,
    TCPDataArrival = 4,
    TCPUrgent = 5,
    TCPICMPReceived = 6,
    lastEvent = 32767
};
enum { UDPDataArrival = 1, UDPICMPReceived = 2, lastUDPEvent = 32767 };
enum {
    TCPRemoteAbort = 2,
    TCPNetworkFailure = 3,
    TCPSecPrecMismatch = 4,
    TCPULPTimeoutTerminate = 5,
    TCPULPAbort = 6,
    TCPULPClose = 7,
    TCPServiceError = 8,
    lastReason = 32767
};
enum {
    netUnreach = 0,
    hostUnreach = 1,
    protocolUnreach = 2,
    portUnreach = 3,
    fragReqd = 4,
    sourceRouteFailed = 5,
    timeExceeded = 6,
    parmProblem = 7,
    missingOption = 8,
    lastICMPMsgType = 32767
};

/* validityFlags (section 3.2), tosFlags, precedence, connection states (section 7.2). */
enum { timeoutValue = 0x80, timeoutAction = 0x40, typeOfService = 0x20, precedence = 0x10 };
enum { lowDelay = 0x01, throughPut = 0x02, reliability = 0x04 };
enum {
    routine = 0,
    priority = 1,
    immediate = 2,
    flash = 3,
    flashOverride = 4,
    critical = 5,
    internetControl = 6,
    netControl = 7
};
enum {
    kTCPStateClosed = 0,
    kTCPStateListen = 2,
    kTCPStateSynReceived = 4,
    kTCPStateSynSent = 6,
    kTCPStateEstablished = 8,
    kTCPStateFinWait1 = 10,
    kTCPStateFinWait2 = 12,
    kTCPStateCloseWait = 14,
    kTCPStateClosing = 16,
    kTCPStateLastAck = 18,
    kTCPStateTimeWait = 20
};

/* ---- WDS / RDS (section 4) ---- */
typedef struct wdsEntry {
    unsigned short length; /* 0: a zero length ends the list */
    Ptr ptr;               /* 2 */
} wdsEntry;
typedef struct rdsEntry {
    unsigned short length;
    Ptr ptr;
} rdsEntry;
_Static_assert(sizeof(wdsEntry) == 6 && offsetof(wdsEntry, ptr) == 2, "wdsEntry");
_Static_assert(sizeof(rdsEntry) == 6 && offsetof(rdsEntry, ptr) == 2, "rdsEntry");

/* ---- ICMP report (section 5.6) ---- */
typedef struct ICMPReport {
    StreamPtr streamPtr;          /* 0 */
    ip_addr localHost;            /* 4 */
    tcp_port localPort;           /* 8 */
    ip_addr remoteHost;           /* 10 */
    tcp_port remotePort;          /* 14 */
    short reportType;             /* 16 */
    unsigned short optionalAddlInfo;  /* 18 */
    unsigned long optionalAddlInfoPtr; /* 20 */
} ICMPReport;
_Static_assert(offsetof(ICMPReport, localPort) == 8, "ICMPReport.localPort");
_Static_assert(offsetof(ICMPReport, remoteHost) == 10, "ICMPReport.remoteHost");
_Static_assert(offsetof(ICMPReport, remotePort) == 14, "ICMPReport.remotePort");
_Static_assert(offsetof(ICMPReport, reportType) == 16, "ICMPReport.reportType");
_Static_assert(offsetof(ICMPReport, optionalAddlInfo) == 18, "ICMPReport.optionalAddlInfo");
_Static_assert(offsetof(ICMPReport, optionalAddlInfoPtr) == 20, "ICMPReport.optionalAddlInfoPtr");
_Static_assert(sizeof(ICMPReport) == 24, "ICMPReport size");

/* The common 28-byte header of every MacTCP parameter block (section 3.1). */
#define MTB_MACTCP_PB_HEADER          \
    void *qLink;                      \
    short qType;                      \
    short ioTrap;                     \
    Ptr ioCmdAddr;                    \
    ProcPtr ioCompletion;             \
    volatile OSErr ioResult;          \
    Ptr ioNamePtr;                    \
    short ioVRefNum;                  \
    short ioCRefNum;                  \
    short csCode

#define MTB_ASSERT_PB_HEADER(T)                                          \
    _Static_assert(offsetof(T, qType) == 4, #T ".qType");                \
    _Static_assert(offsetof(T, ioTrap) == 6, #T ".ioTrap");              \
    _Static_assert(offsetof(T, ioCmdAddr) == 8, #T ".ioCmdAddr");        \
    _Static_assert(offsetof(T, ioCompletion) == 12, #T ".ioCompletion"); \
    _Static_assert(offsetof(T, ioResult) == 16, #T ".ioResult");         \
    _Static_assert(offsetof(T, ioNamePtr) == 18, #T ".ioNamePtr");       \
    _Static_assert(offsetof(T, ioVRefNum) == 22, #T ".ioVRefNum");       \
    _Static_assert(offsetof(T, ioCRefNum) == 24, #T ".ioCRefNum");       \
    _Static_assert(offsetof(T, csCode) == 26, #T ".csCode")

/* ---- TCP (section 3.2). Member comments give offsets from the start of the pb. ---- */
typedef struct TCPCreatePB {
    Ptr rcvBuff;              /* 32 */
    unsigned long rcvBuffLen; /* 36 */
    TCPNotifyProc notifyProc; /* 40 */
    Ptr userDataPtr;          /* 44 */
} TCPCreatePB;

typedef struct TCPOpenPB {
    byte ulpTimeoutValue;     /* 32 */
    byte ulpTimeoutAction;    /* 33 */
    byte validityFlags;       /* 34 */
    byte commandTimeoutValue; /* 35 */
    ip_addr remoteHost;       /* 36 */
    tcp_port remotePort;      /* 40 */
    ip_addr localHost;        /* 42 */
    tcp_port localPort;       /* 46 */
    byte tosFlags;            /* 48 */
    byte precedence;          /* 49 */
    Boolean dontFrag;         /* 50 */
    byte timeToLive;          /* 51 */
    byte security;            /* 52 */
    byte optionCnt;           /* 53 */
    byte options[40];         /* 54 */
    Ptr userDataPtr;          /* 94 */
} TCPOpenPB;

typedef struct TCPSendPB {
    byte ulpTimeoutValue;     /* 32 */
    byte ulpTimeoutAction;    /* 33 */
    byte validityFlags;       /* 34 */
    Boolean pushFlag;         /* 35 */
    byte urgentFlag;          /* 36 */
    byte filler;              /* 37 */
    Ptr wdsPtr;               /* 38 */
    unsigned long sendFree;   /* 42 */
    unsigned short sendLength; /* 46 */
    Ptr userDataPtr;          /* 48 */
} TCPSendPB;

/* Flag bytes as in Apple's Universal Interfaces (reference 3.2.1). */
typedef struct TCPReceivePB {
    byte commandTimeoutValue; /* 32 */
    Boolean markFlag;         /* 33 */
    Boolean urgentFlag;       /* 34 */
    byte filler;              /* 35 */
    Ptr rcvBuff;              /* 36 */
    unsigned short rcvBuffLen; /* 40 */
    Ptr rdsPtr;               /* 42 */
    unsigned short rdsLength; /* 46 */
    unsigned short secondTimeStamp; /* 48 */
    Ptr userDataPtr;          /* 50 */
} TCPReceivePB;

typedef struct TCPClosePB {
    byte ulpTimeoutValue;     /* 32 */
    byte ulpTimeoutAction;    /* 33 */
    byte validityFlags;       /* 34 */
    byte filler;              /* 35 */
    Ptr userDataPtr;          /* 36 */
} TCPClosePB;

typedef struct TCPAbortPB {
    Ptr userDataPtr;          /* 32 */
} TCPAbortPB;

typedef struct TCPStatusPB {
    byte ulpTimeoutValue;     /* 32 */
    byte ulpTimeoutAction;    /* 33 */
    long unused;              /* 34 */
    ip_addr remoteHost;       /* 38 */
    tcp_port remotePort;      /* 42 */
    ip_addr localHost;        /* 44 */
    tcp_port localPort;       /* 48 */
    byte tosFlags;            /* 50 */
    byte precedence;          /* 51 */
    byte connectionState;     /* 52 */
    byte filler;              /* 53 */
    unsigned short sendWindow;     /* 54 */
    unsigned short rcvWindow;      /* 56 */
    unsigned short amtUnackedData; /* 58 */
    unsigned short amtUnreadData;  /* 60 */
    Ptr securityLevelPtr;     /* 62 */
    unsigned long sendUnacked;     /* 66 */
    unsigned long sendNext;        /* 70 */
    unsigned long congestionWindow; /* 74 */
    unsigned long rcvNext;         /* 78 */
    unsigned long srtt;            /* 82 */
    unsigned long lastRTT;         /* 86 */
    unsigned long sendMaxSegSize;  /* 90 */
    struct TCPConnectionStats *connStatPtr; /* 94 */
    Ptr userDataPtr;          /* 98 */
} TCPStatusPB;

typedef struct TCPGlobalInfoPB {
    struct TCPParam *tcpParamPtr; /* 32 */
    struct TCPStats *tcpStatsPtr; /* 36 */
    StreamPtr *tcpCDBTable;       /* 40 */
    Ptr userDataPtr;              /* 44 */
    unsigned short maxTCPConnections; /* 48 */
} TCPGlobalInfoPB;

typedef struct TCPiopb {
    MTB_MACTCP_PB_HEADER;
    StreamPtr tcpStream;      /* 28 */
    union {
        TCPCreatePB create;   /* also TCPRelease's results */
        TCPOpenPB open;
        TCPSendPB send;
        TCPReceivePB receive;
        TCPClosePB close;
        TCPAbortPB abort;
        TCPStatusPB status;
        TCPGlobalInfoPB globalInfo;
    } csParam;                /* 32 */
} TCPiopb;

MTB_ASSERT_PB_HEADER(TCPiopb);
#define MTB_TCP_AT(member, off) \
    _Static_assert(offsetof(TCPiopb, csParam.member) == (off), "TCPiopb." #member)
MTB_TCP_AT(create.rcvBuff, 32);
MTB_TCP_AT(create.rcvBuffLen, 36);
MTB_TCP_AT(create.notifyProc, 40);
MTB_TCP_AT(create.userDataPtr, 44);
MTB_TCP_AT(open.ulpTimeoutValue, 32);
MTB_TCP_AT(open.ulpTimeoutAction, 33);
MTB_TCP_AT(open.validityFlags, 34);
MTB_TCP_AT(open.commandTimeoutValue, 35);
MTB_TCP_AT(open.remoteHost, 36);
MTB_TCP_AT(open.remotePort, 40);
MTB_TCP_AT(open.localHost, 42);
MTB_TCP_AT(open.localPort, 46);
MTB_TCP_AT(open.tosFlags, 48);
MTB_TCP_AT(open.precedence, 49);
MTB_TCP_AT(open.dontFrag, 50);
MTB_TCP_AT(open.timeToLive, 51);
MTB_TCP_AT(open.security, 52);
MTB_TCP_AT(open.optionCnt, 53);
MTB_TCP_AT(open.options, 54);
MTB_TCP_AT(open.userDataPtr, 94);
MTB_TCP_AT(send.ulpTimeoutValue, 32);
MTB_TCP_AT(send.ulpTimeoutAction, 33);
MTB_TCP_AT(send.validityFlags, 34);
MTB_TCP_AT(send.pushFlag, 35);
MTB_TCP_AT(send.urgentFlag, 36);
MTB_TCP_AT(send.wdsPtr, 38);
MTB_TCP_AT(send.sendFree, 42);
MTB_TCP_AT(send.sendLength, 46);
MTB_TCP_AT(send.userDataPtr, 48);
MTB_TCP_AT(receive.commandTimeoutValue, 32);
MTB_TCP_AT(receive.markFlag, 33);
MTB_TCP_AT(receive.urgentFlag, 34);
MTB_TCP_AT(receive.rcvBuff, 36);
MTB_TCP_AT(receive.rcvBuffLen, 40);
MTB_TCP_AT(receive.rdsPtr, 42);
MTB_TCP_AT(receive.rdsLength, 46);
MTB_TCP_AT(receive.secondTimeStamp, 48);
MTB_TCP_AT(receive.userDataPtr, 50);
MTB_TCP_AT(close.ulpTimeoutValue, 32);
MTB_TCP_AT(close.ulpTimeoutAction, 33);
MTB_TCP_AT(close.validityFlags, 34);
MTB_TCP_AT(close.userDataPtr, 36);
MTB_TCP_AT(abort.userDataPtr, 32);
MTB_TCP_AT(status.ulpTimeoutValue, 32);
MTB_TCP_AT(status.ulpTimeoutAction, 33);
MTB_TCP_AT(status.unused, 34);
MTB_TCP_AT(status.remoteHost, 38);
MTB_TCP_AT(status.remotePort, 42);
MTB_TCP_AT(status.localHost, 44);
MTB_TCP_AT(status.localPort, 48);
MTB_TCP_AT(status.tosFlags, 50);
MTB_TCP_AT(status.precedence, 51);
MTB_TCP_AT(status.connectionState, 52);
MTB_TCP_AT(status.sendWindow, 54);
MTB_TCP_AT(status.rcvWindow, 56);
MTB_TCP_AT(status.amtUnackedData, 58);
MTB_TCP_AT(status.amtUnreadData, 60);
MTB_TCP_AT(status.securityLevelPtr, 62);
MTB_TCP_AT(status.sendUnacked, 66);
MTB_TCP_AT(status.sendNext, 70);
MTB_TCP_AT(status.congestionWindow, 74);
MTB_TCP_AT(status.rcvNext, 78);
MTB_TCP_AT(status.srtt, 82);
MTB_TCP_AT(status.lastRTT, 86);
MTB_TCP_AT(status.sendMaxSegSize, 90);
MTB_TCP_AT(status.connStatPtr, 94);
MTB_TCP_AT(status.userDataPtr, 98);
MTB_TCP_AT(globalInfo.tcpParamPtr, 32);
MTB_TCP_AT(globalInfo.tcpStatsPtr, 36);
MTB_TCP_AT(globalInfo.tcpCDBTable, 40);
MTB_TCP_AT(globalInfo.userDataPtr, 44);
MTB_TCP_AT(globalInfo.maxTCPConnections, 48);
_Static_assert(offsetof(TCPiopb, tcpStream) == 28, "TCPiopb.tcpStream");
_Static_assert(sizeof(TCPCreatePB) == 16, "TCPCreatePB size");
_Static_assert(sizeof(TCPOpenPB) == 66, "TCPOpenPB size");
_Static_assert(sizeof(TCPSendPB) == 20, "TCPSendPB size");
_Static_assert(sizeof(TCPReceivePB) == 22, "TCPReceivePB size");
_Static_assert(sizeof(TCPClosePB) == 8, "TCPClosePB size");
_Static_assert(sizeof(TCPAbortPB) == 4, "TCPAbortPB size");
_Static_assert(sizeof(TCPStatusPB) == 70, "TCPStatusPB size");
_Static_assert(sizeof(TCPGlobalInfoPB) == 18, "TCPGlobalInfoPB size");
_Static_assert(sizeof(TCPiopb) == 102, "TCPiopb size");

typedef struct SentSizeBucket {
    unsigned short value;     /* 0 */
    unsigned long counter;    /* 2 */
} SentSizeBucket;

typedef struct TCPConnectionStats {
    unsigned long dataPktsRcvd;        /* 0 */
    unsigned long dataPktsSent;        /* 4 */
    unsigned long dataPktsResent;      /* 8 */
    unsigned long bytesRcvd;           /* 12 */
    unsigned long bytesRcvdDup;        /* 16 */
    unsigned long bytesRcvdPastWindow; /* 20 */
    unsigned long bytesSent;           /* 24 */
    unsigned long bytesResent;         /* 28 */
    unsigned short numHistoBuckets;    /* 32 */
    SentSizeBucket sentSizeHisto[7];   /* 34 */
    unsigned short lastRTT;            /* 76 */
    unsigned short tmrSRTT;            /* 78 */
    unsigned short rttVariance;        /* 80 */
    unsigned short tmrRTO;             /* 82 */
    byte sendTries;                    /* 84 */
    byte sourchQuenchRcvd;             /* 85 */
} TCPConnectionStats;
_Static_assert(sizeof(SentSizeBucket) == 6, "SentSizeBucket size");
_Static_assert(offsetof(TCPConnectionStats, bytesResent) == 28, "TCPConnectionStats.bytesResent");
_Static_assert(offsetof(TCPConnectionStats, numHistoBuckets) == 32, "TCPConnectionStats.numHistoBuckets");
_Static_assert(offsetof(TCPConnectionStats, sentSizeHisto) == 34, "TCPConnectionStats.sentSizeHisto");
_Static_assert(offsetof(TCPConnectionStats, lastRTT) == 76, "TCPConnectionStats.lastRTT");
_Static_assert(offsetof(TCPConnectionStats, tmrSRTT) == 78, "TCPConnectionStats.tmrSRTT");
_Static_assert(offsetof(TCPConnectionStats, rttVariance) == 80, "TCPConnectionStats.rttVariance");
_Static_assert(offsetof(TCPConnectionStats, tmrRTO) == 82, "TCPConnectionStats.tmrRTO");
_Static_assert(offsetof(TCPConnectionStats, sendTries) == 84, "TCPConnectionStats.sendTries");
_Static_assert(offsetof(TCPConnectionStats, sourchQuenchRcvd) == 85, "TCPConnectionStats.sourchQuenchRcvd");
_Static_assert(sizeof(TCPConnectionStats) == 86, "TCPConnectionStats size");

typedef struct TCPParam {
    unsigned long tcpRtoA;       /* 0 */
    unsigned long tcpRtoMin;     /* 4 */
    unsigned long tcpRtoMax;     /* 8 */
    unsigned long tcpMaxSegSize; /* 12 */
    unsigned long tcpMaxConn;    /* 16 */
    unsigned long tcpMaxWindow;  /* 20 */
} TCPParam;
_Static_assert(offsetof(TCPParam, tcpMaxWindow) == 20 && sizeof(TCPParam) == 24, "TCPParam");

typedef struct TCPStats {
    unsigned long tcpConnAttempts;   /* 0 */
    unsigned long tcpConnOpened;     /* 4 */
    unsigned long tcpConnAccepted;   /* 8 */
    unsigned long tcpConnClosed;     /* 12 */
    unsigned long tcpConnAborted;    /* 16 */
    unsigned long tcpOctetsIn;       /* 20 */
    unsigned long tcpOctetsOut;      /* 24 */
    unsigned long tcpOctetsInDup;    /* 28 */
    unsigned long tcpOctetsRetrans;  /* 32 */
    unsigned long tcpInputPkts;      /* 36 */
    unsigned long tcpOutputPkts;     /* 40 */
    unsigned long tcpDupPkts;        /* 44 */
    unsigned long tcpRetransPkts;    /* 48 */
} TCPStats;
_Static_assert(offsetof(TCPStats, tcpRetransPkts) == 48 && sizeof(TCPStats) == 52, "TCPStats");

/* ---- UDP (section 3.3): 58 bytes with MacTCP 2.0 definitions, 52 with 1.x ---- */
typedef struct UDPCreatePB {
    Ptr rcvBuff;              /* 32 */
    unsigned long rcvBuffLen; /* 36 */
    UDPNotifyProc notifyProc; /* 40 */
    unsigned short localPort; /* 44 */
    Ptr userDataPtr;          /* 46 */
    udp_port endingPort;      /* 50: UDPMultiCreate only */
} UDPCreatePB;

typedef struct UDPSendPB {
    unsigned short reserved;  /* 32 */
    ip_addr remoteHost;       /* 34 */
    udp_port remotePort;      /* 38 */
    Ptr wdsPtr;               /* 40 */
    Boolean checkSum;         /* 44 */
    byte filler;              /* 45 */
    unsigned short sendLength; /* 46 */
    Ptr userDataPtr;          /* 48 */
    udp_port localPort;       /* 52: UDPMultiSend only */
} UDPSendPB;

typedef struct UDPReceivePB {
    unsigned short timeOut;   /* 32 */
    ip_addr remoteHost;       /* 34 */
    udp_port remotePort;      /* 38 */
    Ptr rcvBuff;              /* 40 */
    unsigned short rcvBuffLen; /* 44 */
    unsigned short secondTimeStamp; /* 46 */
    Ptr userDataPtr;          /* 48 */
    ip_addr destHost;         /* 52: UDPMultiRead only */
    udp_port destPort;        /* 56: UDPMultiRead only */
} UDPReceivePB;

typedef struct UDPMTUPB {
    unsigned short mtuSize;   /* 32 */
    ip_addr remoteHost;       /* 34 */
    Ptr userDataPtr;          /* 38 */
} UDPMTUPB;

typedef struct UDPiopb {
    MTB_MACTCP_PB_HEADER;
    StreamPtr udpStream;      /* 28 */
    union {
        UDPReceivePB receive; /* also UDPBfrReturn */
        UDPSendPB send;
        UDPCreatePB create;   /* also UDPRelease's results */
        UDPMTUPB mtu;
    } csParam;                /* 32 */
} UDPiopb;

MTB_ASSERT_PB_HEADER(UDPiopb);
#define MTB_UDP_AT(member, off) \
    _Static_assert(offsetof(UDPiopb, csParam.member) == (off), "UDPiopb." #member)
MTB_UDP_AT(create.rcvBuff, 32);
MTB_UDP_AT(create.rcvBuffLen, 36);
MTB_UDP_AT(create.notifyProc, 40);
MTB_UDP_AT(create.localPort, 44);
MTB_UDP_AT(create.userDataPtr, 46);
MTB_UDP_AT(create.endingPort, 50);
MTB_UDP_AT(receive.timeOut, 32);
MTB_UDP_AT(receive.remoteHost, 34);
MTB_UDP_AT(receive.remotePort, 38);
MTB_UDP_AT(receive.rcvBuff, 40);
MTB_UDP_AT(receive.rcvBuffLen, 44);
MTB_UDP_AT(receive.secondTimeStamp, 46);
MTB_UDP_AT(receive.userDataPtr, 48);
MTB_UDP_AT(receive.destHost, 52);
MTB_UDP_AT(receive.destPort, 56);
MTB_UDP_AT(send.reserved, 32);
MTB_UDP_AT(send.remoteHost, 34);
MTB_UDP_AT(send.remotePort, 38);
MTB_UDP_AT(send.wdsPtr, 40);
MTB_UDP_AT(send.checkSum, 44);
MTB_UDP_AT(send.sendLength, 46);
MTB_UDP_AT(send.userDataPtr, 48);
MTB_UDP_AT(send.localPort, 52);
MTB_UDP_AT(mtu.mtuSize, 32);
MTB_UDP_AT(mtu.remoteHost, 34);
MTB_UDP_AT(mtu.userDataPtr, 38);
_Static_assert(offsetof(UDPiopb, udpStream) == 28, "UDPiopb.udpStream");
_Static_assert(sizeof(UDPCreatePB) == 20, "UDPCreatePB size");
_Static_assert(sizeof(UDPSendPB) == 22, "UDPSendPB size");
_Static_assert(sizeof(UDPReceivePB) == 26, "UDPReceivePB size");
_Static_assert(sizeof(UDPMTUPB) == 10, "UDPMTUPB size");
_Static_assert(sizeof(UDPiopb) == 58, "UDPiopb size");

/* ---- IP (section 3.4) ---- */
typedef struct GetAddrParamBlock {
    MTB_MACTCP_PB_HEADER;
    ip_addr ourAddress;       /* 28 */
    long ourNetMask;          /* 32 */
} GetAddrParamBlock;
MTB_ASSERT_PB_HEADER(GetAddrParamBlock);
_Static_assert(offsetof(GetAddrParamBlock, ourAddress) == 28, "GetAddrParamBlock.ourAddress");
_Static_assert(offsetof(GetAddrParamBlock, ourNetMask) == 32, "GetAddrParamBlock.ourNetMask");
_Static_assert(sizeof(GetAddrParamBlock) == 36, "GetAddrParamBlock size");

typedef struct IPParamBlock {
    MTB_MACTCP_PB_HEADER;
    ip_addr dest;             /* 28 */
    wdsEntry data;            /* 32 */
    unsigned short timeout;   /* 38 */
    Ptr options;              /* 40 */
    unsigned short optLength; /* 44 */
    IPIOCompletionProc icmpCompletion; /* 46: C convention */
    unsigned long userDataPtr; /* 50 */
} IPParamBlock;
MTB_ASSERT_PB_HEADER(IPParamBlock);
_Static_assert(offsetof(IPParamBlock, dest) == 28, "IPParamBlock.dest");
_Static_assert(offsetof(IPParamBlock, data) == 32, "IPParamBlock.data");
_Static_assert(offsetof(IPParamBlock, timeout) == 38, "IPParamBlock.timeout");
_Static_assert(offsetof(IPParamBlock, options) == 40, "IPParamBlock.options");
_Static_assert(offsetof(IPParamBlock, optLength) == 44, "IPParamBlock.optLength");
_Static_assert(offsetof(IPParamBlock, icmpCompletion) == 46, "IPParamBlock.icmpCompletion");
_Static_assert(offsetof(IPParamBlock, userDataPtr) == 50, "IPParamBlock.userDataPtr");
_Static_assert(sizeof(IPParamBlock) == 54, "IPParamBlock size");

typedef struct ICMPParamBlock {
    MTB_MACTCP_PB_HEADER;
    short params[11];         /* 28: overlays the request */
    unsigned long echoRequestOut; /* 50 */
    unsigned long echoReplyIn;    /* 54 */
    rdsEntry echoedData;      /* 58 */
    Ptr options;              /* 64 */
    unsigned long userDataPtr; /* 68 */
} ICMPParamBlock;
MTB_ASSERT_PB_HEADER(ICMPParamBlock);
_Static_assert(offsetof(ICMPParamBlock, params) == 28, "ICMPParamBlock.params");
_Static_assert(offsetof(ICMPParamBlock, echoRequestOut) == 50, "ICMPParamBlock.echoRequestOut");
_Static_assert(offsetof(ICMPParamBlock, echoReplyIn) == 54, "ICMPParamBlock.echoReplyIn");
_Static_assert(offsetof(ICMPParamBlock, echoedData) == 58, "ICMPParamBlock.echoedData");
_Static_assert(offsetof(ICMPParamBlock, options) == 64, "ICMPParamBlock.options");
_Static_assert(offsetof(ICMPParamBlock, userDataPtr) == 68, "ICMPParamBlock.userDataPtr");
_Static_assert(sizeof(ICMPParamBlock) == 72, "ICMPParamBlock size");

typedef struct LAPStats {
    short ifType;             /* 0 */
    char *ifString;           /* 2 */
    short ifMaxMTU;           /* 6 */
    long ifSpeed;             /* 8 */
    short ifPhyAddrLength;    /* 12 */
    char *ifPhysicalAddress;  /* 14 */
    void *AddrXlation;        /* 18 */
    short slotNumber;         /* 22 */
} LAPStats;
_Static_assert(offsetof(LAPStats, ifSpeed) == 8, "LAPStats.ifSpeed");
_Static_assert(offsetof(LAPStats, AddrXlation) == 18, "LAPStats.AddrXlation");
_Static_assert(sizeof(LAPStats) == 24, "LAPStats size");

/* ---- DNR (section 8) ---- */
enum {
    OPENRESOLVER = 1,
    CLOSERESOLVER = 2,
    STRTOADDR = 3,
    ADDRTOSTR = 4,
    ENUMCACHE = 5,
    ADDRTONAME = 6,
    HXINFO = 7,
    MXINFO = 8
};
enum { kDNRTypeA = 1, kDNRTypeNS = 2, kDNRTypeCNAME = 5, kDNRTypeHINFO = 13, kDNRTypeMX = 15 };

typedef struct hostInfo {
    long rtnCode;             /* 0 */
    char cname[255];          /* 4 */
    unsigned long addr[4];    /* 260 (259 is padding) */
} hostInfo;
_Static_assert(offsetof(hostInfo, cname) == 4, "hostInfo.cname");
_Static_assert(offsetof(hostInfo, addr) == 260, "hostInfo.addr");
_Static_assert(sizeof(hostInfo) == 276, "hostInfo size");

typedef struct __attribute__((aligned(2))) HInfoRec {
    char cpuType[30];         /* 0 */
    char osType[30];          /* 30 */
} HInfoRec;
typedef struct MXRec {
    unsigned short preference; /* 0 */
    char exchange[255];       /* 2 */
} MXRec;
typedef struct returnRec {
    long rtnCode;             /* 0 */
    char cname[255];          /* 4 */
    union {
        unsigned long addr[4];
        HInfoRec hinfo;
        MXRec mx;
    } rdata;                  /* 260 */
} returnRec;
_Static_assert(sizeof(HInfoRec) == 60, "HInfoRec size");
_Static_assert(sizeof(MXRec) == 258, "MXRec size");
_Static_assert(offsetof(returnRec, rdata) == 260, "returnRec.rdata");
_Static_assert(offsetof(returnRec, rdata.hinfo.osType) == 290, "returnRec.rdata.hinfo.osType");
_Static_assert(offsetof(returnRec, rdata.mx.exchange) == 262, "returnRec.rdata.mx.exchange");
_Static_assert(sizeof(returnRec) == 518, "returnRec size");

typedef struct cacheEntryRecord {
    char *cname;              /* 0 */
    unsigned short type;      /* 4 */
    unsigned short cacheClass; /* 6 */
    unsigned long ttl;        /* 8 */
    union {
        char *name;
        ip_addr addr;
    } rdata;                  /* 12 */
} cacheEntryRecord;
_Static_assert(offsetof(cacheEntryRecord, type) == 4, "cacheEntryRecord.type");
_Static_assert(offsetof(cacheEntryRecord, cacheClass) == 6, "cacheEntryRecord.cacheClass");
_Static_assert(offsetof(cacheEntryRecord, ttl) == 8, "cacheEntryRecord.ttl");
_Static_assert(offsetof(cacheEntryRecord, rdata) == 12, "cacheEntryRecord.rdata");
_Static_assert(sizeof(cacheEntryRecord) == 16, "cacheEntryRecord size");

/* Gestalt selector for the MacTCP version (1 = 1.1, 2 = 1.1.1, 3 = 2.0). */
#define gestaltMacTCPVersion MTB_FOURCC('m', 't', 'c', 'p')

#endif
