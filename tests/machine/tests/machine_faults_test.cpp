// Every way a guest can die ends the run with a report (what, PC, opcode, registers) well
// within the timeout: never a hang, never a crash of the host.
// SPDX-License-Identifier: GPL-2.0-or-later
#include <gtest/gtest.h>

#include "machine_test_support.h"

namespace mtb::machine::testing {
namespace {

struct FaultCase {
  int fault;
  const char *expected;  // a piece of the failure report
};

class MachineFaults : public ::testing::TestWithParam<FaultCase> {};

RunResult run_fault(int fault, std::chrono::milliseconds timeout) {
  MachineOptions o = default_options();
  o.params["fault"] = std::to_string(fault);
  o.timeout = timeout;
  TestMachine m(o);
  return m.run_program(guest_program("machine_selftest_faults"));
}

// A fault ends the run by itself: the watchdog (the default, generous timeout) must not be
// what ended it — on a loaded host a short timeout could fire before the guest reached its
// fault. Faults 7 and 8 (a runaway loop, STOP with every interrupt masked) end only by the
// watchdog: a short one, and the run lasts at least that long and ends well before the default
// timeout (a watchdog ignored would never end the run: ctest's TIMEOUT).
constexpr auto kWatchdogCase = std::chrono::milliseconds(400);

bool ends_by_watchdog(int fault) { return fault == 7 || fault == 8; }

TEST_P(MachineFaults, EndsWithAClearReport) {
  const FaultCase c = GetParam();
  const bool watchdog = ends_by_watchdog(c.fault);
  RunResult r = run_fault(c.fault, watchdog ? kWatchdogCase : default_options().timeout);
  EXPECT_FALSE(r.exited) << "exit code " << r.exit_code << "\n" << r.output;
  EXPECT_NE(r.failure.find(c.expected), std::string::npos) << r.failure;
  EXPECT_NE(r.failure.find("PC=0x"), std::string::npos) << r.failure;
  EXPECT_NE(r.failure.find(" D: 0x"), std::string::npos) << r.failure;
  EXPECT_NE(r.failure.find(" A: 0x"), std::string::npos) << r.failure;
  EXPECT_EQ(r.timed_out, watchdog) << r.failure;
  if (watchdog) {
    EXPECT_GE(r.seconds, 0.4);
    EXPECT_LT(r.seconds, std::chrono::duration<double>(default_options().timeout).count());
  }
}

INSTANTIATE_TEST_SUITE_P(
    All, MachineFaults,
    ::testing::Values(FaultCase{1, "read of 4 bytes at unmapped address 0x0f000000"},
                      FaultCase{2, "write of 4 bytes at unmapped address 0x0f000000"},
                      FaultCase{3, "instruction fetch"},
                      FaultCase{4, "illegal instruction 0x4afc"},
                      FaultCase{5, "unimplemented Toolbox trap 0xa9ff"},
                      FaultCase{6, "unknown host call 0x71ab"},
                      FaultCase{7, "timeout"},
                      FaultCase{8, "timeout"},
                      FaultCase{9, "division by zero"}),
    [](const auto &info) { return "fault" + std::to_string(info.param.fault); });

TEST(MachineFaults68020Only, InstructionsFaultOnlyOnThe68000) {
  RunResult r = run_fault(10, default_options().timeout);
  if (test_cpu() == CpuModel::M68000) {
    EXPECT_FALSE(r.exited);
    EXPECT_NE(r.failure.find("illegal instruction 0xe9c0"), std::string::npos) << r.failure;
  } else {
    EXPECT_TRUE(r.ok()) << r.failure;
  }
}

}  // namespace
}  // namespace mtb::machine::testing
