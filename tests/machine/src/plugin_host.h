// Loads the plugin through the real ABI (plugin/include/mactcp_bridge/abi.h): fills the
// mtb_host_api table, calls the entry point (from a dlopen'ed .so or an in-process function),
// checks the answer and forwards emul_op / interrupt / reset / shutdown.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "guest_ram.h"
#include "mactcp_bridge/abi.h"

namespace mtb::machine {

// What the host table's functions need from the machine.
class PluginServices {
 public:
  virtual ~PluginServices() = default;
  virtual GuestRam &ram() = 0;
  virtual int execute68k(uint32_t addr, mtb_regs *regs) = 0;
  virtual void raise_interrupt() = 0;  // any thread
  virtual const char *pref_string(const char *name) = 0;
  virtual void plugin_log(int level, const char *line) = 0;
};

class PluginHost {
 public:
  // Exactly one of `path` (non-empty) and `entry` (non-null). Throws std::runtime_error when the
  // library or symbol is missing or the plugin refuses the host / returns a malformed table.
  PluginHost(PluginServices &services, uint16_t emul_op_word, const std::string &path,
             mtb_entry_fn entry);
  ~PluginHost();  // shutdown() then dlclose
  PluginHost(const PluginHost &) = delete;
  PluginHost &operator=(const PluginHost &) = delete;

  void emul_op(mtb_regs &regs) { api_->emul_op(api_->self, &regs); }
  void interrupt() { api_->interrupt(api_->self); }
  void reset() { api_->reset(api_->self); }
  void shutdown();

  // The driver image with the host's EMUL_OP word at every placeholder offset.
  std::vector<uint8_t> patched_driver_image() const;

 private:
  static int get_ram(void *ctx, mtb_ram_region *out);
  static int read_guest(void *ctx, uint32_t addr, void *dst, uint32_t len);
  static int write_guest(void *ctx, uint32_t addr, const void *src, uint32_t len);
  static int execute68k(void *ctx, uint32_t addr, mtb_regs *regs);
  static void raise_interrupt(void *ctx);
  static const char *pref_string(void *ctx, const char *name);
  static void log(void *ctx, int level, const char *line);

  PluginServices &services_;
  mtb_host_api host_{};
  void *library_ = nullptr;
  const mtb_plugin_api *api_ = nullptr;
  bool shut_down_ = false;
};

}  // namespace mtb::machine
