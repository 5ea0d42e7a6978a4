// The Device Manager, modelled on the ROM (Inside Macintosh: Devices) closely enough to show
// the serialization a real Mac imposes on a driver:
//  - unit table in low memory (UTableBase/UnitNtryCnt), DCE handles, DRVR headers;
//  - _Open by name, case-insensitively, calling the driver's Open once (dOpened);
//  - _Read/_Write/_Control/_Status: immediate calls go straight to the driver; queued calls are
//    put on dCtlQHdr and the driver is only entered when it is not already busy (drvrActive):
//    a request behind a busy driver waits until IODone starts it; a request for a driver that
//    is not busy is started at once, also from an interrupt taken inside a call to the driver;
//  - IODone (reached through jIODone) dequeues the head, stores ioResult, clears drvrActive,
//    calls ioCompletion (a0 = pb, d0 = result) for async requests and starts the next one;
//  - synchronous calls wait for ioResult <= 0 with interrupts serviced (DeviceManagerHost);
//  - _KillIO cancels queued requests with abortErr, then an immediate Control killCode.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "cpu.h"
#include "guest_ram.h"
#include "memory_manager.h"

namespace mtb::machine {

// What the Device Manager needs from the rest of the machine.
class DeviceManagerHost {
 public:
  virtual ~DeviceManagerHost() = default;
  virtual GuestRam &ram() = 0;
  virtual MemoryManager &memory() = 0;
  // Calls guest code (nested) with `regs`; returns false when the run is stopping.
  virtual bool call_guest(uint32_t addr, GuestRegs &regs) = 0;
  virtual GuestRegs current_regs() = 0;
  // Waits (servicing interrupts) until the word at `result_addr` is <= 0; false when stopping.
  virtual bool wait_for_result(uint32_t result_addr) = 0;
  virtual void note(const std::string &line) = 0;
  // The interrupt mask of the running guest code (0 = task level).
  virtual int interrupt_level() = 0;
  virtual bool stopping() = 0;  // the run is ending (exit, fault, timeout): unwind
};

class DeviceManager {
 public:
  explicit DeviceManager(DeviceManagerHost &host);

  void init_unit_table(uint16_t entries);
  // Installs a pointer-based (ROM-style, dRAMBased clear) driver whose DRVR header is at
  // `driver`, in the highest free unit >= 48; returns its refnum. Does not open it.
  int16_t install_driver(uint32_t driver);

  // The traps; a0 = parameter block. Each returns the value for d0.
  int32_t trap_open(uint16_t trap, uint32_t pb);
  int32_t trap_close(uint16_t trap, uint32_t pb);
  int32_t trap_io(uint16_t trap, uint32_t pb);  // _Read, _Write, _Control, _Status
  int32_t trap_kill_io(uint16_t trap, uint32_t pb);
  // The IODone routine behind jIODone: a1 = DCE, d0 = result.
  void io_done(uint32_t dce, int16_t result);

 private:
  int16_t lookup(int16_t refnum, uint32_t &dce);
  uint32_t driver_header(uint32_t dce);
  uint32_t entry_point(uint32_t dce, int header_offset);
  int32_t call_driver(uint32_t entry, uint32_t pb, uint32_t dce);
  void enqueue(uint32_t dce, uint32_t pb);
  uint32_t dequeue_head(uint32_t dce);
  void complete(uint32_t pb, int16_t result);
  int32_t fail_early(uint32_t pb, int16_t err);
  void run_queue(uint32_t dce);
  bool active(uint32_t dce);
  void set_active(uint32_t dce, bool on);

  DeviceManagerHost &host_;
  GuestRam &ram_;
  // (DCE, interrupt level) of each run_queue loop on the host stack.
  std::set<std::pair<uint32_t, int>> dispatching_;
};

}  // namespace mtb::machine
