// What the replay's host side asks of the recording: the recorded answer to the bridge's next
// host request.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

namespace mtb::trace {

class ReplayScript {
public:
    virtual ~ReplayScript() = default;
    // The recorded "host" record the bridge's next host request must match, its "op" checked
    // (a different one ends the replay with a divergence); nullptr once the replay is stopping,
    // when the caller answers with a neutral default. The request's arguments are compared
    // when the bridge records it.
    virtual const nlohmann::json *expect_host(std::string_view op) = 0;
};

}  // namespace mtb::trace
