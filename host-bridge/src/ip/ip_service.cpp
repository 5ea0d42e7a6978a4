// SPDX-License-Identifier: GPL-2.0-or-later
#include "ip/ip_service.h"

#include <cstring>

#include "driver/mactcp_codes.h"
#include "driver/scratch_layout.h"
#include "guest/pb_layout.h"

namespace mtb {

Outcome IpService::handle(Call &call) {
    switch (static_cast<CsCode>(call.cs_code)) {
    case CsCode::ipctlGetAddr: return get_addr(call);
    case CsCode::ipctlEchoICMP: return echo_.echo(call);
    case CsCode::ipctlLAPStats: return lap_stats(call);
    default: return err::controlErr;  // 16 and 18: undocumented, no known use
    }
}

// The host's outward address, so FTP PORT commands and "Send IP Number" name a reachable
// host (design.md section 5). Writes exactly bytes 28..35: apps pass 36-byte blocks.
Outcome IpService::get_addr(Call &call) {
    call.pb.set(layout::get_addr::ourAddress, network_->address);
    call.pb.set(layout::get_addr::ourNetMask, network_->netmask);
    return err::noErr;
}

// ipctlLAPStats: whether the driver returns a pointer to its own record or fills one the
// caller supplies is unconfirmed (reference 3.4). We return a pointer (offset 28, out) to a
// record in driver-owned guest RAM: it never writes through a guest pointer that may be
// uninitialised. Values: ifType 0 (the real codes are unconfirmed), ifString names the bridge,
// ifMaxMTU the host interface's MTU, ifSpeed 10,000,000 (bits/s, classic Ethernet), no
// physical address (the host's link layer is not the guest's) and no ARP/NBP table (NIL).
Outcome IpService::lap_stats(Call &call) {
    namespace S = layout::lap_stats;
    GuestCallbacks &callbacks = core_->callbacks();
    if (!callbacks.has_driver()) return err::controlErr;
    GuestMemory &memory = core_->memory();
    const uint32_t record = callbacks.scratch() + scratch::lapStats;
    const uint32_t name = record + S::size;
    static constexpr char kName[] = "MacTCP Bridge";
    static_assert(S::size + sizeof kName <= scratch::lapStatsSize);
    if (!memory.fill(record, 0, scratch::lapStatsSize) || !memory.write(name, kName, sizeof kName)) return err::controlErr;
    memory.write16(record + S::ifType.offset, 0);
    memory.write32(record + S::ifString.offset, name);
    memory.write16(record + S::ifMaxMTU.offset, static_cast<uint16_t>(network_->mtu > 65535 ? 65535 : network_->mtu));
    memory.write32(record + S::ifSpeed.offset, 10'000'000);
    call.pb.set(layout::lap_stats_pb::lapStatsPtr, record);
    return err::noErr;
}

}  // namespace mtb
