// SPDX-License-Identifier: GPL-2.0-or-later
#include "tcp/listen_config.h"

#include <charconv>

namespace mtb {

std::optional<std::string> ListenConfig::set_port_map(std::string_view pref) {
    if (pref == "off" || pref == "none") {
        port_offset = 0;
        return std::nullopt;
    }
    uint32_t value = 0;
    const auto [end, ec] = std::from_chars(pref.data(), pref.data() + pref.size(), value);
    if (ec != std::errc() || end != pref.data() + pref.size() || value > 65535 - 1023)
        return "ippportmap '" + std::string(pref) + "' is not an offset from 0 to 64512; using 10000";
    port_offset = value;
    return std::nullopt;
}

std::optional<uint16_t> ListenConfig::mapped(uint16_t guest_port) const {
    if (port_offset == 0 || guest_port == 0 || guest_port >= 1024) return std::nullopt;
    const uint32_t host_port = guest_port + port_offset;
    if (host_port > 65535) return std::nullopt;
    return static_cast<uint16_t>(host_port);
}

}  // namespace mtb
