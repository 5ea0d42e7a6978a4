// The real plugin .so loaded by path, and a host table around 1 MB of fake RAM that counts
// interrupts, collects log lines, answers prefs from a map and can throw where told to.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <dlfcn.h>

#include <atomic>
#include <cstring>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "mactcp_bridge/abi.h"

struct Plugin {
    Plugin() {
        handle = dlopen(MTB_PLUGIN_PATH, RTLD_NOW | RTLD_LOCAL);
        if (handle != nullptr) entry = reinterpret_cast<mtb_entry_fn>(dlsym(handle, MTB_ENTRY_SYMBOL));
    }
    ~Plugin() {
        if (handle != nullptr) dlclose(handle);
    }
    void *handle = nullptr;
    mtb_entry_fn entry = nullptr;
};

struct FakeAbiHost {
    // What the host callbacks throw when told to (fault injection for the ABI barrier).
    enum class Throw { nothing, std_exception, integer };

    FakeAbiHost() : ram(1 << 20) {
        api.abi_version = MTB_ABI_VERSION;
        api.struct_size = sizeof api;
        api.emulator = MTB_EMULATOR_TEST_MACHINE;
        api.emul_op_word = 0x71F0;
        api.ctx = this;
        api.get_ram = [](void *ctx, mtb_ram_region *out) {
            auto *self = static_cast<FakeAbiHost *>(ctx);
            self->maybe_throw(self->throw_in_get_ram);
            *out = {self->ram.data(), 0, static_cast<uint32_t>(self->ram.size())};
            return 0;
        };
        api.read_guest = [](void *, uint32_t, void *, uint32_t) { return 1; };
        api.write_guest = [](void *ctx, uint32_t addr, const void *src, uint32_t len) {
            auto &ram = static_cast<FakeAbiHost *>(ctx)->ram;
            if (addr > ram.size() || len > ram.size() - addr) return 1;
            std::memcpy(ram.data() + addr, src, len);
            return 0;
        };
        api.execute68k = [](void *, uint32_t, mtb_regs *) { return 0; };
        api.raise_interrupt = [](void *ctx) { ++static_cast<FakeAbiHost *>(ctx)->raised; };
        api.pref_string = [](void *ctx, const char *name) -> const char * {
            auto &prefs = static_cast<FakeAbiHost *>(ctx)->prefs;
            const auto found = prefs.find(name);
            return found == prefs.end() ? nullptr : found->second.c_str();
        };
        api.log = [](void *ctx, int, const char *line) {
            auto *self = static_cast<FakeAbiHost *>(ctx);
            self->logs.emplace_back(line);
            self->maybe_throw(self->throw_in_log);
        };
    }

    void maybe_throw(Throw what) {
        if (what == Throw::std_exception) throw std::runtime_error("injected by the test host");
        if (what == Throw::integer) throw 42;
    }

    bool logged(const std::string &part) const {
        for (const auto &line : logs) {
            if (line.find(part) != std::string::npos) return true;
        }
        return false;
    }

    std::vector<uint8_t> ram;
    mtb_host_api api{};
    std::atomic<int> raised = 0;
    std::vector<std::string> logs;
    std::map<std::string, std::string> prefs;
    Throw throw_in_get_ram = Throw::nothing;
    Throw throw_in_log = Throw::nothing;
};
