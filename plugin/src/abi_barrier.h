// No exception may cross the C ABI (abi.h): every plugin entry point runs its body through
// guarded(), which logs what escaped and lets the caller answer the host in a defined way.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <exception>

#include "mactcp_bridge/abi.h"

namespace mtb::plugin {

// Logs "MacTCP Bridge: <entry> failed: <what>" through the host at error level; never throws.
void report_escaped(const mtb_host_api &host, const char *entry, const char *what) noexcept;

// Runs body(); if it throws, reports it and runs on_failure() (which must not throw).
template <typename Body, typename OnFailure>
void guarded(const mtb_host_api &host, const char *entry, Body &&body, OnFailure &&on_failure) noexcept {
    try {
        body();
        return;
    } catch (const std::exception &error) {
        report_escaped(host, entry, error.what());
    } catch (...) {
        report_escaped(host, entry, "an exception of unknown type");
    }
    on_failure();
}

// The answer to an emul_op whose body threw: d0 = a MacTCP error, and for a request (Prime,
// Control, Status) the same result in the pb's ioResult, so a caller waiting on it goes on.
void answer_failed_call(const mtb_host_api &host, mtb_regs &regs) noexcept;

}  // namespace mtb::plugin
