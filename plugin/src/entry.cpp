// The plugin's one exported symbol and the table it hands back.
// SPDX-License-Identifier: GPL-2.0-or-later
#include <cstdio>
#include <memory>
#include <string>

#include "abi_barrier.h"
#include "abi_host.h"
#include "mactcp_bridge/abi.h"
#include "mactcp_bridge/bridge.h"
#include "mactcp_bridge/ipp_driver_image.h"

namespace mtb::plugin {
namespace {

namespace image = guest_image::ipp_driver;

// One plugin instance per successful entry call; freed by shutdown.
struct Instance {
    explicit Instance(const mtb_host_api &host_api) : host(host_api), bridge(host, host) {}
    AbiHost host;
    Bridge bridge;
    mtb_plugin_api api{};
};

Instance *self_of(void *self) { return static_cast<Instance *>(self); }

// Every function in the table is noexcept: guarded() stops what the bridge throws at the
// boundary (abi.h: nothing crosses it), logs it, and answers the host in a defined way.
void emul_op(void *self, mtb_regs *raw) noexcept {
    Instance *instance = self_of(self);
    guarded(
        instance->host.api(), "emul_op",
        [&] {
            GuestRegs regs;
            for (int i = 0; i < 8; ++i) {
                regs.d[i] = raw->d[i];
                regs.a[i] = raw->a[i];
            }
            instance->bridge.emul_op(regs);
            for (int i = 0; i < 8; ++i) {
                raw->d[i] = regs.d[i];
                raw->a[i] = regs.a[i];
            }
        },
        [&] { answer_failed_call(instance->host.api(), *raw); });
}

// What is still queued stays queued; the next raise delivers it.
void interrupt(void *self) noexcept {
    Instance *instance = self_of(self);
    guarded(instance->host.api(), "interrupt", [&] { instance->bridge.interrupt(); }, [] {});
}

void reset(void *self) noexcept {
    Instance *instance = self_of(self);
    guarded(instance->host.api(), "reset", [&] { instance->bridge.reset(); }, [] {});
}

// The instance goes away whatever happens: the host unloads the library next.
void shutdown(void *self) noexcept {
    Instance *instance = self_of(self);
    guarded(instance->host.api(), "shutdown", [&] { instance->bridge.shutdown(); }, [] {});
    delete instance;
}

void host_log(void *self, int level, const char *line) noexcept {
    Instance *instance = self_of(self);
    if (line == nullptr) return;
    const LogLevel clamped = static_cast<LogLevel>(level < MTB_LOG_ERROR ? MTB_LOG_ERROR : level > MTB_LOG_DEBUG ? MTB_LOG_DEBUG : level);
    guarded(instance->host.api(), "host_log", [&] { instance->bridge.host_line(clamped, line); }, [] {});
}

void refuse(const mtb_host_api *host, const std::string &why) {
    if (host != nullptr && host->log != nullptr) {
        host->log(host->ctx, MTB_LOG_ERROR, ("MacTCP Bridge refuses this host: " + why).c_str());
    }
}

// The checks and the start, which may throw; the exported entry below catches.
const mtb_plugin_api *enter(const mtb_host_api *host) {
    if (host == nullptr) return nullptr;
    if (host->abi_version != MTB_ABI_VERSION) {
        refuse(host, "ABI version " + std::to_string(host->abi_version) + ", this plugin speaks " +
                         std::to_string(MTB_ABI_VERSION));
        return nullptr;
    }
    if (host->struct_size < sizeof(mtb_host_api)) {
        refuse(host, "host table of " + std::to_string(host->struct_size) + " bytes is too small");
        return nullptr;
    }
    if (const std::string missing = AbiHost::missing_entries(*host); !missing.empty()) {
        refuse(host, "host table lacks " + missing);
        return nullptr;
    }
    auto instance = std::make_unique<Instance>(*host);
    mtb_plugin_api &api = instance->api;
    api.abi_version = MTB_ABI_VERSION;
    api.struct_size = sizeof(mtb_plugin_api);
    api.self = instance.get();
    api.emul_op = emul_op;
    api.interrupt = interrupt;
    api.reset = reset;
    api.shutdown = shutdown;
    api.host_log = host_log;
    api.driver_image = image::image;
    api.driver_image_size = image::image_size;
    api.emul_op_offsets = image::emul_op_offsets;
    api.emul_op_offset_count = sizeof image::emul_op_offsets / sizeof image::emul_op_offsets[0];
    return &instance.release()->api;
}

}  // namespace
}  // namespace mtb::plugin

extern "C" __attribute__((visibility("default"))) const mtb_plugin_api *mactcp_bridge_entry(const mtb_host_api *host) {
    using namespace mtb::plugin;
    const mtb_plugin_api *api = nullptr;
    // A host too broken to log through is refused silently: its log pointer is not checked yet.
    const bool can_log = host != nullptr && host->log != nullptr;
    auto failed = [&] { api = nullptr; };
    if (can_log) {
        guarded(*host, "start-up", [&] { api = enter(host); }, failed);
    } else {
        try {
            api = enter(host);
        } catch (...) {
            failed();
        }
    }
    return api;
}
