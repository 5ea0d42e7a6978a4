// Issue 3, item 7: the first MacTCP calls end to end on the 68k test machine.
// SPDX-License-Identifier: GPL-2.0-or-later
#include <gtest/gtest.h>

#include <algorithm>

#include "guest_harness.h"
#include "ip/host_network_info.h"

namespace mtb::guest {

TEST(Foundation, DriverBasicsThroughTheRealPlugin) {
    LoopbackListener listener;
    const HostNetworkInfo network = discover_host_network();
    const uint32_t expected_mtu = std::clamp<uint32_t>(network.mtu - 28, 548, 65507);
    const auto result = run("foundation_driver_basics",
                            {{"listen_port", std::to_string(listener.port())},
                             {"closed_port", std::to_string(closed_loopback_port())},
                             {"expected_addr", std::to_string(network.address)},
                             {"expected_mask", std::to_string(network.netmask)},
                             {"expected_mtu", std::to_string(expected_mtu)}});
    EXPECT_NE(result.output.find(" 0 failed"), std::string::npos) << result.output;
}

}  // namespace mtb::guest
