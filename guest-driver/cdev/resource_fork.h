// Writes a Macintosh resource fork (Inside Macintosh: More Macintosh Toolbox, "Resource
// Manager Reference", Figures 1-12 to 1-15) and wraps a file as MacBinary II, for the build's
// 'cdev' file holding our 'dnrp' resource. Build-time host code; also read back by the 68k
// test machine's Resource Manager.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mtb::cdev {

struct Resource {
    uint32_t type;       // four characters, big-endian ('dnrp' = 0x646E7270)
    int16_t id;
    uint8_t attributes;  // resSysHeap 0x40, resPurgeable 0x20, resLocked 0x10, resProtected 0x08, resPreload 0x04
    std::string name;    // empty: none
    std::vector<uint8_t> data;
};

std::vector<uint8_t> build_resource_fork(const std::vector<Resource> &resources);

struct MacFile {
    std::string name;  // 1..63 characters
    uint32_t type, creator;
    uint16_t finder_flags = 0;
    std::vector<uint8_t> data_fork, resource_fork;
};

// MacBinary II (header version 129, CRC-16/XMODEM over bytes 0..123), as hcopy -m reads it.
std::vector<uint8_t> build_macbinary(const MacFile &file);

constexpr uint32_t four_cc(const char (&s)[5]) {
    return (uint32_t(uint8_t(s[0])) << 24) | (uint32_t(uint8_t(s[1])) << 16) | (uint32_t(uint8_t(s[2])) << 8) |
           uint8_t(s[3]);
}

}  // namespace mtb::cdev
