// IP-level calls: ipctlGetAddr (15), ipctlEchoICMP (17), ipctlLAPStats (19).
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include "driver/call.h"
#include "driver/driver_core.h"
#include "ip/host_network_info.h"

namespace mtb {

class IpService final : public Service {
public:
    IpService(DriverCore &core, const HostNetworkInfo &network) : core_(&core), network_(&network) {}
    Outcome handle(Call &call) override;
    void reset() override {}

private:
    Outcome get_addr(Call &call);

    DriverCore *core_;
    const HostNetworkInfo *network_;
};

}  // namespace mtb
