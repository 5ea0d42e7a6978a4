// SPDX-License-Identifier: GPL-2.0-or-later
#include "policy/listen_address.h"

#include <arpa/inet.h>

namespace mtb {

std::optional<std::string> ListenAddress::configure(std::string_view pref) {
    if (pref.empty() || pref == "loopback" || pref == "localhost") {
        address_ = kLoopback;
        return std::nullopt;
    }
    if (pref == "any" || pref == "all") {
        address_ = 0;
        return std::nullopt;
    }
    in_addr parsed{};
    const std::string text(pref);
    if (::inet_pton(AF_INET, text.c_str(), &parsed) != 1)
        return "ipplisten '" + text + "' is not loopback, any or an IPv4 address; listening on loopback";
    address_ = ntohl(parsed.s_addr);
    return std::nullopt;
}

}  // namespace mtb
