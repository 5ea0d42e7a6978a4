// Helpers for the UDP unit tests: UDP calls on fake guest RAM and a loopback peer socket.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bridge_harness.h"
#include "guest/pb_layout.h"
#include "loopback_socket.h"
#include "mactcp_bridge/ipp_driver_image.h"

namespace mtb::test {

namespace U = layout::udp;
constexpr uint16_t kUdpCreate = 20, kUdpRead = 21, kUdpBfrReturn = 22, kUdpWrite = 23, kUdpRelease = 24,
                   kUdpMtu = 25, kUdpStatus = 26, kUdpMultiCreate = 27, kUdpMultiSend = 28, kUdpMultiRead = 29;
constexpr uint32_t kLoopback = 0x7F000001;
constexpr uint32_t kUdpBuffer = 0x20000;
constexpr uint32_t kWds = 0x6000;
constexpr uint32_t kData = 0x7000;

inline void clear_pb(BridgeHarness &h, uint32_t pb, uint32_t size = U::size) {
    for (uint32_t i = 0; i < size; ++i) h.host.put8(pb + i, 0);
}

// UDPCreate (or UDPMultiCreate with `ending_port`); returns d0. The pb keeps the stream at 28.
inline int32_t udp_create(BridgeHarness &h, uint32_t buffer = kUdpBuffer, uint32_t length = 8192, uint16_t port = 0,
                          uint32_t notify = 0, uint32_t user_data = 0, uint32_t pb = BridgeHarness::kPb,
                          std::optional<uint16_t> ending_port = std::nullopt) {
    clear_pb(h, pb);
    h.host.put32(pb + U::create::rcvBuff.offset, buffer);
    h.host.put32(pb + U::create::rcvBuffLen.offset, length);
    h.host.put32(pb + U::create::notifyProc.offset, notify);
    h.host.put16(pb + U::create::localPort.offset, port);
    h.host.put32(pb + U::create::userDataPtr.offset, user_data);
    if (ending_port) h.host.put16(pb + U::create::endingPort.offset, *ending_port);
    return h.control(ending_port ? kUdpMultiCreate : kUdpCreate, pb);
}

inline uint16_t created_port(BridgeHarness &h, uint32_t pb = BridgeHarness::kPb) {
    return h.host.get16(pb + U::create::localPort.offset);
}

// Lays out a WDS at kWds with one entry per string (their bytes at kData...), then the terminator.
inline void put_wds(BridgeHarness &h, const std::vector<std::string> &parts) {
    uint32_t data = kData;
    uint32_t entry = kWds;
    for (const std::string &part : parts) {
        h.host.put16(entry, static_cast<uint16_t>(part.size()));
        h.host.put32(entry + 2, data);
        for (char c : part) h.host.put8(data++, static_cast<uint8_t>(c));
        entry += 6;
    }
    h.host.put16(entry, 0);
}

inline void prepare_write(BridgeHarness &h, uint32_t pb, uint32_t stream, uint32_t host, uint16_t port,
                          uint32_t wds = kWds, bool checksum = true) {
    clear_pb(h, pb, U::sizeOld);
    h.host.put32(pb + U::stream.offset, stream);
    h.host.put32(pb + U::send::remoteHost.offset, host);
    h.host.put16(pb + U::send::remotePort.offset, port);
    h.host.put32(pb + U::send::wdsPtr.offset, wds);
    h.host.put8(pb + U::send::checkSum.offset, checksum ? 1 : 0);
}

inline void prepare_read(BridgeHarness &h, uint32_t pb, uint32_t stream, uint16_t timeout) {
    clear_pb(h, pb, U::sizeOld);
    h.host.put32(pb + U::stream.offset, stream);
    h.host.put16(pb + U::receive::timeOut.offset, timeout);
}

inline int32_t udp_stream_call(BridgeHarness &h, uint16_t cs_code, uint32_t stream, uint32_t pb = BridgeHarness::kPb) {
    clear_pb(h, pb, U::sizeOld);
    h.host.put32(pb + U::stream.offset, stream);
    return h.control(cs_code, pb);
}

inline int32_t bfr_return(BridgeHarness &h, uint32_t stream, uint32_t pointer, uint32_t pb = 0x5800,
                          bool async = false) {
    clear_pb(h, pb, U::sizeOld);
    h.host.put32(pb + U::stream.offset, stream);
    h.host.put32(pb + U::bfr_return::rcvBuff.offset, pointer);
    return h.control(kUdpBfrReturn, pb, async);
}

inline std::string guest_string(BridgeHarness &h, uint32_t address, uint32_t length) {
    return std::string(h.host.ram.begin() + address, h.host.ram.begin() + address + length);
}

struct ReceivedDatagram {
    std::string bytes;
    uint16_t from_port = 0;
};

// Waits up to `ms` for one datagram on `fd` (either family).
inline std::optional<ReceivedDatagram> receive_datagram(int fd, int ms) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, ms) != 1) return std::nullopt;
    std::vector<char> buffer(70000);
    sockaddr_storage from{};
    socklen_t length = sizeof from;
    const ssize_t n = ::recvfrom(fd, buffer.data(), buffer.size(), 0, reinterpret_cast<sockaddr *>(&from), &length);
    if (n < 0) return std::nullopt;
    const uint16_t port = from.ss_family == AF_INET6 ? reinterpret_cast<const sockaddr_in6 &>(from).sin6_port
                                                     : reinterpret_cast<const sockaddr_in &>(from).sin_port;
    return ReceivedDatagram{std::string(buffer.data(), static_cast<size_t>(n)), ntohs(port)};
}

// A UDP socket on 127.0.0.1, or ::1 for AF_INET6 (ephemeral port): the host-side peer of the
// guest's streams.
struct LoopbackPeer {
    explicit LoopbackPeer(int family = AF_INET) : family_(family) {
        const LoopbackSocket bound = bind_loopback(family, SOCK_DGRAM);
        fd = bound.fd;
        port = bound.port;
    }
    ~LoopbackPeer() { ::close(fd); }

    void send_to(uint16_t to_port, const std::string &bytes) const {
        LoopbackAddress to = loopback_address(family_, to_port);
        ::sendto(fd, bytes.data(), bytes.size(), 0, to.get(), to.length);
    }

    std::optional<ReceivedDatagram> receive(int ms = 2000) const { return receive_datagram(fd, ms); }

    int fd;
    uint16_t port;

private:
    int family_;
};

// The same on [::1] (issue 15: the IPv6-only host behind a stand-in).
struct Ipv6LoopbackPeer : LoopbackPeer {
    Ipv6LoopbackPeer() : LoopbackPeer(AF_INET6) {}
};

// The calls the fake CPU recorded to the UDP ASR trampoline.
inline std::vector<FakeHost::GuestCall> udp_asr_calls(BridgeHarness &h) {
    std::vector<FakeHost::GuestCall> calls;
    for (const auto &call : h.host.calls)
        if (call.addr == FakeHost::kDriverAddress + guest_image::ipp_driver::symbol::ipp_tramp_udp_asr) calls.push_back(call);
    return calls;
}

inline std::vector<FakeHost::GuestCall> completion_calls(BridgeHarness &h) {
    std::vector<FakeHost::GuestCall> calls;
    for (const auto &call : h.host.calls)
        if (call.addr == FakeHost::kDriverAddress + guest_image::ipp_driver::symbol::ipp_tramp_completion) calls.push_back(call);
    return calls;
}

}  // namespace mtb::test
