// IPv4 addresses as text: the one formatter of log lines, trace output, TLS names and the DNR.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstdint>
#include <string>

namespace mtb {

// "a.b.c.d" from a host-byte-order address.
std::string format_ipv4(uint32_t address);

}  // namespace mtb
