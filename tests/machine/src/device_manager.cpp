// SPDX-License-Identifier: GPL-2.0-or-later
#include "device_manager.h"

#include <cctype>
#include <stdexcept>

#include "low_memory.h"

namespace mtb::machine {

namespace {

// Parameter block (IOParam/CntrlParam).
constexpr uint32_t kQLink = 0, kQType = 4, kIoTrap = 6, kIoCmdAddr = 8, kIoCompletion = 12,
                   kIoResult = 16, kIoNamePtr = 18, kIoRefNum = 24, kCsCode = 26;
constexpr uint16_t kIoQType = 2;
// DCE.
constexpr uint32_t kDCtlDriver = 0, kDCtlFlags = 4, kDCtlFlagsLo = 5, kDCtlQHead = 8,
                   kDCtlQTail = 12, kDCtlRefNum = 24, kDCtlDelay = 34, kDCtlEMask = 36,
                   kDCtlMenu = 38, kDceSize = 52;
constexpr uint8_t kDOpened = 0x20, kDRAMBased = 0x40, kDrvrActive = 0x80;
constexpr uint16_t kDReadEnable = 0x0100, kDWritEnable = 0x0200, kDCtlEnable = 0x0400,
                   kDStatEnable = 0x0800;
// DRVR header.
constexpr uint32_t kDrvrFlags = 0, kDrvrDelay = 2, kDrvrEMask = 4, kDrvrMenu = 6, kDrvrOpen = 8,
                   kDrvrPrime = 10, kDrvrCtl = 12, kDrvrStatus = 14, kDrvrClose = 16,
                   kDrvrName = 18;
// Trap word bits and numbers.
constexpr uint16_t kImmediateBit = 0x0200, kAsyncBit = 0x0400;
constexpr int kTrapRead = 2, kTrapWrite = 3, kTrapControl = 4, kTrapStatus = 5;
// Results.
constexpr int16_t kNoErr = 0, kControlErr = -17, kStatusErr = -18, kReadErr = -19,
                  kWritErr = -20, kBadUnitErr = -21, kUnitEmptyErr = -22, kAbortErr = -27,
                  kNotOpenErr = -28, kFnfErr = -43;

bool same_name(const std::string &a, const std::string &b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

int32_t sign_extend(uint32_t word) { return static_cast<int16_t>(word & 0xFFFF); }

}  // namespace

DeviceManager::DeviceManager(DeviceManagerHost &host) : host_(host), ram_(host.ram()) {}

void DeviceManager::init_unit_table(uint16_t entries) {
  uint32_t table = host_.memory().new_ptr(entries * 4u, /*system=*/true, BlockContents::cleared);
  if (!table) throw std::runtime_error("no room for the unit table");
  ram_.w32(lowmem::kUTableBase, table);
  ram_.w16(lowmem::kUnitNtryCnt, entries);
}

int16_t DeviceManager::install_driver(uint32_t driver) {
  const uint32_t table = ram_.r32(lowmem::kUTableBase);
  const uint16_t count = ram_.r16(lowmem::kUnitNtryCnt);
  for (int unit = count - 1; unit >= lowmem::kFirstDynamicUnit; --unit) {
    if (ram_.r32(table + unit * 4u) != 0) continue;
    uint32_t handle = host_.memory().new_handle(kDceSize, /*system=*/true, BlockContents::cleared);
    if (!handle) throw std::runtime_error("no room for a DCE");
    uint32_t dce = ram_.r32(handle);
    const auto refnum = static_cast<int16_t>(~unit);
    ram_.w32(dce + kDCtlDriver, driver);
    // High byte from the header (enable bits); low byte: not open, not RAM-based, not active.
    ram_.w16(dce + kDCtlFlags, ram_.r16(driver + kDrvrFlags) & 0xFF00);
    ram_.w16(dce + kDCtlRefNum, static_cast<uint16_t>(refnum));
    ram_.w16(dce + kDCtlDelay, ram_.r16(driver + kDrvrDelay));
    ram_.w16(dce + kDCtlEMask, ram_.r16(driver + kDrvrEMask));
    ram_.w16(dce + kDCtlMenu, ram_.r16(driver + kDrvrMenu));
    ram_.w32(table + unit * 4u, handle);
    return refnum;
  }
  throw std::runtime_error("unit table full: no free unit from 48 up");
}

int16_t DeviceManager::lookup(int16_t refnum, uint32_t &dce) {
  if (refnum >= 0) return kBadUnitErr;  // file refnums: no File Manager here
  const int unit = ~refnum;
  if (unit >= ram_.r16(lowmem::kUnitNtryCnt)) return kBadUnitErr;
  const uint32_t handle = ram_.r32(ram_.r32(lowmem::kUTableBase) + unit * 4u);
  if (!handle) return kUnitEmptyErr;
  dce = ram_.r32(handle);
  return kNoErr;
}

uint32_t DeviceManager::driver_header(uint32_t dce) {
  uint32_t driver = ram_.r32(dce + kDCtlDriver);
  if (ram_.r8(dce + kDCtlFlagsLo) & kDRAMBased) driver = ram_.r32(driver);  // a handle
  return driver;
}

uint32_t DeviceManager::entry_point(uint32_t dce, int header_offset) {
  const uint32_t driver = driver_header(dce);
  return driver + ram_.r16(driver + header_offset);
}

int32_t DeviceManager::call_driver(uint32_t entry, uint32_t pb, uint32_t dce) {
  GuestRegs regs = host_.current_regs();
  regs.a[0] = pb;
  regs.a[1] = dce;
  if (!host_.call_guest(entry, regs)) return 0;  // stopping: the result no longer matters
  return sign_extend(regs.d[0]);
}

bool DeviceManager::active(uint32_t dce) { return ram_.r8(dce + kDCtlFlagsLo) & kDrvrActive; }

void DeviceManager::set_active(uint32_t dce, bool on) {
  uint8_t lo = ram_.r8(dce + kDCtlFlagsLo);
  ram_.w8(dce + kDCtlFlagsLo, on ? lo | kDrvrActive : lo & ~kDrvrActive);
}

void DeviceManager::enqueue(uint32_t dce, uint32_t pb) {
  ram_.w32(pb + kQLink, 0);
  const uint32_t tail = ram_.r32(dce + kDCtlQTail);
  if (tail)
    ram_.w32(tail + kQLink, pb);
  else
    ram_.w32(dce + kDCtlQHead, pb);
  ram_.w32(dce + kDCtlQTail, pb);
}

uint32_t DeviceManager::dequeue_head(uint32_t dce) {
  const uint32_t head = ram_.r32(dce + kDCtlQHead);
  if (!head) return 0;
  const uint32_t next = ram_.r32(head + kQLink);
  ram_.w32(dce + kDCtlQHead, next);
  if (!next) ram_.w32(dce + kDCtlQTail, 0);
  return head;
}

void DeviceManager::complete(uint32_t pb, int16_t result) {
  ram_.w16(pb + kIoResult, static_cast<uint16_t>(result));
  const uint32_t completion = ram_.r32(pb + kIoCompletion);
  if (!(ram_.r16(pb + kIoTrap) & kAsyncBit) || !completion) return;
  GuestRegs regs = host_.current_regs();
  regs.a[0] = pb;
  regs.d[0] = static_cast<uint32_t>(static_cast<int32_t>(result));
  host_.call_guest(completion, regs);
}

int32_t DeviceManager::fail_early(uint32_t pb, int16_t err) {
  complete(pb, err);
  return err;
}

void DeviceManager::run_queue(uint32_t dce) {
  // An IODone, or a call made by code the driver itself runs, nested inside a driver call of a
  // loop at the same interrupt level only queues; that loop starts the next request. That keeps
  // host recursion bounded by one level per DCE and interrupt level. A request made from an
  // interrupt taken inside the driver call is started here, as the ROM starts a request for a
  // driver that is not busy: left to the interrupted loop, it reached the driver only after
  // the interrupted call, at task level, and a guest re-issuing from its completion routines
  // kept that task-level call from ever returning.
  const std::pair<uint32_t, int> loop{dce, host_.interrupt_level()};
  if (!dispatching_.insert(loop).second) return;
  try {
    while (!active(dce)) {
      const uint32_t head = ram_.r32(dce + kDCtlQHead);
      if (!head) break;
      set_active(dce, true);
      int routine = kDrvrCtl;
      switch (ram_.r16(head + kIoTrap) & 0xFF) {
        case kTrapRead:
        case kTrapWrite: routine = kDrvrPrime; break;
        case kTrapStatus: routine = kDrvrStatus; break;
        default: routine = kDrvrCtl; break;
      }
      // The driver either finishes (jIODone), or returns with the request still queued and
      // drvrActive set (it completes later), or, like .IPP, dequeues requests itself.
      call_driver(entry_point(dce, routine), head, dce);
      if (host_.stopping()) break;
    }
  } catch (...) {
    dispatching_.erase(loop);
    throw;
  }
  dispatching_.erase(loop);
}

int32_t DeviceManager::trap_open(uint16_t trap, uint32_t pb) {
  ram_.w16(pb + kIoTrap, trap);
  ram_.w16(pb + kIoResult, 1);
  const uint32_t name_ptr = ram_.r32(pb + kIoNamePtr);
  const std::string name = name_ptr ? ram_.pascal_string(name_ptr) : std::string();
  const uint32_t table = ram_.r32(lowmem::kUTableBase);
  const uint16_t count = ram_.r16(lowmem::kUnitNtryCnt);
  if (!name.empty() && name[0] == '.') {
    for (uint16_t unit = 0; unit < count; ++unit) {
      const uint32_t handle = ram_.r32(table + unit * 4u);
      if (!handle) continue;
      const uint32_t dce = ram_.r32(handle);
      if (!same_name(ram_.pascal_string(driver_header(dce) + kDrvrName), name)) continue;
      int32_t result = kNoErr;
      if (!(ram_.r8(dce + kDCtlFlagsLo) & kDOpened)) {
        result = call_driver(entry_point(dce, kDrvrOpen), pb, dce);
        if (result == kNoErr) ram_.w8(dce + kDCtlFlagsLo, ram_.r8(dce + kDCtlFlagsLo) | kDOpened);
      }
      ram_.w16(pb + kIoRefNum, ram_.r16(dce + kDCtlRefNum));
      ram_.w16(pb + kIoResult, static_cast<uint16_t>(result));
      return result;
    }
  }
  host_.note("_Open: no driver named '" + name + "' (and no File Manager)");
  ram_.w16(pb + kIoResult, static_cast<uint16_t>(kFnfErr));
  return kFnfErr;
}

int32_t DeviceManager::trap_close(uint16_t trap, uint32_t pb) {
  ram_.w16(pb + kIoTrap, trap);
  uint32_t dce = 0;
  int32_t result = lookup(static_cast<int16_t>(ram_.r16(pb + kIoRefNum)), dce);
  if (result == kNoErr) {
    if (!(ram_.r8(dce + kDCtlFlagsLo) & kDOpened)) {
      result = kNotOpenErr;
    } else {
      result = call_driver(entry_point(dce, kDrvrClose), pb, dce);
      if (result == kNoErr) ram_.w8(dce + kDCtlFlagsLo, ram_.r8(dce + kDCtlFlagsLo) & ~kDOpened);
    }
  }
  ram_.w16(pb + kIoResult, static_cast<uint16_t>(result));
  return result;
}

int32_t DeviceManager::trap_io(uint16_t trap, uint32_t pb) {
  ram_.w16(pb + kIoTrap, trap);
  ram_.w16(pb + kIoResult, 1);
  ram_.w16(pb + kQType, kIoQType);
  uint32_t dce = 0;
  if (int16_t err = lookup(static_cast<int16_t>(ram_.r16(pb + kIoRefNum)), dce))
    return fail_early(pb, err);
  const uint16_t flags = ram_.r16(dce + kDCtlFlags);
  if (!(flags & kDOpened)) return fail_early(pb, kNotOpenErr);
  int routine = kDrvrCtl;
  switch (trap & 0xFF) {
    case kTrapRead:
      if (!(flags & kDReadEnable)) return fail_early(pb, kReadErr);
      routine = kDrvrPrime;
      break;
    case kTrapWrite:
      if (!(flags & kDWritEnable)) return fail_early(pb, kWritErr);
      routine = kDrvrPrime;
      break;
    case kTrapControl:
      if (!(flags & kDCtlEnable)) return fail_early(pb, kControlErr);
      routine = kDrvrCtl;
      break;
    case kTrapStatus:
      if (!(flags & kDStatEnable)) return fail_early(pb, kStatusErr);
      routine = kDrvrStatus;
      break;
    default: throw std::logic_error("trap_io with a trap that is not an I/O trap");
  }
  const uint32_t entry = entry_point(dce, routine);
  ram_.w32(pb + kIoCmdAddr, entry);

  if (trap & kImmediateBit) {
    // Never queued, never completed by IODone: the driver's d0 is the trap's result.
    return call_driver(entry, pb, dce);
  }
  enqueue(dce, pb);
  run_queue(dce);  // does nothing while the driver is busy: the request waits its turn
  if (trap & kAsyncBit) {
    const int32_t result = sign_extend(ram_.r16(pb + kIoResult));
    return result <= 0 ? result : kNoErr;
  }
  if (!host_.wait_for_result(pb + kIoResult)) return kNoErr;
  return sign_extend(ram_.r16(pb + kIoResult));
}

int32_t DeviceManager::trap_kill_io(uint16_t trap, uint32_t pb) {
  uint32_t dce = 0;
  if (int16_t err = lookup(static_cast<int16_t>(ram_.r16(pb + kIoRefNum)), dce)) {
    ram_.w16(pb + kIoResult, static_cast<uint16_t>(err));
    return err;
  }
  // Cancel everything still queued, then tell the driver (immediate Control, killCode).
  while (const uint32_t queued = dequeue_head(dce)) {
    set_active(dce, false);
    complete(queued, kAbortErr);
  }
  set_active(dce, false);
  ram_.w16(pb + kIoTrap, static_cast<uint16_t>(0xA204 | (trap & kAsyncBit)));
  ram_.w16(pb + kCsCode, 1);
  const int32_t result = call_driver(entry_point(dce, kDrvrCtl), pb, dce);
  ram_.w16(pb + kIoResult, static_cast<uint16_t>(result));
  return result;
}

void DeviceManager::io_done(uint32_t dce, int16_t result) {
  const uint32_t pb = dequeue_head(dce);
  if (!pb) {
    host_.note("IODone called with an empty driver queue (DCE " + std::to_string(dce) + ")");
    return;
  }
  set_active(dce, false);
  complete(pb, result);
  run_queue(dce);
}

}  // namespace mtb::machine
