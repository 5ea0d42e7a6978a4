// MacTCP Bridge: the emulator-independent MacTCP driver behind the plugin ABI.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <memory>
#include <string_view>

#include "mactcp_bridge/guest_cpu.h"
#include "mactcp_bridge/host_environment.h"

namespace mtb {

class TraceWriter;  // host-bridge/src/trace/trace_writer.h

// One emulated Mac's MacTCP. Every member runs on the emulation thread.
class Bridge {
public:
    Bridge(HostEnvironment &host, GuestCpu &cpu);
    ~Bridge();
    Bridge(const Bridge &) = delete;
    Bridge &operator=(const Bridge &) = delete;

    // A driver entry point trapped: d0 = entry selector, a0 = pb, a1 = DCE; result in d0.
    void emul_op(GuestRegs &regs);
    // The host's answer to HostEnvironment::raise_interrupt, at guest interrupt level.
    void interrupt();
    // Guest restart: forget every guest address, close every host socket.
    void reset();
    // Stop the network thread; nothing runs afterwards. Idempotent.
    void shutdown();
    // A diagnostic line of the host's own (driver install, unit table): recorded in the trace,
    // then logged like the bridge's own lines, subject to `ipplog`.
    void host_line(LogLevel level, std::string_view line);

    // The `ipptrace` recorder, for tools: trace replay records today's bridge into a sink of its own.
    TraceWriter &trace_writer();

private:
    template <typename Fn>
    void traced_entry(std::string_view name, Fn &&run);

    struct Parts;
    std::unique_ptr<Parts> parts_;
};

}  // namespace mtb
