// SPDX-License-Identifier: GPL-2.0-or-later
#include "dnr/dns_message.h"

#include "dnr/dnr_layout.h"

namespace mtb::dnr {

namespace {

constexpr uint16_t kTypePTR = 12;

struct Reader {
    std::span<const uint8_t> bytes;
    std::size_t offset = 0;
    bool ok = true;

    uint8_t u8() {
        if (offset + 1 > bytes.size()) { ok = false; return 0; }
        return bytes[offset++];
    }
    // Two statements each: the operands of | are evaluated in no fixed order.
    uint16_t u16() {
        const uint16_t high = u8();
        return static_cast<uint16_t>((high << 8) | u8());
    }
    uint32_t u32() {
        const uint32_t high = u16();
        return (high << 16) | u16();
    }
};

// A <character-string>: length byte then that many bytes.
std::optional<std::string> read_character_string(std::span<const uint8_t> bytes, std::size_t &offset,
                                                 std::size_t end) {
    if (offset >= end) return std::nullopt;
    const std::size_t length = bytes[offset];
    if (offset + 1 + length > end) return std::nullopt;
    std::string out(reinterpret_cast<const char *>(bytes.data() + offset + 1), length);
    offset += 1 + length;
    return out;
}

}  // namespace

std::optional<std::string> read_dns_name(std::span<const uint8_t> bytes, std::size_t &offset) {
    std::string name;
    std::size_t at = offset;
    bool jumped = false;
    int jumps = 0;
    for (;;) {
        if (at >= bytes.size()) return std::nullopt;
        const uint8_t length = bytes[at];
        if ((length & 0xC0) == 0xC0) {
            if (at + 1 >= bytes.size() || ++jumps > 64) return std::nullopt;  // loops end here
            const std::size_t target = ((length & 0x3F) << 8) | bytes[at + 1];
            if (!jumped) offset = at + 2;
            jumped = true;
            at = target;
            continue;
        }
        if (length & 0xC0) return std::nullopt;  // the 0x40/0x80 label types are obsolete
        if (length == 0) {
            if (!jumped) offset = at + 1;
            return name;
        }
        if (at + 1 + length > bytes.size()) return std::nullopt;
        if (!name.empty()) name.push_back('.');
        name.append(reinterpret_cast<const char *>(bytes.data() + at + 1), length);
        if (name.size() > 255) return std::nullopt;
        at += 1 + length;
    }
}

std::optional<DnsMessage> parse_dns_message(std::span<const uint8_t> bytes) {
    Reader r{bytes};
    DnsMessage message;
    message.id = r.u16();
    const uint16_t flags = r.u16();
    message.rcode = flags & 0x0F;
    const uint16_t questions = r.u16();
    const uint16_t answers = r.u16();
    r.u16();  // authority
    r.u16();  // additional
    if (!r.ok) return std::nullopt;
    for (uint16_t i = 0; i < questions; ++i) {
        if (!read_dns_name(bytes, r.offset)) return std::nullopt;
        r.u32();  // type, class
        if (!r.ok) return std::nullopt;
    }
    for (uint16_t i = 0; i < answers; ++i) {
        DnsRecord record;
        auto owner = read_dns_name(bytes, r.offset);
        if (!owner) return std::nullopt;
        record.owner = *owner;
        record.type = r.u16();
        record.klass = r.u16();
        record.ttl = r.u32();
        const uint16_t rdlength = r.u16();
        if (!r.ok || r.offset + rdlength > bytes.size()) return std::nullopt;
        const std::size_t rdata = r.offset;
        const std::size_t end = rdata + rdlength;
        std::size_t at = rdata;
        switch (record.type) {
        case kTypeA:
            if (rdlength != 4) return std::nullopt;
            record.address = (uint32_t{bytes[at]} << 24) | (uint32_t{bytes[at + 1]} << 16) |
                             (uint32_t{bytes[at + 2]} << 8) | bytes[at + 3];
            break;
        case kTypeCNAME:
        case kTypePTR: {
            auto target = read_dns_name(bytes, at);
            if (!target || at > end) return std::nullopt;
            record.name = *target;
            break;
        }
        case kTypeMX: {
            if (rdlength < 3) return std::nullopt;
            record.preference = static_cast<uint16_t>((bytes[at] << 8) | bytes[at + 1]);
            at += 2;
            auto exchange = read_dns_name(bytes, at);
            if (!exchange || at > end) return std::nullopt;
            record.name = *exchange;
            break;
        }
        case kTypeHINFO: {
            auto cpu = read_character_string(bytes, at, end);
            auto os = cpu ? read_character_string(bytes, at, end) : std::nullopt;
            if (!os) return std::nullopt;
            record.cpu = *cpu;
            record.os = *os;
            break;
        }
        default:
            break;  // kept with its type only
        }
        r.offset = end;
        message.answers.push_back(std::move(record));
    }
    return message;
}

}  // namespace mtb::dnr
