// host-bridge's view of an ABI host table: guest memory, guest CPU, interrupts, prefs, log.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <string>

#include "mactcp_bridge/abi.h"
#include "mactcp_bridge/guest_cpu.h"
#include "mactcp_bridge/host_environment.h"

namespace mtb::plugin {

class AbiHost final : public HostEnvironment, public GuestCpu {
public:
    explicit AbiHost(const mtb_host_api &api) : api_(api) {}

    GuestMemory memory() override;
    void raise_interrupt() override { api_.raise_interrupt(api_.ctx); }
    // Setting `name` ("ipplisten"): the host's own item of that name, else "ippconfig".
    std::optional<std::string> pref(std::string_view name) override;
    void log(LogLevel level, std::string_view line) override;
    bool call(uint32_t addr, GuestRegs &regs) override;
    std::string emulator_name() const override;
    std::optional<uint32_t> read_low_memory32(uint32_t address) override;

    const mtb_host_api &api() const { return api_; }

    // Which required entries of a host table are missing; empty if it is usable.
    static std::string missing_entries(const mtb_host_api &api);

private:
    std::optional<std::string> host_item(std::string_view name);

    mtb_host_api api_;  // a copy: the host may reuse its struct after the entry call
};

}  // namespace mtb::plugin
