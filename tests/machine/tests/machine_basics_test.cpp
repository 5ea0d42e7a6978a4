// Guest programs without a plugin: output, exit code, params, runtime, Memory Manager,
// Gestalt, Ticks, callback thunks.
// SPDX-License-Identifier: GPL-2.0-or-later
#include <gtest/gtest.h>

#include "machine_test_support.h"

namespace mtb::machine::testing {
namespace {

TEST(MachineBasics, HelloPrintsAndExitsWithTheParam) {
  MachineOptions o = default_options();
  o.params["exit_code"] = "7";
  TestMachine m(o);
  RunResult r = m.run_program(guest_program("machine_selftest_hello"));
  EXPECT_TRUE(r.exited) << r.failure;
  EXPECT_EQ(r.exit_code, 7);
  EXPECT_EQ(r.output, "hello from the 68k (32-bit)\n");
  EXPECT_FALSE(r.timed_out);  // the run ended with the program, not at the watchdog
}

TEST(MachineBasics, RunsTwiceOnOneMachine) {
  TestMachine m(default_options());
  for (int i = 0; i < 2; ++i) {
    RunResult r = m.run_program(guest_program("machine_selftest_hello"));
    EXPECT_TRUE(r.ok()) << r.failure;
  }
}

TEST(MachineBasics, RuntimeAndToolboxSelfTest) {
  MachineOptions o = default_options();
  o.params = {{"answer", "42"}, {"name", "loopback"}};
  o.gestalt[0x6D746274] = 0x12345678;  // 'mtbt'
  TestMachine m(o);
  RunResult r = m.run_program(guest_program("machine_selftest_basics"));
  EXPECT_TRUE(r.ok()) << r.failure << "\n" << r.output;
  EXPECT_NE(r.output.find(" passed, 0 failed"), std::string::npos) << r.output;
}

TEST(MachineBasics, SeveralCallbackThunksOfEachKind) {
  TestMachine m(default_options());
  RunResult r = m.run_program(guest_program("machine_selftest_thunks"));
  EXPECT_TRUE(r.ok()) << r.failure << "\n" << r.output;
  EXPECT_NE(r.output.find(" passed, 0 failed"), std::string::npos) << r.output;
}

TEST(MachineBasics, MissingProgramIsAFailureNotACrash) {
  TestMachine m(default_options());
  RunResult r = m.run_program("/nonexistent/program.bin");
  EXPECT_FALSE(r.exited);
  EXPECT_NE(r.failure.find("cannot read"), std::string::npos);
}

TEST(MachineBasics, RefusesAnotherCpuModelInThisProcess) {
  MachineOptions o = default_options();
  o.cpu = test_cpu() == CpuModel::M68000 ? CpuModel::M68020 : CpuModel::M68000;
  EXPECT_THROW(TestMachine m(o), std::runtime_error);
}

}  // namespace
}  // namespace mtb::machine::testing
