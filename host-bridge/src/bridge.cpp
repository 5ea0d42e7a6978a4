// SPDX-License-Identifier: GPL-2.0-or-later
#include "mactcp_bridge/bridge.h"

#include "dnr/dnr_service.h"
#include "driver/driver_core.h"
#include "ip/host_network_info.h"
#include "ip/ip_service.h"
#include "tcp/tcp_service.h"
#include "tls/tls_upstream.h"
#include "udp/udp_service.h"

namespace mtb {

struct Bridge::Parts {
    Parts(HostEnvironment &host, GuestCpu &cpu)
        : network(discover_host_network()), core(host, cpu), ip(core, network), udp(core, network), tcp(core, network),
          dnr(core), tls(core.host(), core.log()) {
        tcp.use_tls(tls, dnr.looked_up_names());
        core.add_service(15, 19, ip);
        core.add_service(20, 29, udp);
        core.add_service(30, 49, tcp);
        core.add_service(static_cast<uint16_t>(CsCode::dnrFirst), static_cast<uint16_t>(CsCode::dnrLast), dnr);
        core.log().info("host address {}.{}.{}.{}/{} mtu {}{}", network.address >> 24, (network.address >> 16) & 255,
                        (network.address >> 8) & 255, network.address & 255, __builtin_popcount(network.netmask),
                        network.mtu, network.found_outward_interface ? "" : " (no outward interface: loopback)");
    }
    ~Parts() { core.shutdown(); }  // the network thread stops before the services go away

    HostNetworkInfo network;
    DriverCore core;
    IpService ip;
    UdpService udp;
    TcpService tcp;
    DnrService dnr;
    tls::TlsUpstream tls;
};

Bridge::Bridge(HostEnvironment &host, GuestCpu &cpu) : parts_(std::make_unique<Parts>(host, cpu)) {}
Bridge::~Bridge() = default;

void Bridge::emul_op(GuestRegs &regs) { parts_->core.emul_op(regs); }
void Bridge::interrupt() { parts_->core.interrupt(); }
void Bridge::reset() { parts_->core.reset(); }
void Bridge::shutdown() { parts_->core.shutdown(); }

}  // namespace mtb
