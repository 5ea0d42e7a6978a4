// SPDX-License-Identifier: GPL-2.0-or-later
//
// UDPWrite and UDPMultiSend: one datagram gathered from the guest's WDS, sent at once on the
// emulation thread straight from guest RAM (sendmsg with one iovec per WDS entry).
#include <sys/uio.h>

#include <array>
#include <cerrno>
#include <cstring>

#include "dnr/ipv6_mapping_pool.h"
#include "driver/mactcp_codes.h"
#include "guest/pb_layout.h"
#include "guest/wds.h"
#include "net/host_errors.h"
#include "net/ipv4_text.h"
#include "udp/udp_service.h"

namespace mtb {

namespace L = layout::udp;

namespace {

constexpr uint32_t kMaxWdsEntries = 6;         // mactcp-reference 4: more ⇒ invalidWDS
constexpr uint32_t kMaxUdpPayload = 65535 - 28;  // what one IPv4 datagram can carry

}  // namespace

Outcome UdpService::write(Call &call, UdpStream &stream, bool multi) {
    const ParamBlock &pb = call.pb;
    GuestMemory &memory = core_->memory();
    // The WDS: at most six entries, gathered straight from guest RAM (sendmsg only reads).
    std::array<iovec, kMaxWdsEntries> parts{};
    uint32_t count = 0;
    uint64_t total = 0;
    const auto gather = [&](uint32_t address, uint16_t length) {
        const auto bytes = memory.bytes(address, length);  // inside RAM: the walker checked
        parts[count++] = iovec{const_cast<uint8_t *>(bytes->data()), bytes->size()};
    };
    const int16_t walked = walk_wds(memory, pb.get(L::send::wdsPtr), {.max_entries = kMaxWdsEntries}, total, gather);
    if (walked != err::noErr) return walked;
    // The Guide's limit is 8,192 bytes, its result list says invalidLength above 65,535; what
    // lies between is sent when IPv4 can carry it, else it is the fragmentation pool's error.
    if (total > 65535) return err::invalidLength;
    if (total > kMaxUdpPayload) return err::ipNoFragMemErr;

    // UDPMultiSend picks the source port at 52 (0: the range's first); UDPWrite on a multiport
    // stream sends from its first port (unconfirmed: the Guide says Multi "must be used"; we
    // are lenient). A port outside the stream's range has no socket: connectionDoesntExist.
    uint16_t port = stream.first_port;
    if (multi && pb.get(L::send::localPort) != 0) port = pb.get(L::send::localPort);
    if (port < stream.first_port || port > stream.last_port) return err::connectionDoesntExist;
    HostUdpSocket &socket = stream.sockets.at(port - stream.first_port);

    const uint32_t host = pb.get(L::send::remoteHost);
    const uint16_t remote_port = pb.get(L::send::remotePort);
    // No datagram can go to port 0 or to "this host, any address".
    if (host == 0 || remote_port == 0) return err::ipRouteErr;
    // `ippallow` judges the address the guest sent to (a stand-in too, as for TCP).
    if (!core_->outgoing().allows(host)) {
        core_->log().warning("UDPWrite to {}:{} refused by ippallow", format_ipv4(host), remote_port);
        return err::ipRouteErr;
    }
    // A stand-in for an IPv6-only host: the datagram goes to its IPv6 address (udp_ipv6.cpp).
    Route route{&socket, {host, remote_port}};
    if (dnr::Ipv6MappingPool::in_pool(host)) {
        if (const int16_t refused = route_to_stand_in(stream, socket, remote_port, host, route); refused != err::noErr)
            return refused;
    }
    HostUdpSocket &via = *route.socket;

    // Checksum flag 0: send with a zero checksum field (SO_NO_CHECK) where the host allows it
    // (IPv6 has no such datagrams: they always carry one).
    net::HostIo &io = core_->io();
    const bool checksum_off = pb.get(L::send::checkSum) == 0;
    if (!via.ipv6 && via.checksum_off != checksum_off) {
        if (io.set_option(via.id, net::Option::no_checksum, checksum_off) == 0)
            via.checksum_off = checksum_off;
        else
            core_->log().debug("UDPWrite: the host cannot send without checksums; sending with one");
    }

    const std::span<const iovec> gathered(parts.data(), count);
    int error = io.send_to(via.id, gathered, route.to);
    // An error an earlier datagram's ICMP message left on the socket belongs to that datagram,
    // reported from the error queue (flagged here: this send consumed its notice), not to this one.
    if (is_icmp_notice(error)) {
        via.errors_queued = true;
        error = io.send_to(via.id, gathered, route.to);
    }
    if (error != 0) {
        const int16_t result = mactcp_result_for_errno(error, HostOperation::datagram, core_->log());
        core_->log().info("UDPWrite to {}:{}: {} -> {}", format_ipv4(host), remote_port, std::strerror(error),
                          result_name(result));
        return result;
    }
    if (core_->trace().enabled()) core_->trace().data("to_host", stream.stream_ptr, static_cast<uint32_t>(total));
    stream.contacted.insert(host);
    ++stream.sent;
    return err::noErr;
}

}  // namespace mtb
