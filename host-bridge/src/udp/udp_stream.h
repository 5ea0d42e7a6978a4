// One UDP stream as the guest created it: its host sockets, its receive buffer and its queues.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <set>
#include <unordered_set>
#include <vector>

#include "driver/request_table.h"
#include "net/host_io.h"
#include "udp/receive_area.h"

namespace mtb {

// A bound host UDP socket, reached only through the core's HostIo (net/host_io.h). The
// emulation thread does every receive_from/send_to on it, straight between the socket and guest
// RAM; its readiness comes as Event{ready} routed to the UdpService.
struct HostUdpSocket {
    net::SocketId id = net::kNoSocket;
    uint16_t port = 0;           // host byte order; the guest sees the same number
    bool errors_queued = false;  // an ICMP error waits in the error queue (its notice was consumed)
    bool checksum_off = false;   // current SO_NO_CHECK setting
    bool ipv6 = false;           // a udp6 socket: the stream's way to IPv6 hosts (udp_ipv6.cpp)
};

// A datagram stored in the receive buffer (or a zero-length one, which takes no space).
struct Datagram {
    uint32_t address = 0;  // guest address inside the receive buffer (0 for zero length)
    uint32_t length = 0;
    uint32_t remote_host = 0;  // host byte order
    uint16_t remote_port = 0;
    uint32_t local_host = 0;   // the address and port it arrived on (UDPMultiRead)
    uint16_t local_port = 0;
};

struct PendingRead {
    RequestId request;
    bool multi;  // UDPMultiRead: also report destHost/destPort (bytes 52..57)
};

struct UdpStream {
    UdpStream(uint32_t buffer, uint32_t length) : area(buffer, length) {}

    // Guest-visible identity (UDPCreate). The StreamPtr is the receive buffer's address.
    uint32_t stream_ptr = 0;
    uint64_t serial = 0;  // tells a re-created stream at the same address from the old one
    uint32_t notify_proc = 0;
    uint32_t user_data = 0;
    uint32_t a5 = 0;      // A5 at UDPCreate, for ASRs
    uint16_t first_port = 0, last_port = 0;  // one port, or a UDPMultiCreate range

    // One socket per local port, in port order.
    std::vector<HostUdpSocket> sockets;
    // IPv6 companions (udp6, same port numbers where the host allows), each opened by the first
    // datagram sent from its port to a stand-in for an IPv6-only host (udp_ipv6.cpp).
    std::vector<HostUdpSocket> sockets6;
    // Stand-ins (dnr/ipv6_mapping_pool.h) this stream sent to: held until it is released.
    std::set<uint32_t> held_stand_ins;

    ReceiveArea area;
    std::deque<Datagram> queued;               // arrived, not yet read
    std::map<uint32_t, Datagram> handed_out;   // read, awaiting UDPBfrReturn (by address)
    uint64_t zero_length_handed_out = 0;       // see UdpService::bfr_return
    std::deque<PendingRead> reads;             // oldest first

    bool drain_scheduled = false;    // a drain stopped at its budget resumes at the next interrupt
    bool data_arrival_armed = true;  // UDPDataArrival is edge triggered (reset by a read)
    std::unordered_set<uint32_t> contacted;  // hosts (stand-ins too) written to (receive filter, ipplisten)

    // Counters for the logs.
    uint64_t dropped_full = 0, dropped_too_big = 0, dropped_filtered = 0;
    uint64_t received = 0, sent = 0;
};

}  // namespace mtb
