// One guest control call as the protocol services see it.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstdint>
#include <optional>

#include "guest/param_block.h"

namespace mtb {

struct Call {
    ParamBlock pb;
    uint16_t cs_code;
    bool async;           // ioTrap async bit
    uint32_t completion;  // ioCompletion
    uint32_t a5;          // the caller's A5 at the trap
};

// A service either finishes a call now (the final OSErr) or registers it as pending.
using Outcome = std::optional<int16_t>;
inline constexpr Outcome kPending = std::nullopt;

// A protocol family (TCP, UDP, IP, DNR): handles its csCodes, forgets everything on reset.
class Service {
public:
    virtual ~Service() = default;
    virtual Outcome handle(Call &call) = 0;
    // Guest reset or shutdown: drop every guest address and host socket, touch no guest memory.
    virtual void reset() = 0;
};

}  // namespace mtb
