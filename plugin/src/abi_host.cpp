// SPDX-License-Identifier: GPL-2.0-or-later
#include "abi_host.h"

#include "plugin_settings.h"

namespace mtb::plugin {

GuestMemory AbiHost::memory() {
    mtb_ram_region region{};
    if (api_.get_ram(api_.ctx, &region) != 0 || region.host == nullptr) return GuestMemory();
    return GuestMemory(region.host, region.guest_base, region.size);
}

std::optional<std::string> AbiHost::pref(std::string_view name) {
    if (auto own = host_item(name)) return own;
    if (auto config = host_item(kConfigItem)) return setting_from_config(*config, name);
    return std::nullopt;
}

std::optional<std::string> AbiHost::host_item(std::string_view name) {
    if (api_.pref_string == nullptr) return std::nullopt;
    const std::string key(name);
    const char *value = api_.pref_string(api_.ctx, key.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
}

void AbiHost::log(LogLevel level, std::string_view line) {
    const std::string text(line);
    api_.log(api_.ctx, static_cast<int>(level), text.c_str());
}

bool AbiHost::call(uint32_t addr, GuestRegs &regs) {
    mtb_regs raw{};
    for (int i = 0; i < 8; ++i) {
        raw.d[i] = regs.d[i];
        raw.a[i] = regs.a[i];
    }
    const int failed = api_.execute68k(api_.ctx, addr, &raw);
    for (int i = 0; i < 8; ++i) {
        regs.d[i] = raw.d[i];
        regs.a[i] = raw.a[i];
    }
    return failed == 0;
}

std::optional<uint32_t> AbiHost::read_low_memory32(uint32_t address) {
    uint8_t bytes[4];
    if (api_.read_guest == nullptr || api_.read_guest(api_.ctx, address, bytes, 4) != 0) return std::nullopt;
    return (uint32_t{bytes[0]} << 24) | (uint32_t{bytes[1]} << 16) | (uint32_t{bytes[2]} << 8) | bytes[3];
}

std::string AbiHost::emulator_name() const {
    switch (api_.emulator) {
    case MTB_EMULATOR_BASILISK2: return "Basilisk II";
    case MTB_EMULATOR_SHEEPSHAVER: return "SheepShaver";
    case MTB_EMULATOR_TEST_MACHINE: return "68k test machine";
    default: return "unknown";
    }
}

std::string AbiHost::missing_entries(const mtb_host_api &api) {
    std::string missing;
    auto need = [&](bool present, const char *name) {
        if (present) return;
        if (!missing.empty()) missing += ", ";
        missing += name;
    };
    need(api.get_ram != nullptr, "get_ram");
    need(api.execute68k != nullptr, "execute68k");
    need(api.raise_interrupt != nullptr, "raise_interrupt");
    need(api.log != nullptr, "log");
    return missing;
}

}  // namespace mtb::plugin
