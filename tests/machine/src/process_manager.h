// The Process Manager as one application sees it: itself, the only process. GetCurrentProcess
// gives its serial number; WakeUpProcess (legal at interrupt level: an ASR or completion
// routine wakes its application) is counted for the test that runs the machine and ends the
// current or next WaitNextEvent sleep early (event_traps.cpp).
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstdint>
#include <optional>

namespace mtb::machine {

class Machine;

class ProcessManager {
 public:
  // The application's serial number {high, low}; kCurrentProcess = {0, 2} names it too.
  static constexpr uint32_t kPsnHigh = 0, kPsnLow = 0x2000;
  static constexpr int16_t kProcNotFound = -600;

  bool is_current(uint32_t high, uint32_t low) const {
    return high == 0 && (low == kPsnLow || low == 2 /* kCurrentProcess */);
  }
  int16_t wake_up(uint32_t high, uint32_t low);  // noErr or procNotFound
  // WaitNextEvent: true (once) when a wake-up arrived since the last call.
  bool take_wake_up();
  uint32_t wake_up_calls() const { return wake_up_calls_; }
  void reset() { wake_up_calls_ = 0, wake_pending_ = false; }

 private:
  uint32_t wake_up_calls_ = 0;
  bool wake_pending_ = false;
};

// _OSDispatch (0xA88F): the selector word on top of the Pascal stack.
std::optional<uint32_t> dispatch_os_dispatch(Machine &m, uint32_t pc);

}  // namespace mtb::machine
