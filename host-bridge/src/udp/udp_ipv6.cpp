// SPDX-License-Identifier: GPL-2.0-or-later
//
// UDP to and from IPv6-only hosts (issue 15). The DNR answers an AAAA-only name with a stand-in
// from 198.18.0.0/15 (dnr/ipv6_mapping_pool.h); a datagram the guest sends to a stand-in leaves
// through the stream's IPv6 companion socket for that port (kind udp6, IPv6 only, the same
// port number where the host allows, opened by the first such datagram: streams that never
// reach an IPv6 host keep exactly one socket per port). The stream holds every stand-in it sent
// to until it is released, the way a TCP stream holds its peer's until its socket closes (the
// pool's acquire/release). Datagrams arriving on a companion come from an IPv6 address, which
// the guest sees as its stand-in: the one it already has (a lookup, an earlier datagram),
// else a new one named by the IPv6 address as text, as `any6` TCP listeners do.
#include <cstring>

#include "dnr/dnr_text.h"
#include "dnr/ipv6_mapping_pool.h"
#include "driver/mactcp_codes.h"
#include "net/host_errors.h"
#include "net/ipv4_text.h"
#include "udp/udp_service.h"

namespace mtb {

namespace {

constexpr net::Ipv6Address kIpv6Loopback{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};

}  // namespace

// `route` is the companion socket and the IPv6 endpoint behind `stand_in`; or the error the
// UDPWrite answers (a stand-in whose lookup expired: ipRouteErr, as for any unroutable address,
// with a log line saying why).
int16_t UdpService::route_to_stand_in(UdpStream &stream, HostUdpSocket &ipv4, uint16_t remote_port, uint32_t stand_in,
                                      Route &route) {
    const auto now = core_->now();  // the seam's clock, as the DNR's (a replay has the recorded one)
    const auto *mapping = ipv6_pool_ == nullptr ? nullptr : ipv6_pool_->find(stand_in, now);
    if (mapping == nullptr) {
        core_->log().warning("UDPWrite to {}:{}: no IPv6 host stands behind this address (its lookup expired)",
                             format_ipv4(stand_in), remote_port);
        return err::ipRouteErr;
    }
    const net::Ipv6Address ipv6 = mapping->ipv6;
    int error = 0;
    HostUdpSocket *companion = ipv6_companion(stream, ipv4, error);
    if (companion == nullptr) {
        const int16_t result = mactcp_result_for_errno(error, HostOperation::datagram, core_->log());
        core_->log().warning("UDPWrite to {}:{} ({}): no IPv6 socket for port {}: {} -> {}", format_ipv4(stand_in),
                             remote_port, dnr::format_ipv6(ipv6), ipv4.port, std::strerror(error), result_name(result));
        return result;
    }
    if (stream.held_stand_ins.insert(stand_in).second && !ipv6_pool_->acquire(stand_in, now))
        stream.held_stand_ins.erase(stand_in);
    route.socket = companion;
    route.to = net::Endpoint{stand_in, remote_port, ipv6};
    return err::noErr;
}

// The companion of `ipv4` (same guest port), opened and bound on first use: on ::1 when the
// IPv4 socket is on a loopback address (a UDPMultiCreate stream with the default `ipplisten`),
// else on every interface; on the same port number, or any free one when another host program
// holds it over IPv6 (logged; the guest still sees its own port).
HostUdpSocket *UdpService::ipv6_companion(UdpStream &stream, const HostUdpSocket &ipv4, int &error) {
    for (HostUdpSocket &socket : stream.sockets6)
        if (socket.port == ipv4.port) return &socket;
    net::HostIo &io = core_->io();
    const net::Opened opened = io.open(net::SocketKind::udp6);
    if (opened.id == net::kNoSocket) {
        error = opened.error;
        return nullptr;
    }
    const net::SocketId id = opened.id;
    io.set_option(id, net::Option::receive_errors, true);
    io.set_option(id, net::Option::reuse_address, true);
    const auto ipv4_local = io.local_endpoint(ipv4.id);
    net::Endpoint local{0, ipv4.port, net::Ipv6Address{}};
    if (ipv4_local && is_loopback_ipv4(ipv4_local->host)) local.ipv6 = kIpv6Loopback;
    error = io.bind(id, local);
    if (error == EADDRINUSE) {
        core_->log().info("UDP stream 0x{:08x}: IPv6 port {} is taken on the host; sending to IPv6 hosts from another",
                          stream.stream_ptr, ipv4.port);
        local.port = 0;
        error = io.bind(id, local);
    }
    if (error != 0) {
        io.close(id, false);
        return nullptr;
    }
    HostUdpSocket companion;
    companion.id = id;
    companion.port = ipv4.port;
    companion.ipv6 = true;
    stream.sockets6.push_back(companion);
    by_socket_[id] = stream.stream_ptr;
    core_->router().route(id, *this);
    return &stream.sockets6.back();
}

// `ipplisten` for datagrams (design.md 5): from loopback (127/8, ::1), from a host the stream
// wrote to (a stand-in's IPv6 host too), or from anyone when the bridge is open to the network.
bool UdpService::invited(const UdpStream &stream, const net::Endpoint &from, uint32_t stand_in) const {
    if (accept_from_anyone_) return true;
    if (from.ipv6 ? *from.ipv6 == kIpv6Loopback : is_loopback_ipv4(from.host)) return true;
    return stand_in != 0 && stream.contacted.count(stand_in) != 0;
}

// The address the guest knows `from` by: itself for IPv4; for IPv6 its live stand-in, or with
// `create` a new one (nullopt: the pool is exhausted, or there is none).
std::optional<uint32_t> UdpService::stand_in_of(const net::Endpoint &from, bool create) {
    if (!from.ipv6) return from.host;
    if (ipv6_pool_ == nullptr) return std::nullopt;
    return create ? ipv6_pool_->map_peer(*from.ipv6, core_->now()) : ipv6_pool_->stand_in_for(*from.ipv6, core_->now());
}

void UdpService::release_stand_ins(UdpStream &stream) {
    if (ipv6_pool_ != nullptr)
        for (uint32_t stand_in : stream.held_stand_ins) ipv6_pool_->release(stand_in);
    stream.held_stand_ins.clear();
}

}  // namespace mtb
