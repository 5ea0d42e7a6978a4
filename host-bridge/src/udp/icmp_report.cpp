// SPDX-License-Identifier: GPL-2.0-or-later
#include "udp/icmp_report.h"

#include "guest/pb_layout.h"

namespace mtb {

namespace R = layout::icmp_report;

std::optional<uint16_t> report_type_for(uint8_t icmp_type, uint8_t icmp_code) {
    namespace t = icmp_report_type;
    switch (icmp_type) {
    case 3:  // destination unreachable
        switch (icmp_code) {
        case 0: return t::netUnreach;
        case 1: return t::hostUnreach;
        case 2: return t::protocolUnreach;
        case 3: return t::portUnreach;
        case 4: return t::fragReqd;
        case 5: return t::sourceRouteFailed;
        // RFC 1122/1812 codes MacTCP's list predates: network ones as netUnreach, the rest
        // (host unknown, prohibited, precedence...) as hostUnreach.
        case 6: case 8: case 9: case 11: return t::netUnreach;
        default: return t::hostUnreach;
        }
    case 11: return t::timeExceeded;
    case 12: return t::parmProblem;
    default: return std::nullopt;
    }
}

// RFC 4443 messages as their ICMPv4 counterparts (RFC 7915's translation), so an IPv6 host's
// errors reach the guest as the reportType an IPv4 host's would.
std::optional<uint16_t> report_type_for_icmp6(uint8_t icmp6_type, uint8_t icmp6_code) {
    namespace t = icmp_report_type;
    switch (icmp6_type) {
    case 1:  // destination unreachable
        switch (icmp6_code) {
        case 0: return t::netUnreach;   // no route
        case 4: return t::portUnreach;  // port unreachable
        default: return t::hostUnreach; // prohibited, beyond scope, address unreachable, policy...
        }
    case 2: return t::fragReqd;  // packet too big
    case 3: return t::timeExceeded;
    case 4: return icmp6_code == 1 ? t::protocolUnreach : t::parmProblem;  // 1: unknown next header
    default: return std::nullopt;
    }
}

bool write_icmp_report(GuestMemory &memory, uint32_t address, const IcmpReport &report) {
    if (!memory.contains(address, R::size)) return false;
    memory.write32(address + R::streamPtr.offset, report.stream);
    memory.write32(address + R::localHost.offset, report.local_host);
    memory.write16(address + R::localPort.offset, report.local_port);
    memory.write32(address + R::remoteHost.offset, report.remote_host);
    memory.write16(address + R::remotePort.offset, report.remote_port);
    memory.write16(address + R::reportType.offset, report.report_type);
    memory.write16(address + R::optionalAddlInfo.offset, report.optional_info);
    // optionalAddlInfoPtr would point at a static copy of the IP header for parmProblem; host
    // sockets do not expose the header we sent, so it stays NIL.
    memory.write32(address + R::optionalAddlInfoPtr.offset, 0);
    return true;
}

}  // namespace mtb
