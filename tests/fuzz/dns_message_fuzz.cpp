// libFuzzer target: the DNS answer parser (host-bridge/src/dnr/dns_message.*) on any bytes a
// server (or anyone spoofing one) could send. c-ares hands us raw replies for HINFO and MX
// lookups, so this parser is the first code to read them. Checks, beyond "no crash, no
// sanitizer report": the parser's own promises (names at most 255 bytes, offsets stay inside
// the message, a name read twice reads the same).
// SPDX-License-Identifier: GPL-2.0-or-later
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "dnr/dns_message.h"

namespace {
void check(bool condition) {
    if (!condition) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const std::span<const uint8_t> bytes(data, size);
    if (const auto message = mtb::dnr::parse_dns_message(bytes)) {
        check(message->rcode <= 15);
        for (const auto &record : message->answers) {
            check(record.owner.size() <= 255);
            check(record.name.size() <= 255);
            check(record.cpu.size() <= 255 && record.os.size() <= 255);
        }
    }
    // Every offset as the start of a (possibly compressed) name.
    for (std::size_t start = 0; start < size && start < 64; ++start) {
        std::size_t offset = start;
        const auto name = mtb::dnr::read_dns_name(bytes, offset);
        if (!name) continue;
        check(name->size() <= 255);
        check(offset > start && offset <= size);
        std::size_t again = start;
        check(mtb::dnr::read_dns_name(bytes, again) == name && again == offset);
    }
    return 0;
}
