// The real plugin .so through its C ABI: exports, version negotiation, lifetime.
// SPDX-License-Identifier: GPL-2.0-or-later
#include <gtest/gtest.h>

#include <dlfcn.h>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <sstream>
#include <string>
#include <vector>

#include "mactcp_bridge/abi.h"
#include "plugin_test_host.h"

namespace {

TEST(PluginAbi, ExportsExactlyTheEntrySymbol) {
    FILE *nm = popen("nm -D --defined-only '" MTB_PLUGIN_PATH "'", "r");
    ASSERT_NE(nm, nullptr);
    std::vector<std::string> exported;
    char line[512];
    while (std::fgets(line, sizeof line, nm) != nullptr) {
        std::istringstream fields(line);
        std::string address, type, name;
        fields >> address >> type >> name;
        if (!name.empty()) exported.push_back(name);
    }
    ASSERT_EQ(pclose(nm), 0);
    EXPECT_EQ(exported, std::vector<std::string>{"mactcp_bridge_entry"});
}

TEST(PluginAbi, RefusesAnUnknownAbiVersionAndSaysWhy) {
    Plugin plugin;
    ASSERT_NE(plugin.entry, nullptr) << dlerror();
    FakeAbiHost host;
    host.api.abi_version = MTB_ABI_VERSION + 1;
    EXPECT_EQ(plugin.entry(&host.api), nullptr);
    ASSERT_EQ(host.logs.size(), 1u);
    EXPECT_NE(host.logs[0].find("ABI version"), std::string::npos);
    EXPECT_EQ(plugin.entry(nullptr), nullptr);
}

TEST(PluginAbi, RefusesIncompleteHostTables) {
    Plugin plugin;
    FakeAbiHost host;
    host.api.execute68k = nullptr;
    EXPECT_EQ(plugin.entry(&host.api), nullptr);
    FakeAbiHost small;
    small.api.struct_size = sizeof(mtb_host_api) - 8;
    EXPECT_EQ(plugin.entry(&small.api), nullptr);
}

TEST(PluginAbi, HandsBackTheDriverImage) {
    Plugin plugin;
    FakeAbiHost host;
    const mtb_plugin_api *api = plugin.entry(&host.api);
    ASSERT_NE(api, nullptr);
    EXPECT_EQ(api->abi_version, MTB_ABI_VERSION);
    EXPECT_GE(api->struct_size, sizeof(mtb_plugin_api));
    ASSERT_GT(api->driver_image_size, 24u);
    EXPECT_EQ(std::memcmp(api->driver_image + 18, "\x04.IPP", 5), 0);
    ASSERT_GT(api->emul_op_offset_count, 0u);
    for (uint32_t i = 0; i < api->emul_op_offset_count; ++i) {
        const uint32_t offset = api->emul_op_offsets[i];
        ASSERT_LT(offset + 1, api->driver_image_size);
        EXPECT_EQ(offset % 2, 0u);
        EXPECT_EQ(api->driver_image[offset], 0x4A);  // ILLEGAL placeholder until the host patches it
        EXPECT_EQ(api->driver_image[offset + 1], 0xFC);
    }
    api->shutdown(api->self);
}

TEST(PluginAbi, SurvivesResetAndShutdownAtAnyPoint) {
    Plugin plugin;
    {
        FakeAbiHost host;
        const mtb_plugin_api *api = plugin.entry(&host.api);
        ASSERT_NE(api, nullptr);
        api->shutdown(api->self);  // straight away
    }
    {
        FakeAbiHost host;
        const mtb_plugin_api *api = plugin.entry(&host.api);
        api->reset(api->self);
        api->interrupt(api->self);
        api->reset(api->self);
        api->shutdown(api->self);
    }
    {
        // With the driver open and a request in flight.
        FakeAbiHost host;
        const mtb_plugin_api *api = plugin.entry(&host.api);
        std::memcpy(host.ram.data() + 0x1000, api->driver_image, api->driver_image_size);
        host.ram[0x800 + 2] = 0x10;  // DCE at 0x800: dCtlDriver = 0x1000
        mtb_regs regs{};
        regs.a[1] = 0x800;
        api->emul_op(api->self, &regs);
        EXPECT_EQ(regs.d[0], 0u);
        // TCPCreate on a buffer at 0x10000, then an active open to a closed loopback port.
        uint8_t *pb = host.ram.data() + 0x4000;
        pb[6] = 0xA4; pb[7] = 0x04;  // async
        pb[26] = 0; pb[27] = 30;
        pb[32] = 0; pb[33] = 1; pb[34] = 0; pb[35] = 0;  // rcvBuff 0x10000
        pb[38] = 0x20;                                    // rcvBuffLen 0x2000
        regs = {};
        regs.d[0] = 2;
        regs.a[0] = 0x4000;
        api->emul_op(api->self, &regs);
        EXPECT_EQ(regs.d[0], 0u);
        pb[26] = 0; pb[27] = 32;
        pb[36] = 127; pb[37] = 0; pb[38] = 0; pb[39] = 1;  // 127.0.0.1
        pb[40] = 0; pb[41] = 9;                            // port 9
        regs = {};
        regs.d[0] = 2;
        regs.a[0] = 0x4000;
        api->emul_op(api->self, &regs);
        EXPECT_EQ(regs.d[0], 1u);
        api->interrupt(api->self);
        api->shutdown(api->self);  // joins the network thread with the connect in flight
    }
}

}  // namespace
