// The `ipplisten` pref: the host address other hosts may reach the guest on (design.md 5).
// Parsed once, by DriverCore, for TCP listeners, UDP streams and ICMP echo alike.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "net/ipv4_text.h"  // format_ipv4, for the users of the address

namespace mtb {

class ListenAddress {
public:
    static constexpr uint32_t kLoopback = 0x7F000001;

    // "loopback" | "localhost" | "" (the default, 127.0.0.1), "any" | "all" (every interface,
    // 0.0.0.0), or a dotted IPv4 address. Returns a description of a malformed value; the
    // previous address is then kept.
    std::optional<std::string> configure(std::string_view pref);

    uint32_t address() const { return address_; }  // host byte order; 0 = every interface
    bool every_interface() const { return address_ == 0; }
    // Only this host can reach it (any 127/8 address): other hosts' traffic is not invited.
    bool loopback_only() const { return (address_ >> 24) == 127; }
    // A chosen interface other than the loopback default (not 0.0.0.0, not 127.0.0.1).
    bool names_an_interface() const { return address_ != 0 && address_ != kLoopback; }

private:
    uint32_t address_ = kLoopback;
};

}  // namespace mtb
