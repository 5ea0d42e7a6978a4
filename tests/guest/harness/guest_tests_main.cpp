// The guest suites' main: `--cpu=68000|68020` picks the process's one CPU model.
// SPDX-License-Identifier: GPL-2.0-or-later
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>

#include "guest_harness.h"

namespace mtb::guest {
void set_cpu(machine::CpuModel model);
}

int main(int argc, char **argv) {
    ::testing::InitGoogleTest(&argc, argv);
    for (int i = 1; i < argc; ++i) {
        if (std::strncmp(argv[i], "--cpu=", 6) != 0) continue;
        if (auto model = mtb::machine::parse_cpu_model(argv[i] + 6)) {
            mtb::guest::set_cpu(*model);
            return RUN_ALL_TESTS();
        }
    }
    if (::testing::GTEST_FLAG(list_tests)) return RUN_ALL_TESTS();  // ctest's test discovery
    std::fprintf(stderr, "usage: %s --cpu=68000|68020 [gtest flags]\n", argv[0]);
    return 2;
}
