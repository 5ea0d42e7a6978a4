/*
 * The second file of machine_selftest_thunks: thunks with the same names as the main file's.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "callback_thunks.h"
#include "machine_selftest_thunks.h"

static void peer_tcp_asr(StreamPtr s, unsigned short event, Ptr user, unsigned short reason,
                         ICMPReport *icmp)
{
    last_call.which = 110;
    last_call.arg[0] = s;
    last_call.arg[1] = event;
    last_call.arg[2] = (unsigned long)user;
    last_call.arg[3] = reason;
    last_call.arg[4] = (unsigned long)icmp;
}
MTB_TCP_ASR_THUNK(shared_name_tcp_thunk, peer_tcp_asr);

static void peer_result_proc(void *info, char *user)
{
    last_call.which = 130;
    last_call.arg[0] = (unsigned long)info;
    last_call.arg[1] = (unsigned long)user;
    last_call.arg[2] = last_call.arg[3] = last_call.arg[4] = 0;
}
MTB_PASCAL_2L_THUNK(shared_name_result_thunk, peer_result_proc);

void peer_thunks(PeerThunks *out)
{
    out->tcp = (void *)shared_name_tcp_thunk;
    out->result = (void *)shared_name_result_thunk;
}
