// SPDX-License-Identifier: GPL-2.0-or-later
#include "udp/udp_service.h"

#include <algorithm>

#include "driver/mactcp_codes.h"
#include "guest/pb_layout.h"

namespace mtb {

namespace {
constexpr uint32_t kIpUdpHeaders = 20 + 8;
// Every IP host must reassemble 576-byte datagrams: 576 - 28 (mactcp-reference 3.3).
constexpr uint16_t kOffSubnetMtu = 548;
}  // namespace

Outcome UdpService::handle(Call &call) {
    switch (static_cast<CsCode>(call.cs_code)) {
    case CsCode::udpMaxMTUSize: return max_mtu(call);
    default: return err::controlErr;
    }
}

// On-subnet (and local: loopback, our own address) destinations get the outward link's MTU
// minus the IP and UDP headers, i.e. the largest payload that is not fragmented — 1472 on
// Ethernet. The reference leaves header inclusion unconfirmed; payload size is what the Guide
// defines the call to return, and apps size buffers as 4 * MTU + 1024 from it.
uint16_t UdpService::max_mtu_size(uint32_t destination) const {
    const bool local = (destination >> 24) == 127 || destination == network_->address;
    if (!local && !network_->on_our_subnet(destination)) return kOffSubnetMtu;
    const uint32_t payload = network_->mtu > kIpUdpHeaders ? network_->mtu - kIpUdpHeaders : kOffSubnetMtu;
    return static_cast<uint16_t>(std::clamp<uint32_t>(payload, kOffSubnetMtu, 65535 - kIpUdpHeaders));
}

Outcome UdpService::max_mtu(Call &call) {
    // No stream is needed: the call works on a bare UDPiopb (client-call-sequences 5.9).
    call.pb.set(layout::udp::mtu::mtuSize, max_mtu_size(call.pb.get(layout::udp::mtu::remoteHost)));
    return err::noErr;
}

}  // namespace mtb
