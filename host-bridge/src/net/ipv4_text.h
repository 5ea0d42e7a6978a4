// IPv4 addresses: the one formatter of log lines, trace output, TLS names and the DNR, and the
// one loopback test.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstdint>
#include <string>

namespace mtb {

// "a.b.c.d" from a host-byte-order address.
std::string format_ipv4(uint32_t address);

// Any 127/8 address (host byte order): only this host reaches it.
inline bool is_loopback_ipv4(uint32_t address) { return (address >> 24) == 127; }

}  // namespace mtb
