// Reading Macintosh files as the build writes them: MacBinary II and resource forks (Inside
// Macintosh: More Macintosh Toolbox, figures 1-12 to 1-15). Throws std::runtime_error on a
// malformed file, so a broken build artifact fails the test that loads it.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mtb::machine {

struct MacResource {
    uint32_t type;
    int16_t id;
    uint8_t attributes;
    std::string name;
    std::vector<uint8_t> data;
};

struct MacFileImage {
    std::string name;
    uint32_t type = 0, creator = 0;
    std::vector<uint8_t> data_fork;
    std::vector<MacResource> resources;  // in map order
    uint32_t resource_fork_size = 0;     // bytes, as the File Manager reports the fork's length
};

MacFileImage read_macbinary_file(const std::string &path);
MacFileImage parse_macbinary(const std::vector<uint8_t> &bytes);
std::vector<MacResource> parse_resource_fork(const std::vector<uint8_t> &fork);

}  // namespace mtb::machine
