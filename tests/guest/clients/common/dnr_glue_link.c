/*
 * The DNR glue of the dnr suite (tests/guest/dnr/common: our dnr.c equivalent, which finds the
 * bridge's 'dnrp' the way applications do), linked into the clients programs too so that the
 * macdnr and NCSA inet_addr programs reach the resolver through the same path.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "../../dnr/common/dnr_glue.c"
