// The machine's core: owns RAM, CPU, Toolbox managers, the interrupt line and the plugin, and
// is the CpuClient that routes every trap. Traps are decoded in aline_traps.cpp and
// host_calls.cpp; TestMachine (test_machine.cpp) is the public face.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "cpu.h"
#include "device_manager.h"
#include "gestalt_table.h"
#include "guest_ram.h"
#include "interrupt_line.h"
#include "memory_manager.h"
#include "mtb_machine/test_machine.h"
#include "plugin_host.h"
#include "process_manager.h"
#include "resource_manager.h"

namespace mtb::machine {

class Machine final : public CpuClient, public DeviceManagerHost, public PluginServices {
 public:
  explicit Machine(MachineOptions options);
  ~Machine() override;

  RunResult run_image(std::span<const uint8_t> image);
  void set_param(const std::string &name, const std::string &value);
  void register_gestalt(uint32_t selector, uint32_t value);
  int16_t driver_refnum() const { return driver_refnum_; }

  // --- for the trap handlers ---
  Cpu &cpu() { return *cpu_; }
  DeviceManager &devices() { return *devices_; }
  InterruptLine &irq() { return irq_; }
  PluginHost *plugin() { return plugin_.get(); }
  const MachineOptions &options() const { return options_; }
  GestaltTable &gestalt() { return gestalt_; }
  ResourceManager &resources() { return *resources_; }
  ProcessManager &processes() { return processes_; }
  const std::string *param(const std::string &name) const;

  void print(const std::string &text);
  void exit_program(int32_t code);
  // Ends the run with a report (first failure wins), including the CPU state.
  void fail(const std::string &what);
  uint32_t update_ticks();
  // Host-side waiting (sync I/O, Delay, IDLE): runs until done() or the run stops, servicing
  // the plugin's interrupt whenever the guest's mask allows it. False when stopping.
  bool host_wait(const std::function<bool()> &done);
  // Calls the plugin's interrupt() at level 1 from a host-side wait (no guest frame needed).
  void service_interrupt_from_host();
  // An idle point (the Event Manager calls): services the plugin's pending interrupt now if the
  // guest's interrupt mask lets it through.
  void deliver_pending_interrupt();
  // Counts nesting of plugin entries (execute68k is legal only inside them).
  struct PluginCall {
    explicit PluginCall(Machine &m) : m_(m) { ++m_.plugin_depth_; }
    ~PluginCall() { --m_.plugin_depth_; }
    Machine &m_;
  };

  // CpuClient
  std::optional<uint32_t> on_exception(uint32_t intno, uint32_t pc) override;
  void on_block(uint32_t address) override;
  void on_stop_instruction() override;
  void on_cpu_failure(const std::string &what) override;

  // DeviceManagerHost (ram() is shared with PluginServices)
  GuestRam &ram() override { return ram_; }
  MemoryManager &memory() override { return *memory_; }
  bool call_guest(uint32_t addr, GuestRegs &regs) override { return cpu_->call(addr, regs); }
  GuestRegs current_regs() override { return cpu_->regs(); }
  bool wait_for_result(uint32_t result_addr) override;
  void note(const std::string &line) override;
  int interrupt_level() override;
  bool stopping() override { return cpu_->stopping(); }

  // PluginServices
  int execute68k(uint32_t addr, mtb_regs *regs) override;
  void raise_interrupt() override { irq_.raise(); }
  const char *pref_string(const char *name) override;
  void plugin_log(int level, const char *line) override;

 private:
  void init_low_memory();
  void install_plugin_driver();

  MachineOptions options_;
  GuestRam ram_;
  std::unique_ptr<Cpu> cpu_;
  std::unique_ptr<MemoryManager> memory_;
  std::unique_ptr<DeviceManager> devices_;
  std::unique_ptr<ResourceManager> resources_;
  InterruptLine irq_;
  std::unique_ptr<PluginHost> plugin_;  // last: shut down first (its threads raise irq_)
  GestaltTable gestalt_;
  ProcessManager processes_;
  int16_t driver_refnum_ = 0;
  int plugin_depth_ = 0;

  std::chrono::steady_clock::time_point tick_origin_;
  uint32_t block_counter_ = 0;

  // Per-run results.
  std::string output_;
  bool exited_ = false;
  int32_t exit_code_ = -1;
  std::string failure_;
  std::atomic<bool> timed_out_{false};

  std::mutex log_mutex_;
  std::vector<std::string> log_;
};

}  // namespace mtb::machine
