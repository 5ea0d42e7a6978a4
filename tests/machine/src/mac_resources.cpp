// SPDX-License-Identifier: GPL-2.0-or-later
#include "mac_resources.h"

#include <fstream>
#include <iterator>
#include <stdexcept>

namespace mtb::machine {

namespace {

struct Bytes {
    const std::vector<uint8_t> &b;
    void need(std::size_t at, std::size_t n) const {
        if (at > b.size() || n > b.size() - at) throw std::runtime_error("Mac file: truncated");
    }
    uint8_t u8(std::size_t at) const {
        need(at, 1);
        return b[at];
    }
    uint16_t u16(std::size_t at) const {
        need(at, 2);
        return static_cast<uint16_t>((b[at] << 8) | b[at + 1]);
    }
    uint32_t u24(std::size_t at) const {
        need(at, 3);
        return (uint32_t{b[at]} << 16) | (uint32_t{b[at + 1]} << 8) | b[at + 2];
    }
    uint32_t u32(std::size_t at) const { return (uint32_t{u16(at)} << 16) | u16(at + 2); }
};

}  // namespace

std::vector<MacResource> parse_resource_fork(const std::vector<uint8_t> &fork) {
    std::vector<MacResource> out;
    if (fork.empty()) return out;
    Bytes f{fork};
    const uint32_t data_offset = f.u32(0), map_offset = f.u32(4), data_length = f.u32(8), map_length = f.u32(12);
    f.need(data_offset, data_length);
    f.need(map_offset, map_length);
    const uint32_t type_list = map_offset + f.u16(map_offset + 24);
    const uint32_t name_list = map_offset + f.u16(map_offset + 26);
    const int types = f.u16(type_list) == 0xFFFF ? 0 : f.u16(type_list) + 1;
    for (int t = 0; t < types; ++t) {
        const uint32_t entry = type_list + 2 + 8 * t;
        const uint32_t type = f.u32(entry);
        const int count = f.u16(entry + 4) + 1;
        const uint32_t refs = type_list + f.u16(entry + 6);
        for (int i = 0; i < count; ++i) {
            const uint32_t ref = refs + 12 * i;
            MacResource r;
            r.type = type;
            r.id = static_cast<int16_t>(f.u16(ref));
            const uint16_t name_at = f.u16(ref + 2);
            r.attributes = f.u8(ref + 4);
            const uint32_t at = data_offset + f.u24(ref + 5);
            const uint32_t length = f.u32(at);
            f.need(at + 4, length);
            r.data.assign(fork.begin() + at + 4, fork.begin() + at + 4 + length);
            if (name_at != 0xFFFF) {
                const uint8_t n = f.u8(name_list + name_at);
                f.need(name_list + name_at + 1, n);
                r.name.assign(fork.begin() + name_list + name_at + 1, fork.begin() + name_list + name_at + 1 + n);
            }
            out.push_back(std::move(r));
        }
    }
    return out;
}

MacFileImage parse_macbinary(const std::vector<uint8_t> &bytes) {
    Bytes f{bytes};
    f.need(0, 128);
    if (bytes[0] != 0 || bytes[1] == 0 || bytes[1] > 63) throw std::runtime_error("not a MacBinary file");
    MacFileImage file;
    file.name.assign(bytes.begin() + 2, bytes.begin() + 2 + bytes[1]);
    file.type = f.u32(65);
    file.creator = f.u32(69);
    const uint32_t data_length = f.u32(83), rsrc_length = f.u32(87);
    const std::size_t data_at = 128;
    const std::size_t rsrc_at = data_at + ((data_length + 127) / 128) * 128;
    f.need(data_at, data_length);
    f.need(rsrc_at, rsrc_length);
    file.data_fork.assign(bytes.begin() + data_at, bytes.begin() + data_at + data_length);
    file.resources = parse_resource_fork(std::vector<uint8_t>(bytes.begin() + rsrc_at, bytes.begin() + rsrc_at + rsrc_length));
    file.resource_fork_size = rsrc_length;
    return file;
}

MacFileImage read_macbinary_file(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return parse_macbinary(bytes);
}

}  // namespace mtb::machine
