// UDP calls (csCodes 20..29): streams, datagrams in the guest's receive buffer, ASRs.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <unordered_map>

#include "driver/call.h"
#include "driver/driver_core.h"
#include "driver/outbox.h"
#include "ip/host_network_info.h"
#include "net/event_router.h"
#include "udp/udp_stream.h"

namespace mtb::dnr {
class Ipv6MappingPool;
}

namespace mtb {

class UdpService final : public Service, public net::SocketClient {
public:
    UdpService(DriverCore &core, const HostNetworkInfo &network);
    ~UdpService() override;
    Outcome handle(Call &call) override;
    void reset() override;
    // One of the streams' sockets became readable or has an ICMP error queued (udp_receive.cpp).
    void on_socket_event(const net::Event &event) override;

    // Largest UDP payload that avoids fragmentation towards `destination` (host byte order).
    uint16_t max_mtu_size(uint32_t destination) const;
    std::size_t stream_count() const { return streams_.size(); }
    // The DNR's stand-ins for IPv6-only hosts: datagrams to them go to their IPv6 addresses.
    void use_ipv6_pool(dnr::Ipv6MappingPool &pool) { ipv6_pool_ = &pool; }

private:
    // udp_service.cpp: streams.
    Outcome create(Call &call, bool multi);
    Outcome release(Call &call, UdpStream &stream);
    Outcome status(Call &call, UdpStream &stream);
    Outcome max_mtu(Call &call);
    UdpStream *find(uint32_t stream_ptr);
    UdpStream *find(uint32_t stream_ptr, uint64_t serial);
    bool overlaps_existing(uint32_t start, uint32_t length) const;
    bool port_taken(uint16_t first, uint16_t last) const;
    void close_sockets(UdpStream &stream);

    // udp_send.cpp: UDPWrite, UDPMultiSend.
    Outcome write(Call &call, UdpStream &stream, bool multi);

    // udp_ipv6.cpp: IPv6-only hosts behind stand-ins.
    struct Route {
        HostUdpSocket *socket = nullptr;
        net::Endpoint to;
    };
    int16_t route_to_stand_in(UdpStream &stream, HostUdpSocket &ipv4, uint16_t remote_port, uint32_t stand_in, Route &route);
    HostUdpSocket *ipv6_companion(UdpStream &stream, const HostUdpSocket &ipv4, int &error);
    bool invited(const UdpStream &stream, const net::Endpoint &from, uint32_t stand_in) const;
    std::optional<uint32_t> stand_in_of(const net::Endpoint &from, bool create);
    void release_stand_ins(UdpStream &stream);

    // udp_receive.cpp: UDPRead, UDPMultiRead, UDPBfrReturn, arrivals and ASRs.
    Outcome read(Call &call, UdpStream &stream, bool multi);
    Outcome bfr_return(Call &call, UdpStream &stream);
    void on_ready(UdpStream &stream, HostUdpSocket &socket, uint8_t flags, Outbox &out);
    void schedule_drain(UdpStream &stream);
    HostUdpSocket *socket_of(UdpStream &stream, net::SocketId id);
    int drain(UdpStream &stream, HostUdpSocket &socket);
    void store(UdpStream &stream, const HostUdpSocket &socket, const net::Datagram &arrival, uint32_t at);
    void note_drop(UdpStream &stream, const HostUdpSocket &socket, const net::Datagram &dropped, uint64_t &counter,
                   const char *why);
    void report_icmp_errors(UdpStream &stream, HostUdpSocket &socket, Outbox &out);
    void serve_reads(UdpStream &stream, Outbox &out);
    void hand_out(UdpStream &stream, const Datagram &datagram);
    void give_back(uint32_t stream_ptr, uint64_t serial, const Datagram &datagram);
    void on_read_timeout(uint32_t stream_ptr, uint64_t serial, RequestId request);
    void write_read_outputs(const ParamBlock &pb, uint32_t zero_length_pointer, const Datagram &datagram, bool multi);
    void queue_asr(const UdpStream &stream, uint16_t event, const struct IcmpReport *report, Outbox &out);

    DriverCore *core_;
    const HostNetworkInfo *network_;
    dnr::Ipv6MappingPool *ipv6_pool_ = nullptr;
    bool accept_from_anyone_ = false;  // `ipplisten` other than loopback
    uint64_t next_serial_ = 1;
    std::map<uint32_t, UdpStream> streams_;  // by StreamPtr (= receive buffer address)
    std::unordered_map<net::SocketId, uint32_t> by_socket_;  // host socket -> StreamPtr
};

}  // namespace mtb
