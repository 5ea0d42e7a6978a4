// Drives the bridge's DNR calls the way guest-driver/dnrp.S does, on fake guest RAM, with the
// bridge pointed at the tests' own DNS server on 127.0.0.1.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "dnr/dnr_layout.h"
#include "driver/mactcp_codes.h"
#include "bridge_harness.h"
#include "fake_host.h"
#include "guest/pb_layout.h"
#include "mactcp_bridge/bridge.h"
#include "test_dns_server.h"

namespace mtb::test {

// The Control call the 'dnrp' code makes with its call block at `pb`; returns d0.
inline int16_t dnr_control(FakeHost &host, Bridge &bridge, uint32_t pb) {
    GuestRegs regs;
    regs.d[0] = 2;  // Control
    regs.a[0] = pb;
    regs.a[1] = FakeHost::kDceAddress;
    bridge.emul_op(regs);
    const auto d0 = static_cast<int16_t>(regs.d[0]);
    EXPECT_EQ(d0, static_cast<int16_t>(host.get16(pb + layout::header::ioResult.offset)));
    return d0;
}

// One 'dnrp' entry through the call block at `pb` of any bridge on fake RAM: returns the
// OSErr the guest would get.
inline int16_t dnr_call(FakeHost &host, Bridge &bridge, uint32_t pb, uint32_t selector, uint32_t a1 = 0,
                        uint32_t a2 = 0, uint32_t a3 = 0, uint32_t a4 = 0, uint32_t a5 = 0, uint32_t hosts_data = 0,
                        uint32_t hosts_length = 0) {
    std::fill(host.ram.begin() + pb, host.ram.begin() + pb + dnr::call::size, 0);
    host.put16(pb + layout::header::ioTrap.offset, 0xA004);
    host.put16(pb + layout::header::csCode.offset, static_cast<uint16_t>(CsCode::dnrCall));
    host.put32(pb + dnr::call::selector.offset, selector);
    host.put32(pb + dnr::call::arg1.offset, a1);
    host.put32(pb + dnr::call::arg2.offset, a2);
    host.put32(pb + dnr::call::arg3.offset, a3);
    host.put32(pb + dnr::call::arg4.offset, a4);
    host.put32(pb + dnr::call::callerA5.offset, a5);
    host.put32(pb + dnr::call::hostsData.offset, hosts_data);
    host.put32(pb + dnr::call::hostsLength.offset, hosts_length);
    return dnr_control(host, bridge, pb);
}

// StrToAddr of `name` as a guest does before it connects (the bridge remembers the name for
// the address: SNI, certificate checks, ipptls limits); `pump` services interrupts until its
// argument holds. Returns the first address (0 when the lookup failed). Uses guest RAM at
// 0x3000 (call block), 0x6000 (name), 0x7000 (hostInfo); the result proc at 0x9800 never runs.
template <typename Pump>
uint32_t look_up_for_connect(FakeHost &host, Bridge &bridge, const std::string &name, Pump pump) {
    constexpr uint32_t kPb = 0x3000, kName = 0x6000, kRecord = 0x7000, kProc = 0x9800, kA5 = 0xC0FFEE & ~1u;
    dnr_call(host, bridge, kPb, dnr::kOpenResolver, 0, 0, 0, 0, kA5);  // resolvers are per application (A5)
    std::copy(name.begin(), name.end(), host.ram.begin() + kName);
    host.ram[kName + name.size()] = 0;
    const auto proc_calls = [&] {
        std::size_t n = 0;
        for (const auto &c : host.calls) n += c.addr == FakeHost::kDriverAddress + guest_image::ipp_driver::symbol::ipp_tramp_pascal_2l;
        return n;
    };
    const std::size_t before = proc_calls();
    if (dnr_call(host, bridge, kPb, dnr::kStrToAddr, kName, kRecord, kProc, 0, kA5) == err::cacheFault) {
        EXPECT_TRUE(pump([&] { return proc_calls() > before; }));
    }
    EXPECT_EQ(static_cast<int32_t>(host.get32(kRecord)), 0) << "StrToAddr " << name;
    return host.get32(kRecord + dnr::host_info::addr);
}

class DnrHarness {
public:
    static constexpr uint32_t kPb = 0x4000;       // the private call block (588 bytes)
    static constexpr uint32_t kA5 = 0x00C0FFEE & ~1u;
    static constexpr uint32_t kProc = 0x9000;     // a "result procedure" (never really run)
    static constexpr uint32_t kUserData = 0x12345678;
    static constexpr uint32_t kName = 0x6000;
    static constexpr uint32_t kRecord = 0x7000;   // hostInfo / returnRec

    // `make_io`: a host layer injected under the bridge (bridge_harness.h's inject<Io>()).
    explicit DnrHarness(bool standard_zone = true, int dns_timeout_ms = 300,
                        std::function<InjectedIo(FakeHost &)> make_io = {}) {
        if (standard_zone) dns.add_standard_zone();
        host.prefs["ippdns"] = dns.pref(dns_timeout_ms);
        if (make_io) injected = make_io(host);
        bridge = injected.io != nullptr ? std::make_unique<Bridge>(host, host, *injected.io) : std::make_unique<Bridge>(host, host);
        host.install_driver();
        GuestRegs regs;
        regs.d[0] = 0;  // Open
        regs.a[1] = FakeHost::kDceAddress;
        bridge->emul_op(regs);
    }

    // One 'dnrp' entry: returns the OSErr the guest would get.
    int16_t dnr(uint32_t selector, uint32_t a1 = 0, uint32_t a2 = 0, uint32_t a3 = 0, uint32_t a4 = 0,
                uint32_t a5 = kA5, uint32_t hosts_data = 0, uint32_t hosts_length = 0) {
        return dnr_call(host, *bridge, kPb, selector, a1, a2, a3, a4, a5, hosts_data, hosts_length);
    }

    int16_t control(uint32_t pb) { return dnr_control(host, *bridge, pb); }

    int16_t open() { return dnr(dnr::kOpenResolver); }

    void put_string(uint32_t at, const std::string &s) {
        std::copy(s.begin(), s.end(), host.ram.begin() + at);
        host.ram[at + s.size()] = 0;
    }
    std::string get_string(uint32_t at) const { return std::string(reinterpret_cast<const char *>(&host.ram[at])); }

    // Result-procedure calls seen so far (through the driver's Pascal two-long trampoline).
    std::vector<FakeHost::GuestCall> proc_calls() const {
        std::vector<FakeHost::GuestCall> out;
        for (const auto &c : host.calls)
            if (c.addr == FakeHost::kDriverAddress + guest_image::ipp_driver::symbol::ipp_tramp_pascal_2l) out.push_back(c);
        return out;
    }

    // Services interrupts until `done` or the timeout.
    bool pump_until(const std::function<bool()> &done, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (!done()) {
            if (std::chrono::steady_clock::now() > deadline) return false;
            const uint64_t seen = host.raised();
            bridge->interrupt();
            if (done()) return true;
            host.wait_for_raise(seen, std::chrono::milliseconds(20));
        }
        return true;
    }
    void pump_for(std::chrono::milliseconds time) { pump_until([] { return false; }, time); }

    int32_t rtn_code(uint32_t record = kRecord) const { return static_cast<int32_t>(host.get32(record)); }
    uint32_t addr(int i, uint32_t record = kRecord) const { return host.get32(record + dnr::host_info::addr + 4 * i); }

    TestDnsServer dns;  // first: outlives the bridge
    FakeHost host;
    InjectedIo injected;  // outlives the bridge
    std::unique_ptr<Bridge> bridge;
};

}  // namespace mtb::test
