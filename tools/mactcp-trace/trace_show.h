// `mactcp-trace show`: a trace as people read it (a per-stream timeline, or a summary).
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <ostream>

#include "trace_reader.h"

namespace mtb::trace {

void show_timeline(const Trace &trace, std::ostream &out);
void show_summary(const Trace &trace, std::ostream &out);

}  // namespace mtb::trace
