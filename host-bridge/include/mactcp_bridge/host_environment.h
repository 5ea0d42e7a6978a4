// What host-bridge needs from its host besides guest memory and CPU.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "mactcp_bridge/guest_memory.h"

namespace mtb {

enum class LogLevel { error = 0, warning = 1, info = 2, debug = 3 };

class HostEnvironment {
public:
    virtual ~HostEnvironment() = default;
    // The guest's RAM as it is now; an invalid GuestMemory while the host has none yet.
    virtual GuestMemory memory() = 0;
    // Thread-safe: ask for Bridge::interrupt() on the emulation thread soon.
    virtual void raise_interrupt() = 0;
    virtual std::optional<std::string> pref(std::string_view name) = 0;
    virtual void log(LogLevel level, std::string_view line) = 0;
    // A long of low memory (0..0x3000) where the host maps it apart from RAM (SheepShaver with
    // RAM not at 0); empty when the host cannot read it.
    virtual std::optional<uint32_t> read_low_memory32(uint32_t /*address*/) { return std::nullopt; }
    // For logs and traces: which emulator this is.
    virtual std::string emulator_name() const { return "unknown"; }
};

}  // namespace mtb
