// Level-1 interrupts raised from a plugin thread: taken by a spinning guest, by IDLE and STOP,
// held while masked, serviced inside a synchronous _Control wait; the plugin's interrupt()
// calls guest code (execute68k) that traps back into the plugin.
// SPDX-License-Identifier: GPL-2.0-or-later
#include <gtest/gtest.h>

#include "fake_plugin.h"
#include "machine_test_support.h"

namespace mtb::machine::testing {
namespace {

TEST(MachineInterrupts, DeliveredNestedAndReentrant) {
  FakePlugin plugin;
  FakePlugin::Scope scope(plugin);
  MachineOptions o = default_options();
  o.plugin_entry = &FakePlugin::entry;
  TestMachine m(o);
  RunResult r = m.run_program(guest_program("machine_selftest_interrupts"));
  EXPECT_TRUE(r.ok()) << r.failure << "\n" << r.output;
  EXPECT_NE(r.output.find(" passed, 0 failed"), std::string::npos) << r.output;
  EXPECT_EQ(plugin.callbacks, 7);
  EXPECT_EQ(plugin.probes_in_interrupt, 7);
  EXPECT_LT(r.seconds, 3.0);
}

}  // namespace
}  // namespace mtb::machine::testing

namespace mtb::machine::testing {
namespace {

RunResult run_nested(int mode) {
  FakePlugin plugin;
  FakePlugin::Scope scope(plugin);
  MachineOptions o = default_options();
  o.plugin_entry = &FakePlugin::entry;
  o.params["mode"] = std::to_string(mode);
  o.timeout = std::chrono::milliseconds(400);
  TestMachine m(o);
  return m.run_program(guest_program("machine_selftest_nested"));
}

TEST(MachineNestedRunEnds, TimeoutInsideAnInterruptCallbackUnwinds) {
  RunResult r = run_nested(1);
  EXPECT_FALSE(r.exited);
  EXPECT_NE(r.failure.find("timeout"), std::string::npos) << r.failure;
  EXPECT_LT(r.seconds, 2.0);
}

TEST(MachineNestedRunEnds, FaultInsideAnInterruptCallbackUnwinds) {
  RunResult r = run_nested(2);
  EXPECT_FALSE(r.exited);
  EXPECT_NE(r.failure.find("illegal instruction 0x4afc"), std::string::npos) << r.failure;
}

TEST(MachineNestedRunEnds, ExitInsideAnInterruptCallbackEndsTheProgram) {
  RunResult r = run_nested(3);
  EXPECT_TRUE(r.exited) << r.failure;
  EXPECT_EQ(r.exit_code, 42);
}

}  // namespace
}  // namespace mtb::machine::testing
