// Calling guest code: the one way host-bridge runs 68k routines (callbacks via trampolines).
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <array>
#include <cstdint>

namespace mtb {

struct GuestRegs {
    std::array<uint32_t, 8> d{};
    std::array<uint32_t, 8> a{};  // a[7] is ignored: guest code runs on the current stack
};

class GuestCpu {
public:
    virtual ~GuestCpu() = default;
    // Runs the routine at `addr` until its RTS, on the emulation thread, at the current
    // interrupt level. May re-enter the bridge. Returns false if the host could not run it.
    virtual bool call(uint32_t addr, GuestRegs &regs) = 0;
};

}  // namespace mtb
