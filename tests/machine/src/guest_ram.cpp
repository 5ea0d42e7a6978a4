// SPDX-License-Identifier: GPL-2.0-or-later
#include "guest_ram.h"

#include <sys/mman.h>

#include <cstdio>
#include <cstring>

namespace mtb::machine {

namespace {
std::string hex(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", v);
  return buf;
}
}  // namespace

GuestRam::GuestRam(uint32_t size) {
  constexpr uint32_t kGranule = 0x10000;
  if (size == 0 || size > 0xFFFF0000u) throw std::invalid_argument("guest RAM size out of range");
  size_ = (size + kGranule - 1) & ~(kGranule - 1);
  // mmap: page-aligned (uc_mem_map_ptr needs it) and zero-filled without touching the pages.
  void *p = mmap(nullptr, size_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) throw std::runtime_error("cannot allocate guest RAM");
  bytes_ = static_cast<uint8_t *>(p);
}

GuestRam::~GuestRam() { munmap(bytes_, size_); }

void GuestRam::check(uint32_t addr, uint32_t len) const {
  if (!contains(addr, len))
    throw GuestMemoryError("access of " + std::to_string(len) + " bytes at " + hex(addr) +
                           " is outside guest RAM (size " + hex(size_) + ")");
}

uint8_t GuestRam::r8(uint32_t addr) const {
  check(addr, 1);
  return bytes_[addr];
}
uint16_t GuestRam::r16(uint32_t addr) const {
  check(addr, 2);
  return static_cast<uint16_t>(bytes_[addr] << 8 | bytes_[addr + 1]);
}
uint32_t GuestRam::r32(uint32_t addr) const {
  check(addr, 4);
  return uint32_t{bytes_[addr]} << 24 | uint32_t{bytes_[addr + 1]} << 16 |
         uint32_t{bytes_[addr + 2]} << 8 | bytes_[addr + 3];
}
void GuestRam::w8(uint32_t addr, uint8_t v) {
  check(addr, 1);
  bytes_[addr] = v;
}
void GuestRam::w16(uint32_t addr, uint16_t v) {
  check(addr, 2);
  bytes_[addr] = static_cast<uint8_t>(v >> 8);
  bytes_[addr + 1] = static_cast<uint8_t>(v);
}
void GuestRam::w32(uint32_t addr, uint32_t v) {
  check(addr, 4);
  for (int i = 0; i < 4; ++i) bytes_[addr + i] = static_cast<uint8_t>(v >> (24 - 8 * i));
}

bool GuestRam::read(uint32_t addr, void *dst, uint32_t len) const {
  if (!contains(addr, len)) return false;
  if (len) std::memcpy(dst, bytes_ + addr, len);
  return true;
}
bool GuestRam::write(uint32_t addr, const void *src, uint32_t len) {
  if (!contains(addr, len)) return false;
  if (len) std::memcpy(bytes_ + addr, src, len);
  return true;
}
void GuestRam::fill(uint32_t addr, uint8_t value, uint32_t len) {
  check(addr, len);
  std::memset(bytes_ + addr, value, len);
}

std::string GuestRam::c_string(uint32_t addr, uint32_t max_len) const {
  std::string s;
  for (uint32_t i = 0;; ++i) {
    if (i >= max_len) throw GuestMemoryError("unterminated C string at " + hex(addr));
    char c = static_cast<char>(r8(addr + i));
    if (!c) return s;
    s.push_back(c);
  }
}

std::string GuestRam::pascal_string(uint32_t addr) const {
  uint8_t len = r8(addr);
  check(addr + 1, len);
  return std::string(reinterpret_cast<const char *>(bytes_ + addr + 1), len);
}

}  // namespace mtb::machine
