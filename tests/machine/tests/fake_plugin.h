// An in-process stand-in for libmactcp_bridge, used by the machine's own tests. It serves the
// .TestDrv image (test_drvr.S) as its driver and scripts interrupt traffic:
//   .TestDrv Control 103 with csParam[0] = command:
//     kArm     (1): long at csParam+2 = guest callback, word at +6 = count, word at +8 = ms apart.
//                   A thread raises `count` interrupts; every interrupt() calls the callback once
//                   per raise (execute68k), so coalesced raises are not lost.
//     kProbe   (2): counts the call, and whether it came from inside interrupt() (re-entrancy).
//     kQuery   (3): writes interrupts serviced (long at csParam+2), callbacks run (+6), probes
//                   made from inside interrupt() (+10), interrupts raised by the thread (+14).
//     kPend    (4): leaves the request pending; word at csParam+2 = ms until an interrupt whose
//                   handler completes it through the driver's IODone path (execute68k).
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "mactcp_bridge/abi.h"

namespace mtb::machine::testing {

class FakePlugin {
 public:
  enum Command : uint16_t { kArm = 1, kProbe = 2, kQuery = 3, kPend = 4 };

  FakePlugin();
  ~FakePlugin();

  // The mtb_entry_fn to put in MachineOptions::plugin_entry; answers with the instance
  // installed by the most recent FakePlugin::Scope.
  static const mtb_plugin_api *entry(const mtb_host_api *host);
  struct Scope {
    explicit Scope(FakePlugin &p);
    ~Scope();
  };

  const mtb_host_api *host() const { return host_; }
  std::atomic<int> opens{0}, closes{0}, kills{0}, interrupts{0}, callbacks{0}, probes{0},
      probes_in_interrupt{0}, resets{0}, shutdowns{0};
  // Calls host->execute68k from the test thread (outside emul_op/interrupt): must be refused.
  int execute68k_outside();

 private:
  static FakePlugin *current_;
  static void emul_op_fn(void *self, mtb_regs *regs);
  static void interrupt_fn(void *self);
  static void reset_fn(void *self);
  static void shutdown_fn(void *self);
  void emul_op(mtb_regs &regs);
  void interrupt();
  void control(mtb_regs &regs);
  uint16_t r16(uint32_t addr);
  uint32_t r32(uint32_t addr);
  void w32(uint32_t addr, uint32_t v);
  void start_raiser(int count, int interval_ms);
  void join_raiser();

  const mtb_host_api *host_ = nullptr;
  mtb_plugin_api api_{};
  std::vector<uint32_t> emul_op_offsets_;
  std::thread raiser_;
  std::atomic<int> raised_{0};    // raises not yet serviced by a callback
  std::atomic<int> raised_total_{0};  // every raise, serviced or not (kQuery)
  std::atomic<int> to_complete_{0};
  uint32_t callback_ = 0;
  uint32_t driver_ = 0, dce_ = 0;
  bool in_interrupt_ = false;
};

}  // namespace mtb::machine::testing
