// SPDX-License-Identifier: GPL-2.0-or-later
#include "heap.h"

#include <iterator>

namespace mtb::machine {

Heap::Heap(std::string name, uint32_t base, uint32_t size) : name_(std::move(name)) {
  uint32_t start = (base + 3) & ~3u;
  uint32_t end = (base + size) & ~3u;
  if (end > start) free_[start] = end - start;
}

std::optional<uint32_t> Heap::allocate(uint32_t size) {
  // Zero-byte requests still get a distinct block, as on the Mac.
  if (size > 0xFFFFFFF0u) return std::nullopt;
  uint32_t rounded = size == 0 ? 4 : (size + 3) & ~3u;
  for (auto it = free_.begin(); it != free_.end(); ++it) {
    if (it->second < rounded) continue;
    uint32_t addr = it->first;
    uint32_t rest = it->second - rounded;
    free_.erase(it);
    if (rest) free_[addr + rounded] = rest;
    used_[addr] = rounded;
    return addr;
  }
  return std::nullopt;
}

bool Heap::release(uint32_t addr) {
  auto used = used_.find(addr);
  if (used == used_.end()) return false;
  uint32_t size = used->second;
  used_.erase(used);
  auto [it, inserted] = free_.emplace(addr, size);
  // Merge with the following and the preceding free block.
  auto next = std::next(it);
  if (next != free_.end() && it->first + it->second == next->first) {
    it->second += next->second;
    free_.erase(next);
  }
  if (it != free_.begin()) {
    auto prev = std::prev(it);
    if (prev->first + prev->second == it->first) {
      prev->second += it->second;
      free_.erase(it);
    }
  }
  return inserted;
}

std::optional<uint32_t> Heap::block_size(uint32_t addr) const {
  auto it = used_.find(addr);
  if (it == used_.end()) return std::nullopt;
  return it->second;
}

uint32_t Heap::free_bytes() const {
  uint32_t total = 0;
  for (const auto &[start, size] : free_) total += size;
  return total;
}

}  // namespace mtb::machine
