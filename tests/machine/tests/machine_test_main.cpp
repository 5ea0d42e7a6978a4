// SPDX-License-Identifier: GPL-2.0-or-later
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>

#include "machine_test_support.h"

namespace mtb::machine::testing {

namespace {
CpuModel g_cpu = CpuModel::M68000;
}

CpuModel test_cpu() { return g_cpu; }

std::string guest_program(const std::string &name) {
  return std::string(MTB_GUEST_BIN_DIR) + "/" + name + "." + cpu_model_name(g_cpu) + ".bin";
}

MachineOptions default_options() {
  MachineOptions o;
  o.cpu = g_cpu;
  o.timeout = std::chrono::milliseconds(10000);
  o.echo_log = false;
  return o;
}

}  // namespace mtb::machine::testing

int main(int argc, char **argv) {
  ::testing::InitGoogleTest(&argc, argv);
  bool have_cpu = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--cpu=", 6) == 0) {
      auto model = mtb::machine::parse_cpu_model(argv[i] + 6);
      if (!model) break;
      mtb::machine::testing::g_cpu = *model;
      have_cpu = true;
    }
  }
  if (!have_cpu) {
    std::fprintf(stderr, "usage: %s --cpu=68000|68020 [gtest flags]\n", argv[0]);
    return 2;
  }
  return RUN_ALL_TESTS();
}
