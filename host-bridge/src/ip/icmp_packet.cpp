// SPDX-License-Identifier: GPL-2.0-or-later
#include "ip/icmp_packet.h"

namespace mtb::icmp_packet {

namespace {
constexpr uint8_t kEchoReply = 0;
constexpr uint8_t kEchoRequest = 8;

// RFC 1071 one's-complement sum, over the header and payload as one byte sequence.
struct Checksum {
    uint32_t sum = 0;
    bool odd = false;
    void add(std::span<const uint8_t> bytes) {
        for (uint8_t byte : bytes) {
            sum += odd ? byte : uint32_t{byte} << 8;
            odd = !odd;
        }
    }
    uint16_t value() const {
        uint32_t folded = sum;
        while (folded >> 16) folded = (folded & 0xFFFF) + (folded >> 16);
        return static_cast<uint16_t>(~folded);
    }
};
}  // namespace

std::array<uint8_t, kHeaderSize> echo_request_header(uint16_t identifier, uint16_t sequence,
                                                     std::span<const uint8_t> payload) {
    std::array<uint8_t, kHeaderSize> header{kEchoRequest, 0, 0, 0,
                                            static_cast<uint8_t>(identifier >> 8), static_cast<uint8_t>(identifier),
                                            static_cast<uint8_t>(sequence >> 8), static_cast<uint8_t>(sequence)};
    Checksum checksum;
    checksum.add(header);
    checksum.add(payload);
    const uint16_t value = checksum.value();
    header[2] = static_cast<uint8_t>(value >> 8);
    header[3] = static_cast<uint8_t>(value);
    return header;
}

std::optional<EchoReply> parse_echo_reply(std::span<const uint8_t> packet, bool with_ip_header) {
    EchoReply reply;
    if (with_ip_header) {
        if (packet.size() < 20 || (packet[0] >> 4) != 4) return std::nullopt;
        const uint32_t header_length = uint32_t{packet[0] & 0x0Fu} * 4;
        if (header_length < 20 || packet.size() < header_length) return std::nullopt;
        reply.source = (uint32_t{packet[12]} << 24) | (uint32_t{packet[13]} << 16) | (uint32_t{packet[14]} << 8) | packet[15];
        packet = packet.subspan(header_length);
    }
    if (packet.size() < kHeaderSize || packet[0] != kEchoReply || packet[1] != 0) return std::nullopt;
    reply.identifier = static_cast<uint16_t>((packet[4] << 8) | packet[5]);
    reply.sequence = static_cast<uint16_t>((packet[6] << 8) | packet[7]);
    reply.payload = packet.subspan(kHeaderSize);
    return reply;
}

}  // namespace mtb::icmp_packet
