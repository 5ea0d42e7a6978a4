// SPDX-License-Identifier: GPL-2.0-or-later
#include "resource_fork.h"

#include <algorithm>
#include <map>
#include <stdexcept>

namespace mtb::cdev {

namespace {

void put8(std::vector<uint8_t> &out, uint32_t v) { out.push_back(static_cast<uint8_t>(v)); }
void put16(std::vector<uint8_t> &out, uint32_t v) {
    put8(out, v >> 8);
    put8(out, v);
}
void put24(std::vector<uint8_t> &out, uint32_t v) {
    put8(out, v >> 16);
    put16(out, v);
}
void put32(std::vector<uint8_t> &out, uint32_t v) {
    put16(out, v >> 16);
    put16(out, v);
}
void set16(std::vector<uint8_t> &out, std::size_t at, uint32_t v) {
    out[at] = static_cast<uint8_t>(v >> 8);
    out[at + 1] = static_cast<uint8_t>(v);
}
void set32(std::vector<uint8_t> &out, std::size_t at, uint32_t v) {
    set16(out, at, v >> 16);
    set16(out, at + 2, v);
}

// CRC-16/XMODEM (polynomial 0x1021, initial 0): MacBinary II's header check.
uint16_t crc16_xmodem(const uint8_t *p, std::size_t n) {
    uint16_t crc = 0;
    for (std::size_t i = 0; i < n; ++i) {
        crc ^= static_cast<uint16_t>(p[i] << 8);
        for (int bit = 0; bit < 8; ++bit) crc = static_cast<uint16_t>((crc & 0x8000) ? (crc << 1) ^ 0x1021 : crc << 1);
    }
    return crc;
}

// Grows `out` by `bytes`. Not vector::insert at the end: on a vector whose size GCC 12 knows at
// -O3 (the 128-byte MacBinary header) it mis-analyses insert's reallocation path and reports an
// out-of-bounds memcpy (-Warray-bounds) that cannot happen.
void append(std::vector<uint8_t> &out, const std::vector<uint8_t> &bytes) {
    const std::size_t at = out.size();
    out.resize(at + bytes.size());
    std::copy(bytes.begin(), bytes.end(), out.begin() + static_cast<std::ptrdiff_t>(at));
}

void pad_to(std::vector<uint8_t> &out, std::size_t multiple) {
    while (out.size() % multiple) out.push_back(0);
}

}  // namespace

std::vector<uint8_t> build_resource_fork(const std::vector<Resource> &resources) {
    constexpr uint32_t kDataOffset = 256;  // header (16) + system (112) + application (128) area
    // Resource data: each entry is its length (4) then the bytes.
    std::vector<uint8_t> data;
    std::vector<uint32_t> data_offsets;
    for (const Resource &r : resources) {
        data_offsets.push_back(static_cast<uint32_t>(data.size()));
        put32(data, static_cast<uint32_t>(r.data.size()));
        append(data, r.data);
    }
    // Group by type, keeping the order of first appearance.
    std::vector<uint32_t> types;
    std::map<uint32_t, std::vector<std::size_t>> by_type;
    for (std::size_t i = 0; i < resources.size(); ++i) {
        if (!by_type.contains(resources[i].type)) types.push_back(resources[i].type);
        by_type[resources[i].type].push_back(i);
    }
    // Map: header copy (16), next map (4), file ref (2), attributes (2), type list offset (2),
    // name list offset (2) = 28; then the type list, reference lists, name list.
    std::vector<uint8_t> map(28, 0);
    const std::size_t type_list = map.size();
    put16(map, static_cast<uint32_t>(types.size() - 1));
    const std::size_t type_entries = map.size();
    map.resize(map.size() + 8 * types.size());
    std::vector<uint8_t> names;
    for (std::size_t t = 0; t < types.size(); ++t) {
        const auto &members = by_type[types[t]];
        const std::size_t entry = type_entries + 8 * t;
        set32(map, entry, types[t]);
        set16(map, entry + 4, static_cast<uint32_t>(members.size() - 1));
        set16(map, entry + 6, static_cast<uint32_t>(map.size() - type_list));  // from the type list
        for (std::size_t i : members) {
            const Resource &r = resources[i];
            put16(map, static_cast<uint16_t>(r.id));
            if (r.name.empty()) {
                put16(map, 0xFFFF);
            } else {
                if (r.name.size() > 255) throw std::runtime_error("resource name too long");
                put16(map, static_cast<uint32_t>(names.size()));
                put8(names, static_cast<uint32_t>(r.name.size()));
                names.insert(names.end(), r.name.begin(), r.name.end());
            }
            put8(map, r.attributes);
            put24(map, data_offsets[i]);
            put32(map, 0);  // handle, filled in by the Resource Manager
        }
    }
    const std::size_t name_list = map.size();
    append(map, names);
    set16(map, 24, static_cast<uint32_t>(type_list));
    set16(map, 26, static_cast<uint32_t>(name_list));

    const uint32_t map_offset = kDataOffset + static_cast<uint32_t>(data.size());
    std::vector<uint8_t> fork(kDataOffset, 0);
    set32(fork, 0, kDataOffset);
    set32(fork, 4, map_offset);
    set32(fork, 8, static_cast<uint32_t>(data.size()));
    set32(fork, 12, static_cast<uint32_t>(map.size()));
    std::copy(fork.begin(), fork.begin() + 16, map.begin());  // the map starts with a header copy
    append(fork, data);
    append(fork, map);
    return fork;
}

std::vector<uint8_t> build_macbinary(const MacFile &file) {
    if (file.name.empty() || file.name.size() > 63) throw std::runtime_error("MacBinary names are 1..63 characters");
    std::vector<uint8_t> out(128, 0);
    out[1] = static_cast<uint8_t>(file.name.size());
    std::copy(file.name.begin(), file.name.end(), out.begin() + 2);
    set32(out, 65, file.type);
    set32(out, 69, file.creator);
    out[73] = static_cast<uint8_t>(file.finder_flags >> 8);
    set32(out, 83, static_cast<uint32_t>(file.data_fork.size()));
    set32(out, 87, static_cast<uint32_t>(file.resource_fork.size()));
    // Creation/modification dates: 0 keeps the output reproducible (hcopy uses "now").
    out[101] = static_cast<uint8_t>(file.finder_flags);
    out[122] = 129;  // written by MacBinary II
    out[123] = 129;  // readable by MacBinary II
    set16(out, 124, crc16_xmodem(out.data(), 124));
    append(out, file.data_fork);
    pad_to(out, 128);
    append(out, file.resource_fork);
    pad_to(out, 128);
    return out;
}

}  // namespace mtb::cdev
