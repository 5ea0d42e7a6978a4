// Where guest listeners listen on the host: the `ipplisten` address and pref `ippportmap` (design.md 5).
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "policy/listen_address.h"  // format_ipv4

namespace mtb {

struct ListenConfig {
    uint32_t address = 0x7F000001;  // `ipplisten` (DriverCore::listen()); host byte order, 0 = any
    // Added to a guest port below 1024 when the host refuses to bind it (unprivileged user):
    // 21 -> 10021. 0 disables the mapping (the open then fails like any refused bind).
    uint32_t port_offset = 10000;

    // `ippportmap`: a decimal offset ("10000"), "0"/"off" to disable.
    std::optional<std::string> set_port_map(std::string_view pref);

    // The host port a refused guest port is moved to, if it has one.
    std::optional<uint16_t> mapped(uint16_t guest_port) const;
};

}  // namespace mtb
