// Small stand-in plugins for the glue tests, one per FAKE_MODE_* definition:
//   GOOD       a complete plugin with a tiny .IPP image; reports every call as a log line
//   WRONG_ABI  answers with a table of another ABI version (must never be called)
//   REFUSES    returns NULL, as a plugin does for a host it does not support
//   INCOMPLETE a table without an interrupt function
//   BAD_IMAGE  an EMUL_OP offset that is not word aligned
// SPDX-License-Identifier: GPL-2.0-or-later
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "mactcp_bridge/abi.h"

namespace {

const mtb_host_api *g_host;
mtb_regs g_last_regs;
uint32_t g_interrupt_call;  // guest routine the interrupt hook calls, 0 for none

// A DRVR whose five entry points are `moveq #selector,d0; <EMUL_OP placeholder>; rts`.
const uint8_t kImage[] = {
    0x4c, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // flags, delay, emask, menu
    0x00, 0x20, 0x00, 0x26, 0x00, 0x2c, 0x00, 0x32, 0x00, 0x38,  // open prime control status close
    0x04, '.', 'I', 'P', 'P', 0x00,  // name
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x70, 0x00, 0x4a, 0xfc, 0x4e, 0x75,  // 0x20 open
    0x70, 0x01, 0x4a, 0xfc, 0x4e, 0x75,  // 0x26 prime
    0x70, 0x02, 0x4a, 0xfc, 0x4e, 0x75,  // 0x2c control
    0x70, 0x03, 0x4a, 0xfc, 0x4e, 0x75,  // 0x32 status
    0x70, 0x04, 0x4a, 0xfc, 0x4e, 0x75,  // 0x38 close
};
#ifdef FAKE_MODE_BAD_IMAGE
const uint32_t kEmulOpOffsets[] = {0x22, 0x29};
#else
const uint32_t kEmulOpOffsets[] = {0x22, 0x28, 0x2e, 0x34, 0x3a};
#endif

void say(const char *format, unsigned value = 0) {
    char line[160];
    std::snprintf(line, sizeof line, format, value);
    g_host->log(g_host->ctx, MTB_LOG_DEBUG, line);
}

void emul_op(void *, mtb_regs *regs) {
    g_last_regs = *regs;
    say("fake: emul_op d0=%u", regs->d[0]);
    switch (regs->d[0]) {
    case 0x100: {  // call the guest routine at a2 with recognisable registers
        mtb_regs guest = *regs;
        for (int i = 1; i < 8; ++i) guest.d[i] = 0x10101010u * static_cast<uint32_t>(i);
        const int failed = g_host->execute68k(g_host->ctx, regs->a[2], &guest);
        for (int i = 1; i < 8; ++i) regs->d[i] = guest.d[i];
        regs->a[3] = guest.a[3];
        regs->d[0] = static_cast<uint32_t>(failed);
        break;
    }
    case 0x102:  // a second .IPP call from inside the first, as a completion routine makes one
        regs->d[0] = 0;
        break;
    case 0x101:  // answer in every register, a7 included (which the glue must not take back)
        for (int i = 0; i < 8; ++i) {
            regs->d[i] = 0xd0000000u + static_cast<uint32_t>(i);
            regs->a[i] = 0xa0000000u + static_cast<uint32_t>(i);
        }
        break;
    default:
        regs->d[0] = 0;
        break;
    }
}

void interrupt(void *) {
    say("fake: interrupt");
    if (g_interrupt_call != 0) {
        mtb_regs guest{};
        say("fake: interrupt execute68k -> %u", static_cast<unsigned>(g_host->execute68k(g_host->ctx, g_interrupt_call, &guest)));
    }
}

void reset(void *) { say("fake: reset"); }
// No ipplog of its own: every host line goes back, so the tests see each one.
void host_log(void *, int level, const char *line) { g_host->log(g_host->ctx, level, line); }
void shutdown(void *) { say("fake: shutdown"); }

[[noreturn, maybe_unused]] void never_called(void *) {
    std::fputs("fake plugin: a table of the wrong ABI version was used\n", stderr);
    std::abort();
}
[[noreturn, maybe_unused]] void never_called_op(void *self, mtb_regs *) { never_called(self); }

[[maybe_unused]] mtb_plugin_api make_table() {
    mtb_plugin_api api{};
    api.abi_version = MTB_ABI_VERSION;
    api.struct_size = sizeof api;
    api.emul_op = emul_op;
    api.interrupt = interrupt;
    api.reset = reset;
    api.shutdown = shutdown;
    api.host_log = host_log;
    api.driver_image = kImage;
    api.driver_image_size = sizeof kImage;
    api.emul_op_offsets = kEmulOpOffsets;
    api.emul_op_offset_count = sizeof kEmulOpOffsets / sizeof kEmulOpOffsets[0];
#if defined(FAKE_MODE_WRONG_ABI)
    api.abi_version = MTB_ABI_VERSION + 1;
    api.emul_op = never_called_op;
    api.interrupt = never_called;
    api.reset = never_called;
    api.shutdown = never_called;
#elif defined(FAKE_MODE_INCOMPLETE)
    api.interrupt = nullptr;
#endif
    return api;
}

[[maybe_unused]] mtb_plugin_api g_table;

// Seen when the glue unloads the library: after "fake: shutdown", never before.
__attribute__((destructor)) void unloaded() {
    std::printf("fake: unloaded\n");
    std::fflush(stdout);
}

}  // namespace

extern "C" const mtb_plugin_api *mactcp_bridge_entry(const mtb_host_api *host) {
    g_host = host;
#ifdef FAKE_MODE_REFUSES
    return nullptr;
#else
    if (host->abi_version != MTB_ABI_VERSION) return nullptr;
    g_table = make_table();
    return &g_table;
#endif
}

// Test hooks, found with dlsym while the glue has the library loaded.
extern "C" const mtb_host_api *fake_plugin_host() { return g_host; }
extern "C" const mtb_regs *fake_plugin_last_regs() { return &g_last_regs; }
extern "C" void fake_plugin_set_interrupt_call(uint32_t addr) { g_interrupt_call = addr; }
