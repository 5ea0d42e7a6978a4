// The Device Manager with .TestDrv (installed from the fake plugin's driver image exactly as
// the emulator glue installs the real one), and the plugin loading rules.
// SPDX-License-Identifier: GPL-2.0-or-later
#include <gtest/gtest.h>

#include "fake_plugin.h"
#include "machine_test_support.h"

namespace mtb::machine::testing {
namespace {

TEST(MachineDevices, QueueSemanticsWithTestDriver) {
  FakePlugin plugin;
  FakePlugin::Scope scope(plugin);
  MachineOptions o = default_options();
  o.plugin_entry = &FakePlugin::entry;
  {
    TestMachine m(o);
    EXPECT_LT(m.driver_refnum(), 0);
    RunResult r = m.run_program(guest_program("machine_selftest_devices"));
    EXPECT_TRUE(r.ok()) << r.failure << "\n" << r.output;
    EXPECT_NE(r.output.find(" passed, 0 failed"), std::string::npos) << r.output;
    EXPECT_EQ(plugin.opens, 1);   // opened twice by name, Open entry called once
    EXPECT_EQ(plugin.kills, 1);   // _KillIO reached the driver as Control killCode
    EXPECT_EQ(plugin.closes, 1);
    EXPECT_EQ(plugin.execute68k_outside(), 1);  // only legal inside emul_op/interrupt
    m.reset_plugin();
    EXPECT_EQ(plugin.resets, 1);
  }
  EXPECT_EQ(plugin.shutdowns, 1);
}

TEST(MachinePlugin, MissingLibraryIsAnError) {
  MachineOptions o = default_options();
  o.plugin_path = "/nonexistent/libmactcp_bridge.so";
  EXPECT_THROW(TestMachine m(o), std::runtime_error);
}

TEST(MachinePlugin, RefusingPluginIsAnError) {
  MachineOptions o = default_options();
  o.plugin_entry = [](const mtb_host_api *) -> const mtb_plugin_api * { return nullptr; };
  EXPECT_THROW(TestMachine m(o), std::runtime_error);
}

TEST(MachinePlugin, WrongAbiVersionIsAnError) {
  static mtb_plugin_api bad{};
  bad.abi_version = MTB_ABI_VERSION + 1;
  bad.struct_size = sizeof bad;
  MachineOptions o = default_options();
  o.plugin_entry = [](const mtb_host_api *) -> const mtb_plugin_api * { return &bad; };
  EXPECT_THROW(TestMachine m(o), std::runtime_error);
}

}  // namespace
}  // namespace mtb::machine::testing
