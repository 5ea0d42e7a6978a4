// Guest RAM: one host buffer mapped into Unicorn at guest address 0 (uc_mem_map_ptr), so the
// plugin can be handed a direct mtb_ram_region. All accessors are bounds-checked big-endian.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace mtb::machine {

// Thrown by the checked accessors; the machine turns it into a guest fault report.
class GuestMemoryError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class GuestRam {
 public:
  explicit GuestRam(uint32_t size);  // page-aligned, zero-filled; size is rounded up to 64 KB
  ~GuestRam();
  GuestRam(const GuestRam &) = delete;
  GuestRam &operator=(const GuestRam &) = delete;

  uint8_t *host() { return bytes_; }
  uint32_t size() const { return size_; }
  bool contains(uint32_t addr, uint32_t len) const {
    return addr <= size_ && len <= size_ - addr;
  }

  uint8_t r8(uint32_t addr) const;
  uint16_t r16(uint32_t addr) const;
  uint32_t r32(uint32_t addr) const;
  void w8(uint32_t addr, uint8_t v);
  void w16(uint32_t addr, uint16_t v);
  void w32(uint32_t addr, uint32_t v);

  // Raw copies; false (nothing copied) when any byte is outside RAM.
  bool read(uint32_t addr, void *dst, uint32_t len) const;
  bool write(uint32_t addr, const void *src, uint32_t len);
  void fill(uint32_t addr, uint8_t value, uint32_t len);  // throws when outside RAM

  // NUL-terminated string of at most max_len bytes (longer ones are a GuestMemoryError).
  std::string c_string(uint32_t addr, uint32_t max_len = 4096) const;
  std::string pascal_string(uint32_t addr) const;

 private:
  void check(uint32_t addr, uint32_t len) const;
  uint8_t *bytes_ = nullptr;
  uint32_t size_ = 0;
};

}  // namespace mtb::machine
