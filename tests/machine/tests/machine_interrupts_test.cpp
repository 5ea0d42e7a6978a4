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
  // A lost or late interrupt fails the program's own bounded waits (5 s each), or leaves STOP
  // asleep until the watchdog.
  EXPECT_FALSE(r.timed_out);
}

}  // namespace
}  // namespace mtb::machine::testing

namespace mtb::machine::testing {
namespace {

// Mode 1 never leaves the interrupt callback, so only the watchdog ends it: a short one. Modes 2
// and 3 end by themselves once the plugin's thread has raised the interrupt (1 ms after arming
// on an idle host, later on a loaded one): the default, generous timeout, which must not fire.
RunResult run_nested(int mode, std::chrono::milliseconds timeout = default_options().timeout) {
  FakePlugin plugin;
  FakePlugin::Scope scope(plugin);
  MachineOptions o = default_options();
  o.plugin_entry = &FakePlugin::entry;
  o.params["mode"] = std::to_string(mode);
  o.timeout = timeout;
  TestMachine m(o);
  return m.run_program(guest_program("machine_selftest_nested"));
}

TEST(MachineNestedRunEnds, TimeoutInsideAnInterruptCallbackUnwinds) {
  RunResult r = run_nested(1, std::chrono::milliseconds(400));
  EXPECT_FALSE(r.exited);
  EXPECT_TRUE(r.timed_out);
  EXPECT_NE(r.failure.find("timeout"), std::string::npos) << r.failure;
  // Unwound once the watchdog fired, well before the default timeout a stuck unwinding would
  // take (an unwinding that never happens never ends: ctest's TIMEOUT).
  EXPECT_LT(r.seconds, std::chrono::duration<double>(default_options().timeout).count());
}

TEST(MachineNestedRunEnds, FaultInsideAnInterruptCallbackUnwinds) {
  RunResult r = run_nested(2);
  EXPECT_FALSE(r.exited);
  EXPECT_FALSE(r.timed_out) << r.failure;
  EXPECT_NE(r.failure.find("illegal instruction 0x4afc"), std::string::npos) << r.failure;
}

TEST(MachineNestedRunEnds, ExitInsideAnInterruptCallbackEndsTheProgram) {
  RunResult r = run_nested(3);
  EXPECT_TRUE(r.exited) << r.failure;
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 42);
}

}  // namespace
}  // namespace mtb::machine::testing
