// The Toolbox calls around MacTCP that real clients make: file information over the virtual
// folders, the event-loop idle points and the Process Manager.
// SPDX-License-Identifier: GPL-2.0-or-later
#include <gtest/gtest.h>

#include "fake_plugin.h"
#include "machine_test_support.h"

namespace mtb::machine::testing {
namespace {

VirtualFile text_file(VirtualFile::Folder folder, const std::string &name, const std::string &data) {
  VirtualFile f;
  f.folder = folder;
  f.name = name;
  f.data = data;
  return f;
}

TEST(MachineToolbox, FileInfoOverTheVirtualFolders) {
  MachineOptions o = default_options();
  o.files = {text_file(VirtualFile::Folder::control_panels, "Alpha", "alpha-data"),
             text_file(VirtualFile::Folder::control_panels, "Beta", "b"),
             text_file(VirtualFile::Folder::system_folder, "Hosts", "hosts")};
  TestMachine m(o);
  RunResult r = m.run_program(guest_program("machine_selftest_files"));
  EXPECT_TRUE(r.ok()) << r.failure << "\n" << r.output;
  EXPECT_NE(r.output.find(" passed, 0 failed"), std::string::npos) << r.output;
}

TEST(MachineToolbox, IdlePointsAndWakeUpProcess) {
  FakePlugin plugin;
  FakePlugin::Scope scope(plugin);
  MachineOptions o = default_options();
  o.plugin_entry = &FakePlugin::entry;
  o.params["mode"] = "0";
  TestMachine m(o);
  RunResult r = m.run_program(guest_program("machine_selftest_events"));
  EXPECT_TRUE(r.ok()) << r.failure << "\n" << r.output;
  EXPECT_NE(r.output.find(" passed, 0 failed"), std::string::npos) << r.output;
  // kCurrentProcess once from the program, once from an interrupt callback; the call naming
  // another process failed and is not counted.
  EXPECT_EQ(r.wake_up_process_calls, 2u);
  EXPECT_EQ(plugin.callbacks, 6);
}

TEST(MachineToolbox, MissingOsDispatchSelectorEndsTheRunWithAReport) {
  FakePlugin plugin;
  FakePlugin::Scope scope(plugin);
  MachineOptions o = default_options();
  o.plugin_entry = &FakePlugin::entry;
  o.params["mode"] = "1";
  TestMachine m(o);
  RunResult r = m.run_program(guest_program("machine_selftest_events"));
  EXPECT_FALSE(r.exited);
  EXPECT_NE(r.failure.find("unimplemented _OSDispatch selector 0x0038"), std::string::npos) << r.failure;
  EXPECT_EQ(r.output.find("not reached"), std::string::npos);
}

}  // namespace
}  // namespace mtb::machine::testing
