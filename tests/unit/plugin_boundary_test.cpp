// The plugin's C entry points stop every exception (abi.h: none crosses the boundary) and
// answer the guest with MacTCP errors; settings come from the emulators' "ippconfig" item.
// Faults are injected by host callbacks that throw through the real plugin .so.
// SPDX-License-Identifier: GPL-2.0-or-later
#include <gtest/gtest.h>

#include "mactcp_bridge/abi.h"
#include "plugin_settings.h"
#include "plugin_test_host.h"

namespace {

using mtb::plugin::setting_from_config;
using Throw = FakeAbiHost::Throw;

constexpr uint32_t kPb = 0x4000;

int16_t io_result(const FakeAbiHost &host) {
    return static_cast<int16_t>((host.ram[kPb + 16] << 8) | host.ram[kPb + 17]);
}

class AbiBarrier : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_NE(plugin.entry, nullptr) << dlerror();
        api = plugin.entry(&host.api);
        ASSERT_NE(api, nullptr);
    }
    void TearDown() override {
        host.throw_in_get_ram = Throw::nothing;
        host.throw_in_log = Throw::nothing;
        if (api != nullptr) api->shutdown(api->self);
    }

    mtb_regs control_call() {
        mtb_regs regs{};
        regs.d[0] = MTB_OP_CONTROL;
        regs.a[0] = kPb;
        host.ram[kPb + 27] = 30;  // TCPCreate
        host.ram[kPb + 16] = 0x7f;
        return regs;
    }

    Plugin plugin;
    FakeAbiHost host;
    const mtb_plugin_api *api = nullptr;
};

TEST_F(AbiBarrier, AControlCallThatThrowsAnswersInsufficientResourcesInD0AndIoResult) {
    host.throw_in_get_ram = Throw::std_exception;
    mtb_regs regs = control_call();
    api->emul_op(api->self, &regs);
    EXPECT_EQ(static_cast<int32_t>(regs.d[0]), -23009);
    EXPECT_EQ(io_result(host), -23009) << "a caller waiting on ioResult goes on";
    EXPECT_TRUE(host.logged("emul_op failed: injected by the test host"));
}

TEST_F(AbiBarrier, AnOpenThatThrowsAnswersIpLoadErr) {
    host.throw_in_get_ram = Throw::integer;
    mtb_regs regs{};
    regs.d[0] = MTB_OP_OPEN;
    regs.a[1] = 0x800;
    api->emul_op(api->self, &regs);
    EXPECT_EQ(static_cast<int32_t>(regs.d[0]), -23003);
    EXPECT_TRUE(host.logged("emul_op failed: an exception of unknown type"));
}

TEST_F(AbiBarrier, InterruptAndHostLinesThatThrowAreLoggedAndThePluginGoesOn) {
    host.throw_in_get_ram = Throw::std_exception;
    api->interrupt(api->self);
    EXPECT_TRUE(host.logged("interrupt failed: injected"));
    host.throw_in_get_ram = Throw::nothing;

    host.throw_in_log = Throw::std_exception;
    api->host_log(api->self, MTB_LOG_ERROR, "a line the host's log throws on");
    host.throw_in_log = Throw::nothing;
    EXPECT_TRUE(host.logged("host_log failed: injected"));

    host.logs.clear();
    mtb_regs regs = control_call();
    api->emul_op(api->self, &regs);
    EXPECT_NE(static_cast<int32_t>(regs.d[0]), -23009) << "the next call is served by the bridge";
    EXPECT_FALSE(host.logged("failed:"));
}

TEST_F(AbiBarrier, ShutdownAfterAThrowStillFreesTheInstance) {
    host.throw_in_get_ram = Throw::std_exception;
    api->interrupt(api->self);
    host.throw_in_get_ram = Throw::nothing;
    api->shutdown(api->self);  // LeakSanitizer checks the instance is gone
    api = nullptr;
}

TEST(PluginSettings, IppconfigLinesNameSettingsWithOrWithoutThePrefix) {
    const std::string config = "dns=127.0.0.1:5353 timeout=500 tries=1\nippicmp = datagram\n  log =debug";
    EXPECT_EQ(setting_from_config(config, "ippdns"), "127.0.0.1:5353 timeout=500 tries=1");
    EXPECT_EQ(setting_from_config(config, "ippicmp"), "datagram");
    EXPECT_EQ(setting_from_config(config, "ipplog"), "debug");
    EXPECT_EQ(setting_from_config(config, "ipptls"), std::nullopt) << "absent";
    EXPECT_EQ(setting_from_config(config, "dns"), "127.0.0.1:5353 timeout=500 tries=1");
}

TEST(PluginSettings, TheLastLineWinsAndMalformedLinesAreIgnored) {
    EXPECT_EQ(setting_from_config("log=info\nno equals sign\nlog=debug", "ipplog"), "debug");
    EXPECT_EQ(setting_from_config("trace=", "ipptrace"), "") << "present but empty";
    EXPECT_EQ(setting_from_config("", "ipplog"), std::nullopt);
    EXPECT_EQ(setting_from_config("=x\nlisten", "ipplisten"), std::nullopt);
    EXPECT_EQ(setting_from_config("xlog=debug", "ipplog"), std::nullopt) << "names match whole";
}

TEST(PluginSettings, ThePluginReadsIppconfigAndAHostsOwnItemWins) {
    Plugin plugin;
    ASSERT_NE(plugin.entry, nullptr) << dlerror();
    {
        FakeAbiHost host;
        host.prefs["ippconfig"] = "listen=any\nlog=info";
        const mtb_plugin_api *api = plugin.entry(&host.api);
        ASSERT_NE(api, nullptr);
        api->reset(api->self);  // logs at info
        EXPECT_TRUE(host.logged("reset:")) << "ippconfig log=info took effect";
        api->shutdown(api->self);
    }
    {
        FakeAbiHost host;
        host.prefs["ippconfig"] = "log=info";
        host.prefs["ipplog"] = "error";
        const mtb_plugin_api *api = plugin.entry(&host.api);
        ASSERT_NE(api, nullptr);
        api->reset(api->self);
        EXPECT_FALSE(host.logged("reset:")) << "the host's own ipplog item wins";
        api->shutdown(api->self);
    }
}

TEST(PluginSettings, HostLinesFollowIpplog) {
    Plugin plugin;
    FakeAbiHost host;
    host.prefs["ippconfig"] = "log=warning";
    const mtb_plugin_api *api = plugin.entry(&host.api);
    ASSERT_NE(api, nullptr);
    api->host_log(api->self, MTB_LOG_INFO, "glue: quiet at warning");
    api->host_log(api->self, MTB_LOG_WARNING, "glue: shown at warning");
    api->host_log(api->self, 99, "glue: a level beyond debug counts as debug");
    EXPECT_FALSE(host.logged("quiet at warning"));
    EXPECT_TRUE(host.logged("shown at warning"));
    EXPECT_FALSE(host.logged("beyond debug"));
    api->shutdown(api->self);
}

}  // namespace
