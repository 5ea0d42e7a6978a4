// Timeouts of TCP parameter blocks (mactcp-reference 7.3).
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

#include "guest/param_block.h"

namespace mtb {

struct UlpSettings {
    uint8_t seconds;
    bool abort;
};

// ULP timeout and action from an open/send/close block: validity bit 7 clear or value 0 means
// the default 2 minutes; bit 6 clear means the default action, abort; nonzero action = abort for
// every call (Guide-93's corrected rule). Values below the documented 2 s minimum are raised to
// it: a 1 s ULP timer with "abort" would tear down healthy connections on any hiccup, and
// unlike command timeouts no client is known to rely on 1 s here.
inline UlpSettings ulp_settings(const ParamBlock &pb, layout::U8 value, layout::U8 action, layout::U8 flags) {
    constexpr uint8_t kValidTimeoutValue = 0x80, kValidTimeoutAction = 0x40;
    const uint8_t validity = pb.get(flags);
    uint8_t seconds = (validity & kValidTimeoutValue) ? pb.get(value) : 0;
    if (seconds == 0) seconds = 120;
    if (seconds < 2) seconds = 2;
    const bool abort = (validity & kValidTimeoutAction) ? pb.get(action) != 0 : true;
    return {seconds, abort};
}

// Command timeouts (passive open, TCPRcv, TCPNoCopyRcv): 0 = forever. CHOICE (mactcp-reference
// open question 9): 1 s is honoured as 1 s, not clamped to the documented 2 s minimum. Clients
// pass 1 to poll (jcs tcp.c's TCPRcv, the NCSA library's drain loop with TCPNoCopyRcv): they want
// the shortest wait, and 1 s can never make a call wait longer than asked or forever.
inline std::optional<std::chrono::seconds> command_timeout(uint8_t value) {
    if (value == 0) return std::nullopt;
    return std::chrono::seconds(value);
}

}  // namespace mtb
