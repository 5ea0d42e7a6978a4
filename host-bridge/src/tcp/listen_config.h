// Where guest listeners listen on the host: prefs `ipplisten` and `ippportmap` (design.md 5).
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mtb {

struct ListenConfig {
    uint32_t address = 0x7F000001;  // host byte order; 0 = every interface
    // Added to a guest port below 1024 when the host refuses to bind it (unprivileged user):
    // 21 -> 10021. 0 disables the mapping (the open then fails like any refused bind).
    uint32_t port_offset = 10000;

    // `ipplisten`: "loopback" (default) | "any" | a dotted IPv4 address. Returns a description
    // of a malformed value (the default is kept).
    std::optional<std::string> set_listen(std::string_view pref);
    // `ippportmap`: a decimal offset ("10000"), "0"/"off" to disable.
    std::optional<std::string> set_port_map(std::string_view pref);

    // The host port a refused guest port is moved to, if it has one.
    std::optional<uint16_t> mapped(uint16_t guest_port) const;
};

std::string format_ipv4(uint32_t address);

}  // namespace mtb
