// The Memory Manager traps the machine implements: NewPtr/DisposePtr, NewHandle/DisposeHandle,
// HLock/HUnlock, BlockMove. Every new block is zeroed (real clients rely on fresh heap memory
// being zero), blocks never move, and a handle is the address of a master pointer.
// Each call records its result in the low-memory global MemErr, as the ROM does.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstdint>
#include <set>

#include "guest_ram.h"
#include "heap.h"

namespace mtb::machine {

class MemoryManager {
 public:
  MemoryManager(GuestRam &ram, Heap system_heap, Heap app_heap);

  uint32_t new_ptr(uint32_t size, bool system);  // 0 and memFullErr when it does not fit
  int16_t dispose_ptr(uint32_t ptr);
  uint32_t new_handle(uint32_t size, bool system);
  int16_t dispose_handle(uint32_t handle);
  int16_t check_handle(uint32_t handle);  // HLock/HUnlock: nilHandleErr for unknown handles
  int16_t block_move(uint32_t src, uint32_t dst, uint32_t count);

 private:
  Heap &heap_for(uint32_t addr);
  int16_t set_mem_err(int16_t err);

  GuestRam &ram_;
  Heap system_;
  Heap app_;
  std::set<uint32_t> handles_;
};

}  // namespace mtb::machine
