// The `ippallow` pref: where the guest may connect or send (design.md section 5).
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mtb {

// A list of IPv4 CIDR blocks ("127.0.0.0/8,192.0.2.7"). Empty = everything allowed, like any NAT.
class OutgoingPolicy {
public:
    // Parses the pref; returns an error description for a malformed entry (nothing is then
    // allowed, so a typo cannot silently open a kiosk to the world).
    std::optional<std::string> configure(std::string_view pref);
    bool allows(uint32_t address) const;  // host byte order
    bool restricted() const { return restricted_; }

private:
    struct Block {
        uint32_t network, mask;
    };
    std::vector<Block> blocks_;
    bool restricted_ = false;
};

}  // namespace mtb
