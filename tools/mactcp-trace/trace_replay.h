// `mactcp-trace replay`: today's bridge against a recorded session, single-threaded, with no
// sockets and no real clock. The replay plays the guest (guest RAM rebuilt from the recorded
// reads, the recorded entries made in the recorded order and nesting, the guest's side of each
// callback) and the host (results answered from the recording), and compares what the bridge
// does with what was recorded (tests/traces/README.md, "Replay").
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <string>
#include <vector>

#include "trace_model.h"
#include "trace_reader.h"

namespace mtb::trace {

struct ReplayResult {
    bool identical = false;
    std::size_t records_matched = 0;
    std::string report;  // the first divergence, for a person
    // What today's bridge logged at warning level or worse while replaying (the first
    // kMaxWarnings; `warnings_dropped` counts the rest). A recorded slow call (its clock
    // readings are in the trace) gives the same "held the emulation thread" line here.
    std::vector<std::string> warnings;
    std::size_t warnings_dropped = 0;
    static constexpr std::size_t kMaxWarnings = 100;
};

ReplayResult replay(const Trace &trace, const Model &model);

}  // namespace mtb::trace
