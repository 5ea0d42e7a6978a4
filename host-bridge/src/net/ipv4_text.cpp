// SPDX-License-Identifier: GPL-2.0-or-later
#include "net/ipv4_text.h"

#include <fmt/format.h>

namespace mtb {

std::string format_ipv4(uint32_t a) { return fmt::format("{}.{}.{}.{}", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255); }

}  // namespace mtb
