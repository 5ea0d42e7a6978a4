// ICMP echo packets: building requests and recognising replies.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>

namespace mtb::icmp_packet {

inline constexpr uint32_t kHeaderSize = 8;

// The 8-byte echo request header for `payload`, checksum included.
std::array<uint8_t, kHeaderSize> echo_request_header(uint16_t identifier, uint16_t sequence,
                                                     std::span<const uint8_t> payload);

struct EchoReply {
    uint32_t source = 0;  // host byte order; 0 when the socket does not give the IP header
    uint16_t identifier = 0;
    uint16_t sequence = 0;
    std::span<const uint8_t> payload;
};
// Parses an echo reply; `with_ip_header`: raw sockets deliver the IP header first.
std::optional<EchoReply> parse_echo_reply(std::span<const uint8_t> packet, bool with_ip_header);

}  // namespace mtb::icmp_packet
