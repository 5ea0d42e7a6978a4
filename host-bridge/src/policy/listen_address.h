// The `ipplisten` pref: the host address other hosts may reach the guest on (design.md 5).
// Parsed once, by DriverCore, for TCP listeners, UDP streams and ICMP echo alike.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "net/ipv4_text.h"  // format_ipv4 (for the users of the address), is_loopback_ipv4

namespace mtb {

class ListenAddress {
public:
    static constexpr uint32_t kLoopback = 0x7F000001;

    // "loopback" | "localhost" | "" (the default, 127.0.0.1), "any" | "all" (every interface,
    // 0.0.0.0), "any6" | "::" (every interface, IPv6 as well: TCP listeners are dual-stack
    // [::] sockets, UDP and ICMP stay on 0.0.0.0), or a dotted IPv4 address. Returns a
    // description of a malformed value; the previous address is then kept.
    std::optional<std::string> configure(std::string_view pref);

    uint32_t address() const { return address_; }  // host byte order; 0 = every interface
    bool every_interface() const { return address_ == 0; }
    // `any6`: TCP listeners also take IPv6 clients (each gets a stand-in address the guest sees).
    bool ipv6() const { return ipv6_; }
    // Only this host can reach it (any 127/8 address): other hosts' traffic is not invited.
    bool loopback_only() const { return is_loopback_ipv4(address_); }
    // A chosen interface other than the loopback default (not 0.0.0.0, not 127.0.0.1).
    bool names_an_interface() const { return address_ != 0 && address_ != kLoopback; }

private:
    uint32_t address_ = kLoopback;
    bool ipv6_ = false;
};

}  // namespace mtb
