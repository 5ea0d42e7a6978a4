// The 68k test machine: Unicorn running guest programs above a minimal host-side Toolbox
// (Device Manager with real queue semantics, Memory Manager, Gestalt, Ticks, level-1
// interrupts), hosting the MacTCP Bridge plugin through the real C ABI (plugin/abi.h).
//
// One CPU model per process: Unicorn's opcode table is process-global and built by the first
// engine (unicorn-m68k-notes section 2a); constructing a machine with another model throws.
//
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mactcp_bridge/abi.h"
#include "mtb_machine/virtual_files.h"

namespace mtb::machine {

enum class CpuModel { M68000, M68020 };
std::optional<CpuModel> parse_cpu_model(std::string_view name);  // "68000" / "68020"
const char *cpu_model_name(CpuModel model);

struct MachineOptions {
  CpuModel cpu = CpuModel::M68000;
  uint32_t ram_size = 8u << 20;
  // The plugin: a shared library to dlopen (libmactcp_bridge.so), or an in-process entry point
  // (tests' fakes). At most one; with neither the machine runs without a plugin.
  std::string plugin_path;
  mtb_entry_fn plugin_entry = nullptr;
  std::map<std::string, std::string> prefs;   // answered through mtb_host_api.pref_string
  std::map<std::string, std::string> params;  // answered through the PARAM host calls
  std::map<uint32_t, uint32_t> gestalt;       // selector -> response
  std::chrono::milliseconds timeout{10000};   // whole run, wall clock
  bool echo_output = false;  // also copy guest output to stdout as it arrives
  bool echo_log = true;      // also copy plugin log lines to stderr
  std::vector<VirtualFile> files;  // Control Panels / System Folder / System file (resource_manager.h)
};

struct RunResult {
  bool exited = false;   // the program ended through EXIT (or returned from main)
  int exit_code = -1;
  std::string output;    // everything the guest printed
  std::string failure;   // fault / timeout / load error report; empty when exited
  std::vector<std::string> log;  // plugin log lines ("[level] text") and machine notes
  uint32_t wake_up_process_calls = 0;  // WakeUpProcess calls that named the program's process
  // The watchdog fired (options.timeout ran out) before the run ended: a run that ends by
  // itself says so without a wall-clock bound a loaded host can overrun.
  bool timed_out = false;
  double seconds = 0;   // for reports only: tests assert what happened, not how fast
  bool ok() const { return exited && exit_code == 0; }
};

class Machine;

class TestMachine {
 public:
  // Builds the machine: RAM, low memory, Toolbox, loads the plugin and installs its driver.
  // Throws std::runtime_error when that fails (bad plugin, wrong CPU model for this process).
  explicit TestMachine(MachineOptions options);
  ~TestMachine();
  TestMachine(const TestMachine &) = delete;
  TestMachine &operator=(const TestMachine &) = delete;

  void set_param(const std::string &name, const std::string &value);
  void register_gestalt(uint32_t selector, uint32_t value);

  // Loads a flat binary at MTB_GUEST_LOAD_ADDRESS and runs it to its end. May be called again
  // (heaps and the plugin keep their state; code caches are flushed).
  RunResult run_program(const std::string &bin_path);
  RunResult run_image(std::span<const uint8_t> image);

  // Tells the plugin the guest restarted (mtb_plugin_api.reset), as an emulator's reset does.
  void reset_plugin();
  // The refnum of the plugin's driver (0 when there is no plugin).
  int16_t driver_refnum() const;
  // Direct RAM access for tests that inspect guest state after a run.
  uint8_t *ram();
  uint32_t ram_size() const;

 private:
  std::unique_ptr<Machine> machine_;
};

}  // namespace mtb::machine
