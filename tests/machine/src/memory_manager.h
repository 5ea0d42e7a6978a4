// The Memory Manager traps the machine implements: NewPtr/DisposePtr, NewHandle/DisposeHandle,
// HLock/HUnlock, BlockMove. As on a real Mac, a new block holds whatever was there before unless
// the caller asked for a cleared one (the trap word's clear bit, 0x0200: NewPtrClear,
// NewHandleClear and their Sys variants): here that "whatever" is the recognisable garbage
// pattern MTB_GARBAGE_PATTERN (mtb_guest_abi.h), so a client that forgets to initialise a field
// (ioCompletion, an unused parameter-block field) fails here as it would on the Mac. Blocks
// never move, and a handle is the address of a master pointer. Each call records its result in
// the low-memory global MemErr, as the ROM does.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstdint>
#include <set>

#include "guest_ram.h"
#include "heap.h"

namespace mtb::machine {

// Fills [addr, addr + len) with MTB_GARBAGE_PATTERN, aligned by address (a long at a multiple
// of 4 reads 0xDEADBEEF): fresh heap blocks and the initial stack.
void fill_with_garbage(GuestRam &ram, uint32_t addr, uint32_t len);

enum class BlockContents { garbage, cleared };

class MemoryManager {
 public:
  MemoryManager(GuestRam &ram, Heap system_heap, Heap app_heap);

  // 0 and memFullErr when it does not fit.
  uint32_t new_ptr(uint32_t size, bool system, BlockContents contents);
  int16_t dispose_ptr(uint32_t ptr);
  uint32_t new_handle(uint32_t size, bool system, BlockContents contents);
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
