// The checksum of tests/guest/tcp/common/tcp_util.c, on the host side: what a guest program
// computes over the bytes it received (or is expected to have sent).
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstddef>
#include <cstdint>

namespace mtb::guest {

struct Checksum {
    uint32_t a = 0, b = 0;
    void add(const uint8_t *p, std::size_t n) {
        for (std::size_t i = 0; i < n; ++i) {
            a += p[i];
            b += a;
        }
    }
    uint32_t value() const { return b ^ (a << 7); }
};

}  // namespace mtb::guest
