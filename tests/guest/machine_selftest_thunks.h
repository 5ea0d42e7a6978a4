/*
 * Shared between the two files of machine_selftest_thunks: the record every callback leaves and
 * the Pascal-convention callers.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef MACHINE_SELFTEST_THUNKS_H
#define MACHINE_SELFTEST_THUNKS_H

#include "mactcp.h"

typedef struct CallRecord {
    int which;               /* 10+n TCP ASR n, 20+n UDP, 30+n result proc, 40+n completion,
                                100+ the peer file's */
    unsigned long arg[5];
} CallRecord;
extern CallRecord last_call;

typedef struct PeerThunks {
    void *tcp;
    void *result;
} PeerThunks;
void peer_thunks(PeerThunks *out);

long call_tcp_asr(void *thunk, unsigned long stream, unsigned short event, unsigned long user,
                  unsigned short reason, unsigned long icmp);
long call_pascal_2l(void *thunk, unsigned long first, unsigned long second);

#endif
