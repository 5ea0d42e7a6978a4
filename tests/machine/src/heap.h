// A first-fit allocator over a range of guest addresses, with the bookkeeping on the host (no
// block headers in guest RAM, no fixed-size tables). Blocks are 4-byte aligned and never move.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace mtb::machine {

class Heap {
 public:
  Heap(std::string name, uint32_t base, uint32_t size);

  std::optional<uint32_t> allocate(uint32_t size);  // nullopt when no block is large enough
  bool release(uint32_t addr);                      // false: not the start of a live block
  std::optional<uint32_t> block_size(uint32_t addr) const;
  uint32_t free_bytes() const;
  const std::string &name() const { return name_; }

 private:
  std::string name_;
  std::map<uint32_t, uint32_t> free_;  // start -> size, coalesced
  std::map<uint32_t, uint32_t> used_;  // start -> size as rounded
};

}  // namespace mtb::machine
