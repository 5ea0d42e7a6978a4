// Drives a Bridge the way the guest driver does, on fake guest RAM.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <chrono>
#include <functional>
#include <memory>

#include "fake_host.h"
#include "guest/pb_layout.h"
#include "mactcp_bridge/bridge.h"

namespace mtb::test {

// A host layer (host-bridge/src/net/host_io.h) injected into the bridge, kept alive by `keep`.
struct InjectedIo {
    net::HostIo *io = nullptr;
    std::shared_ptr<void> keep;
};

// The usual maker for BridgeHarness(make_io): a host layer of type Io built on the FakeHost.
template <typename Io>
InjectedIo inject(FakeHost &host) {
    auto io = std::make_shared<Io>(host);
    return {io.get(), io};
}

class BridgeHarness {
public:
    static constexpr uint32_t kPb = 0x4000;  // default parameter block address

    explicit BridgeHarness(std::map<std::string, std::string> prefs = {})
        : host(std::move(prefs)), bridge_owner(std::make_unique<Bridge>(host, host)), bridge(*bridge_owner) {
        open();
    }
    // With a host layer of the test's making (a decorator over the live one, a scripted host).
    explicit BridgeHarness(const std::function<InjectedIo(FakeHost &)> &make_io, std::map<std::string, std::string> prefs = {})
        : host(std::move(prefs)), injected(make_io(host)),
          bridge_owner(std::make_unique<Bridge>(host, host, *injected.io)), bridge(*bridge_owner) {
        open();
    }

    void open() {
        host.install_driver();
        GuestRegs regs;
        regs.d[0] = 0;  // Open
        regs.a[1] = FakeHost::kDceAddress;
        bridge.emul_op(regs);
        open_result = static_cast<int32_t>(regs.d[0]);
    }

    // Fills the header of the block at `pb` and calls the Control entry; returns d0.
    int32_t control(uint16_t cs_code, uint32_t pb = kPb, bool async = false, uint32_t completion = 0, uint32_t a5 = 0) {
        host.put16(pb + layout::header::ioTrap.offset, async ? 0xA404 : 0xA004);
        host.put32(pb + layout::header::ioCompletion.offset, completion);
        host.put16(pb + layout::header::csCode.offset, cs_code);
        GuestRegs regs;
        regs.d[0] = 2;  // Control
        regs.a[0] = pb;
        regs.a[1] = FakeHost::kDceAddress;
        regs.a[5] = a5;
        bridge.emul_op(regs);
        return static_cast<int32_t>(regs.d[0]);
    }

    int16_t io_result(uint32_t pb = kPb) { return static_cast<int16_t>(host.get16(pb + layout::header::ioResult.offset)); }

    // Services interrupts until `done` holds or the timeout passes.
    bool pump_until(const std::function<bool()> &done, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (!done()) {
            if (std::chrono::steady_clock::now() > deadline) return false;
            const uint64_t seen = host.raised();
            bridge.interrupt();
            if (done()) return true;
            host.wait_for_raise(seen, std::chrono::milliseconds(20));
        }
        return true;
    }

    FakeHost host;
    InjectedIo injected;
    std::unique_ptr<Bridge> bridge_owner;
    Bridge &bridge;
    int32_t open_result = 0;
};

}  // namespace mtb::test
