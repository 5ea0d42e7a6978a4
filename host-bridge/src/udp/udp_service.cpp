// SPDX-License-Identifier: GPL-2.0-or-later
//
// UDP streams: create (ports), release, status, MTU, dispatch. Sending is in udp_send.cpp,
// receiving in udp_receive.cpp.
#include "udp/udp_service.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <iterator>
#include <optional>
#include <utility>

#include "driver/mactcp_codes.h"
#include "guest/pb_layout.h"
#include "net/host_errors.h"
#include "net/ipv4_text.h"

namespace mtb {

namespace L = layout::udp;

namespace {
constexpr uint32_t kIpUdpHeaders = 20 + 8;
// Every IP host must reassemble 576-byte datagrams: 576 - 28 (mactcp-reference 3.3).
constexpr uint16_t kOffSubnetMtu = 548;
constexpr uint32_t kMinReceiveBuffer = 2048;  // mactcp-reference 7.1
// MacTCP itself listens on UDP port 520 (RIP), so creating a stream there always fails with
// duplicateSocket (mactcp-reference 7.8). Kept for fidelity: no client can have relied on it.
constexpr uint16_t kRipPort = 520;
// The widest UDPMultiCreate range (mactcp-reference 7.8 names none; MacTCP itself had at most
// 64 UDP streams). One host socket per port: the bound keeps a guest from taking a host's UDP
// ports wholesale and keeps the call, which binds them all on the emulation thread, well
// under 1 ms of CPU. Wider ranges are answered insufficientResources.
constexpr uint32_t kMaxMultiCreatePorts = 64;

// The host's refusals are logged; the table answers (and logs errors it does not know).
int16_t result_for_bind_error(int error, uint16_t port, Logger &log) {
    const int16_t result = mactcp_result_for_errno(error, HostOperation::bind, log);
    if (error == EACCES || error == EPERM)  // ippportmap covers TCP listens only
        log.warning("UDP port {}: the host refuses to bind it (privileged port?)", port);
    else if (result == err::insufficientResources)
        log.warning("UDP port {}: out of host sockets", port);
    else if (error != EADDRINUSE)
        log.warning("UDP port {}: cannot bind it: {} -> {}", port, std::strerror(error), result_name(result));
    return result;
}

struct Bound {
    net::SocketId id = net::kNoSocket;
    int error = 0;
    uint16_t port = 0;  // the bound port (the kernel's choice when asked for 0)
};

// A socket bound to `address` (0 = every local address) on `port` (0 = any free port), with
// ICMP errors queued (IP_RECVERR), arrival addresses reported (IP_PKTINFO) and broadcasts
// allowed (MacTCP sends them freely).
Bound open_bound(net::HostIo &io, uint32_t address, uint16_t port) {
    const net::Opened opened = io.open(net::SocketKind::udp);
    if (opened.id == net::kNoSocket) return {net::kNoSocket, opened.error, 0};
    const net::SocketId id = opened.id;
    io.set_option(id, net::Option::receive_errors, true);
    io.set_option(id, net::Option::packet_info, true);
    // A released stream's port may be taken again at once: SO_REUSEADDR (UdpService refuses
    // duplicates among its own streams itself; other host sockets still refuse us unless they
    // share too). For port 0 it is set after binding, or the kernel could pick a port another
    // SO_REUSEADDR socket holds.
    if (port != 0) io.set_option(id, net::Option::reuse_address, true);
    io.set_option(id, net::Option::broadcast, true);
    const int error = io.bind(id, {address, port});
    const auto local = error == 0 ? io.local_endpoint(id) : std::nullopt;
    if (!local) {
        io.close(id, false);
        return {net::kNoSocket, error != 0 ? error : EINVAL, 0};
    }
    if (port == 0) io.set_option(id, net::Option::reuse_address, true);
    return {id, 0, local->port};
}

}  // namespace

UdpService::UdpService(DriverCore &core, const HostNetworkInfo &network) : core_(&core), network_(&network) {
    // Like TCP listens (design.md section 5), UDP streams accept datagrams from loopback peers
    // and from hosts the stream has written to (what a NAT lets back in), unless `ipplisten`
    // opens the bridge to the network.
    accept_from_anyone_ = !core.listen().loopback_only();
}

UdpService::~UdpService() = default;

Outcome UdpService::handle(Call &call) {
    const auto cs = static_cast<CsCode>(call.cs_code);
    switch (cs) {
    case CsCode::udpCreate: return create(call, false);
    case CsCode::udpMultiCreate: return create(call, true);
    case CsCode::udpMaxMTUSize: return max_mtu(call);
    default: break;
    }
    if (call.cs_code < static_cast<uint16_t>(CsCode::udpCreate) || call.cs_code > static_cast<uint16_t>(CsCode::udpMultiRead))
        return err::controlErr;
    UdpStream *stream = find(call.pb.get(L::stream));
    if (stream == nullptr) return err::invalidStreamPtr;
    switch (cs) {
    case CsCode::udpRead: return read(call, *stream, false);
    case CsCode::udpMultiRead: return read(call, *stream, true);
    case CsCode::udpBfrReturn: return bfr_return(call, *stream);
    case CsCode::udpWrite: return write(call, *stream, false);
    case CsCode::udpMultiSend: return write(call, *stream, true);
    case CsCode::udpRelease: return release(call, *stream);
    case CsCode::udpStatus: return status(call, *stream);
    default: return err::controlErr;
    }
}

UdpStream *UdpService::find(uint32_t stream_ptr) {
    const auto found = streams_.find(stream_ptr);
    return found == streams_.end() ? nullptr : &found->second;
}

UdpStream *UdpService::find(uint32_t stream_ptr, uint64_t serial) {
    UdpStream *stream = find(stream_ptr);
    return stream != nullptr && stream->serial == serial ? stream : nullptr;
}

// Ports of our own open streams (the host would let a second SO_REUSEADDR socket share them).
bool UdpService::port_taken(uint16_t first, uint16_t last) const {
    for (const auto &[stream_ptr, stream] : streams_)
        if (first <= stream.last_port && stream.first_port <= last) return true;
    return false;
}

bool UdpService::overlaps_existing(uint32_t start, uint32_t length) const {
    const uint64_t end = uint64_t{start} + length;
    auto next = streams_.lower_bound(start);
    if (next != streams_.end() && next->first < end) return true;
    if (next != streams_.begin()) {
        const UdpStream &previous = std::prev(next)->second;
        if (uint64_t{previous.area.base()} + previous.area.length() > start) return true;
    }
    return false;
}

// UDPCreate binds one host socket on localPort (0: the kernel picks a free port, returned in
// the pb) on every interface, so the stream can send anywhere. UDPMultiCreate binds every port
// of localPort..endingPort on the `ipplisten` address only (a multi-port stream is a server:
// with the loopback default it serves this host); an empty or inverted range or a start of 0
// is refused with invalidLength (the reference names no error for it; the range is the call's
// length argument), a range wider than kMaxMultiCreatePorts with insufficientResources.
Outcome UdpService::create(Call &call, bool multi) {
    const ParamBlock &pb = call.pb;
    const uint32_t buffer = pb.get(L::create::rcvBuff);
    const uint32_t length = pb.get(L::create::rcvBuffLen);
    if (buffer == 0) return err::invalidBufPtr;
    if (length < kMinReceiveBuffer) return err::invalidLength;
    if (!core_->memory().contains(buffer, length)) return err::invalidBufPtr;
    if (overlaps_existing(buffer, length)) return err::streamAlreadyOpen;

    uint16_t first = pb.get(L::create::localPort);
    uint16_t last = first;
    if (multi) {
        last = pb.get(L::create::endingPort);
        if (first == 0 || last < first) return err::invalidLength;
        if (uint32_t{last} - first + 1 > kMaxMultiCreatePorts) {
            core_->log().warning("UDPMultiCreate: ports {}..{} are more than {} at once", first, last, kMaxMultiCreatePorts);
            return err::insufficientResources;
        }
    }
    if (first != 0 && first <= kRipPort && kRipPort <= last) return err::duplicateSocket;
    if (first != 0 && port_taken(first, last)) return err::duplicateSocket;

    const uint32_t address = multi ? core_->listen().address() : 0;
    net::HostIo &io = core_->io();
    std::vector<Bound> opened;
    for (uint32_t port = first; port <= last; ++port) {
        const Bound socket = open_bound(io, address, static_cast<uint16_t>(port));
        if (socket.id == net::kNoSocket) {
            for (const Bound &done : opened) io.close(done.id, false);
            return result_for_bind_error(socket.error, static_cast<uint16_t>(port), core_->log());
        }
        opened.push_back(socket);
    }

    UdpStream &stream = streams_.try_emplace(buffer, buffer, length).first->second;
    stream.stream_ptr = buffer;
    stream.serial = next_serial_++;
    stream.notify_proc = pb.get(L::create::notifyProc);
    stream.user_data = pb.get(L::create::userDataPtr);
    stream.a5 = call.a5;
    stream.first_port = opened.front().port;
    stream.last_port = opened.back().port;
    for (const Bound &socket : opened) {
        stream.sockets.push_back(HostUdpSocket{socket.id, socket.port});
        by_socket_[socket.id] = buffer;
        core_->router().route(socket.id, *this);
    }

    pb.set(L::stream, buffer);
    pb.set(L::create::localPort, stream.first_port);
    core_->log().debug("{} stream 0x{:08x} ({} bytes) port {}..{}", multi ? "UDPMultiCreate" : "UDPCreate", buffer,
                       length, stream.first_port, stream.last_port);
    return err::noErr;
}

// Pending reads end with connectionTerminated (mactcp-reference 7.1); the buffer is handed back
// at 32/36 for the app to dispose. Datagrams still handed out go with it.
Outcome UdpService::release(Call &call, UdpStream &stream) {
    const uint32_t stream_ptr = stream.stream_ptr;
    std::vector<RequestId> reads;
    for (const PendingRead &read : stream.reads) reads.push_back(read.request);
    call.pb.set(L::release::rcvBuff, stream.area.base());
    call.pb.set(L::release::rcvBuffLen, stream.area.length());
    if (stream.dropped_full + stream.dropped_too_big + stream.dropped_filtered != 0) {
        core_->log().info("UDP stream 0x{:08x} released: {} datagrams received, {} sent, dropped {} (buffer full), "
                          "{} (larger than the buffer), {} (not from loopback or a host written to)",
                          stream_ptr, stream.received, stream.sent, stream.dropped_full, stream.dropped_too_big,
                          stream.dropped_filtered);
    }
    Outbox out;  // the completions run once the stream is gone: their routines may call us again
    for (RequestId request : reads) out.add([this, request] { core_->complete(request, err::connectionTerminated); });
    close_sockets(stream);
    streams_.erase(stream_ptr);
    return err::noErr;
}

// UDPStatus is defined in the headers but no layout is documented anywhere (reference 3.3,
// open question 3). We answer noErr for an open stream (invalidStreamPtr otherwise, from the
// lookup) and write nothing: any output would be a guess, and bytes past 51 are off limits.
Outcome UdpService::status(Call &, UdpStream &) { return err::noErr; }

// On-subnet (and local: loopback, our own address) destinations get the outward link's MTU
// minus the IP and UDP headers, i.e. the largest payload that is not fragmented — 1472 on
// Ethernet. The reference leaves header inclusion unconfirmed; payload size is what the Guide
// defines the call to return, and apps size buffers as 4 * MTU + 1024 from it.
uint16_t UdpService::max_mtu_size(uint32_t destination) const {
    const bool local = is_loopback_ipv4(destination) || destination == network_->address;
    if (!local && !network_->on_our_subnet(destination)) return kOffSubnetMtu;
    const uint32_t payload = network_->mtu > kIpUdpHeaders ? network_->mtu - kIpUdpHeaders : kOffSubnetMtu;
    return static_cast<uint16_t>(std::clamp<uint32_t>(payload, kOffSubnetMtu, 65535 - kIpUdpHeaders));
}

Outcome UdpService::max_mtu(Call &call) {
    // No stream is needed: the call works on a bare UDPiopb (client-call-sequences 5.9).
    call.pb.set(L::mtu::mtuSize, max_mtu_size(call.pb.get(L::mtu::remoteHost)));
    return err::noErr;
}

// The stream forgets its sockets first: events still on their way for them are dropped.
// Its stand-ins are released with them (udp_ipv6.cpp).
void UdpService::close_sockets(UdpStream &stream) {
    for (auto *sockets : {&stream.sockets, &stream.sockets6}) {
        for (const HostUdpSocket &socket : *sockets) {
            core_->router().forget(socket.id);
            by_socket_.erase(socket.id);
            core_->io().close(socket.id, false);
        }
        sockets->clear();
    }
    release_stand_ins(stream);
}

void UdpService::reset() {
    for (auto &[stream_ptr, stream] : streams_) close_sockets(stream);
    streams_.clear();
    by_socket_.clear();
}

}  // namespace mtb
