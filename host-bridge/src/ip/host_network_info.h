// What the host's network looks like from the guest's side (design.md section 5).
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstdint>

namespace mtb {

struct HostNetworkInfo {
    uint32_t address = 0x7F000001;  // host byte order; the outward IPv4 address
    uint32_t netmask = 0xFF000000;
    uint32_t mtu = 1500;            // link MTU of that interface
    bool found_outward_interface = false;

    bool on_our_subnet(uint32_t other) const { return (other & netmask) == (address & netmask); }
};

// The interface of the IPv4 default route (else the first non-loopback IPv4 interface that is
// up; else loopback). Sends nothing on the network.
HostNetworkInfo discover_host_network();

}  // namespace mtb
