// IP-level calls: ipctlGetAddr (15), ipctlEchoICMP (17), ipctlLAPStats (19).
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include "driver/call.h"
#include "driver/driver_core.h"
#include "ip/host_network_info.h"
#include "ip/icmp_echo.h"

namespace mtb {

class IpService final : public Service {
public:
    IpService(DriverCore &core, const HostNetworkInfo &network) : core_(&core), network_(&network), echo_(core) {}
    Outcome handle(Call &call) override;
    void reset() override { echo_.reset(); }

    IcmpEcho &echo() { return echo_; }

private:
    Outcome get_addr(Call &call);
    Outcome lap_stats(Call &call);

    DriverCore *core_;
    const HostNetworkInfo *network_;
    IcmpEcho echo_;
};

}  // namespace mtb
