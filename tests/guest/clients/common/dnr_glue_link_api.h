/*
 * The dnr suite's glue API (see dnr_glue_link.c), for clients programs that use the resolver.
 * Do not combine with mactcp.h in one file: both declare the DNR records.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "../../dnr/common/dnr_glue.h"
