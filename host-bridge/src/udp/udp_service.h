// UDP calls (csCodes 20..29).
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include "driver/call.h"
#include "driver/driver_core.h"
#include "ip/host_network_info.h"

namespace mtb {

class UdpService final : public Service {
public:
    UdpService(DriverCore &core, const HostNetworkInfo &network) : core_(&core), network_(&network) {}
    Outcome handle(Call &call) override;
    void reset() override {}

    // Largest UDP payload that avoids fragmentation towards `destination` (host byte order).
    uint16_t max_mtu_size(uint32_t destination) const;

private:
    Outcome max_mtu(Call &call);

    DriverCore *core_;
    const HostNetworkInfo *network_;
};

}  // namespace mtb
