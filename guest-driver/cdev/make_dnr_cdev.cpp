// Build-time generator: wraps the assembled 'dnrp' code (dnrp.bin) in the resource fork of a
// 'cdev'/'ztcp' file (where Apple's dnr.c glue looks first, mactcp-reference 8.1) and writes it
// as MacBinary II, for hcopy -m into the HFS disk image and for the 68k test machine.
//   make_dnr_cdev <dnrp.bin> <out.bin>
// SPDX-License-Identifier: GPL-2.0-or-later
#include <cstdio>
#include <fstream>
#include <iterator>

#include "resource_fork.h"

using namespace mtb::cdev;

int main(int argc, char **argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: %s dnrp.bin out.bin\n", argv[0]);
        return 2;
    }
    std::ifstream in(argv[1], std::ios::binary);
    std::vector<uint8_t> code((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in.good() && !in.eof()) return 1;
    if (code.empty()) {
        std::fprintf(stderr, "%s: empty dnrp code\n", argv[1]);
        return 1;
    }
    // ID 128 (the real resource's ID is unconfirmed; the glue finds it by index, not ID).
    // Locked: the glue detaches, moves high and locks it anyway.
    const Resource dnrp{four_cc("dnrp"), 128, 0x10, "MacTCP Bridge DNR", code};
    MacFile file;
    file.name = "MacTCP Bridge DNR";
    file.type = four_cc("cdev");
    file.creator = four_cc("ztcp");
    file.resource_fork = build_resource_fork({dnrp});
    const auto bytes = build_macbinary(file);
    std::ofstream out(argv[2], std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char *>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    return out.good() ? 0 : 1;
}
