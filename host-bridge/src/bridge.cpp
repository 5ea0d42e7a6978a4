// SPDX-License-Identifier: GPL-2.0-or-later
#include "mactcp_bridge/bridge.h"

#include "dnr/dnr_service.h"
#include "driver/driver_core.h"
#include "ip/host_network_info.h"
#include "ip/ip_service.h"
#include "net/ipv4_text.h"
#include "tcp/tcp_service.h"
#include "tls/tls_host_io.h"
#include "tls/tls_upstream.h"
#include "udp/udp_service.h"

namespace mtb {

struct Bridge::Parts {
    Parts(HostEnvironment &host, GuestCpu &cpu, net::HostIo *io)
        : core(host, cpu, io), network(core.io().network_info()), ip(core, network), udp(core, network),
          tcp(core, network), dnr(core), tls(core.host(), core.log()) {
        tcp.use_ipv6_pool(dnr.ipv6_pool());
        udp.use_ipv6_pool(dnr.ipv6_pool());
        // TLS sits below the trace recorder: traces hold the guest's plaintext.
        if (tls.has_rules())
            core.interpose([this](net::HostIo &below) {
                return std::make_unique<tls::TlsHostIo>(below, core.host(), core.log(), tls, dnr.looked_up_names());
            });
        core.add_service(15, 19, ip);
        core.add_service(20, 29, udp);
        core.add_service(30, 49, tcp);
        core.add_service(static_cast<uint16_t>(CsCode::dnrFirst), static_cast<uint16_t>(CsCode::dnrLast), dnr);
        TraceHeader trace;
        trace.host_address = network.address;
        trace.host_netmask = network.netmask;
        trace.host_mtu = network.mtu;
        trace.host_outward = network.found_outward_interface;
        core.start_trace(std::move(trace));
        core.log().info("host address {}/{} mtu {}{}", format_ipv4(network.address), __builtin_popcount(network.netmask),
                        network.mtu, network.found_outward_interface ? "" : " (no outward interface: loopback)");
    }
    ~Parts() { core.shutdown(); }  // the network thread stops before the services go away

    DriverCore core;
    HostNetworkInfo network;
    IpService ip;
    UdpService udp;
    TcpService tcp;
    DnrService dnr;
    tls::TlsUpstream tls;
};

Bridge::Bridge(HostEnvironment &host, GuestCpu &cpu) : parts_(std::make_unique<Parts>(host, cpu, nullptr)) {}
Bridge::Bridge(HostEnvironment &host, GuestCpu &cpu, net::HostIo &io) : parts_(std::make_unique<Parts>(host, cpu, &io)) {}
Bridge::~Bridge() = default;

namespace {
constexpr std::string_view kEntryNames[] = {"open", "prime", "control", "status", "close"};
}

// Every host->plugin entry is a record of the trace, with what it returned, so that a replay
// can make the same entries in the same order and nesting.
void Bridge::emul_op(GuestRegs &regs) {
    TraceWriter &trace = parts_->core.trace();
    if (!trace.enabled()) [[likely]] {
        parts_->core.emul_op(regs);
        return;
    }
    trace.entry(regs.d[0] < std::size(kEntryNames) ? kEntryNames[regs.d[0]] : "unknown", &regs);
    parts_->core.emul_op(regs);
    trace.entry_return(&regs);
}

TraceWriter &Bridge::trace_writer() { return parts_->core.trace(); }

void Bridge::interrupt() { traced_entry("interrupt", [this] { parts_->core.interrupt(); }); }
void Bridge::reset() { traced_entry("reset", [this] { parts_->core.reset(); }); }

void Bridge::shutdown() {
    traced_entry("shutdown", [this] { parts_->core.shutdown(); });
    parts_->core.trace().close("shutdown");
}

template <typename Fn>
void Bridge::traced_entry(std::string_view name, Fn &&run) {
    TraceWriter &trace = parts_->core.trace();
    if (!trace.enabled()) [[likely]] {
        run();
        return;
    }
    trace.entry(name, nullptr);
    run();
    trace.entry_return(nullptr);
}

void Bridge::host_line(LogLevel level, std::string_view line) {
    parts_->core.trace().note(line);
    parts_->core.log().log(level, "{}", line);
}

}  // namespace mtb
