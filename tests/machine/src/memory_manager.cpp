// SPDX-License-Identifier: GPL-2.0-or-later
#include "memory_manager.h"

#include <cstring>
#include <vector>

#include "low_memory.h"

namespace mtb::machine {

namespace {
constexpr int16_t kNoErr = 0;
constexpr int16_t kMemFullErr = -108;
constexpr int16_t kNilHandleErr = -109;
constexpr int16_t kMemWZErr = -111;  // "not a block": what the ROM reports for a bad pointer
}  // namespace

void fill_with_garbage(GuestRam &ram, uint32_t addr, uint32_t len) {
  if (!ram.contains(addr, len)) throw GuestMemoryError("garbage fill outside guest RAM");
  uint8_t *bytes = ram.host();
  for (uint32_t i = 0; i < len; ++i)
    bytes[addr + i] = static_cast<uint8_t>(MTB_GARBAGE_PATTERN >> (24 - 8 * ((addr + i) & 3)));
}

MemoryManager::MemoryManager(GuestRam &ram, Heap system_heap, Heap app_heap)
    : ram_(ram), system_(std::move(system_heap)), app_(std::move(app_heap)) {}

int16_t MemoryManager::set_mem_err(int16_t err) {
  ram_.w16(lowmem::kMemErr, static_cast<uint16_t>(err));
  return err;
}

Heap &MemoryManager::heap_for(uint32_t addr) {
  return addr < lowmem::kSystemHeapEnd ? system_ : app_;
}

uint32_t MemoryManager::new_ptr(uint32_t size, bool system, BlockContents contents) {
  Heap &heap = system ? system_ : app_;
  auto addr = heap.allocate(size);
  if (!addr) {
    set_mem_err(kMemFullErr);
    return 0;
  }
  if (contents == BlockContents::cleared)
    ram_.fill(*addr, 0, *heap.block_size(*addr));
  else
    fill_with_garbage(ram_, *addr, *heap.block_size(*addr));
  set_mem_err(kNoErr);
  return *addr;
}

int16_t MemoryManager::dispose_ptr(uint32_t ptr) {
  if (ptr == 0) return set_mem_err(kNoErr);  // disposing NIL is harmless on the Mac
  return set_mem_err(heap_for(ptr).release(ptr) ? kNoErr : kMemWZErr);
}

uint32_t MemoryManager::new_handle(uint32_t size, bool system, BlockContents contents) {
  uint32_t master = new_ptr(4, system, BlockContents::cleared);
  if (!master) return 0;
  uint32_t data = new_ptr(size, system, contents);
  if (!data) {
    dispose_ptr(master);
    set_mem_err(kMemFullErr);
    return 0;
  }
  ram_.w32(master, data);
  handles_.insert(master);
  set_mem_err(kNoErr);
  return master;
}

int16_t MemoryManager::dispose_handle(uint32_t handle) {
  if (!handles_.erase(handle)) return set_mem_err(kNilHandleErr);
  uint32_t data = ram_.r32(handle);
  heap_for(data).release(data);
  heap_for(handle).release(handle);
  return set_mem_err(kNoErr);
}

int16_t MemoryManager::check_handle(uint32_t handle) {
  return set_mem_err(handles_.count(handle) ? kNoErr : kNilHandleErr);
}

int16_t MemoryManager::block_move(uint32_t src, uint32_t dst, uint32_t count) {
  std::vector<uint8_t> tmp(count);  // overlapping moves are legal
  if (!ram_.read(src, tmp.data(), count) || !ram_.write(dst, tmp.data(), count))
    throw GuestMemoryError("BlockMove outside guest RAM");
  return kNoErr;
}

}  // namespace mtb::machine
