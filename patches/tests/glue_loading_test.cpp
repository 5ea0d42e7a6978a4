// Loading the plugin named by prefs "ippplugin": the real plugin build, and every way it can
// fail (the emulator then logs one line and runs on as if unpatched).
// SPDX-License-Identifier: GPL-2.0-or-later
#include <unistd.h>

#include <cstdio>
#include <string>

#include "emul_op.h"
#include "glue_test_support.h"

namespace {

using ::testing::HasSubstr;

class Loading : public GlueTest {};

TEST_F(Loading, WithoutThePrefOneLineAndNothingElse) {
    const Output output = init_with(nullptr);
    ASSERT_EQ(output.all().size(), 1u);
    EXPECT_THAT(output.out.at(0), HasSubstr("\"ippplugin\" not set"));
    expect_runs_on_without_plugin();
}

TEST_F(Loading, AnEmptyPrefIsTheSameAsNone) {
    const Output output = init_with("");
    ASSERT_EQ(output.all().size(), 1u);
    EXPECT_THAT(output.out.at(0), HasSubstr("not set"));
    expect_runs_on_without_plugin();
}

TEST_F(Loading, AMissingFileIsLoggedOnce) {
    const Output output = init_with("/nonexistent/libmactcp_bridge.so");
    ASSERT_EQ(output.all().size(), 1u);
    EXPECT_THAT(output.err.at(0), HasSubstr("cannot load MacTCP plugin /nonexistent/libmactcp_bridge.so"));
    EXPECT_THAT(output.err.at(0), HasSubstr("running without it"));
    expect_runs_on_without_plugin();
}

TEST_F(Loading, AFileThatIsNoLibraryIsLoggedOnce) {
    const std::string path = testing::TempDir() + "not-a-library.so";
    std::FILE *file = std::fopen(path.c_str(), "w");
    ASSERT_NE(file, nullptr);
    std::fputs("this is a text file\n", file);
    std::fclose(file);

    const Output output = init_with(path.c_str());
    ASSERT_EQ(output.all().size(), 1u);
    EXPECT_THAT(output.err.at(0), HasSubstr("cannot load MacTCP plugin " + path));
    expect_runs_on_without_plugin();
    unlink(path.c_str());
}

TEST_F(Loading, ALibraryWithoutTheEntryIsNotAPluginAndIsUnloaded) {
    const Output output = init_with(NOT_A_PLUGIN);
    ASSERT_EQ(output.all().size(), 1u);
    EXPECT_THAT(output.err.at(0), HasSubstr("is not a MacTCP plugin (no mactcp_bridge_entry)"));
    EXPECT_FALSE(is_loaded(NOT_A_PLUGIN));
    expect_runs_on_without_plugin();
}

TEST_F(Loading, APluginThatRefusesIsUnloaded) {
    const Output output = init_with(FAKE_PLUGIN_REFUSES);
    ASSERT_EQ(output.err.size(), 1u);
    EXPECT_THAT(output.err.at(0), HasSubstr("refused this emulator (ABI version " + std::to_string(MTB_ABI_VERSION) + ")"));
    EXPECT_EQ(output.out, std::vector<std::string>{"fake: unloaded"}) << "the fake plugin's destructor, not a log line";
    EXPECT_FALSE(is_loaded(FAKE_PLUGIN_REFUSES));
    expect_runs_on_without_plugin();
}

TEST_F(Loading, AWrongAbiVersionIsNeverCalled) {
    // The fake's functions abort when called; it stays mapped because its threads might run.
    const Output output = init_with(FAKE_PLUGIN_WRONG_ABI);
    ASSERT_EQ(output.all().size(), 1u);
    EXPECT_THAT(output.err.at(0), HasSubstr("has ABI version " + std::to_string(MTB_ABI_VERSION + 1) + ", this emulator needs " +
                                           std::to_string(MTB_ABI_VERSION) + "; running without it"));
    expect_runs_on_without_plugin();
    IPPPluginExit();
}

TEST_F(Loading, AnIncompleteTableIsShutDownAndUnloaded) {
    const Output output = init_with(FAKE_PLUGIN_INCOMPLETE);
    EXPECT_EQ(output.err, (std::vector<std::string>{
        std::string("IPP ERROR: MacTCP plugin ") + FAKE_PLUGIN_INCOMPLETE +
        " is unusable (its table lacks a function), running without it"}));
    EXPECT_EQ(output.out, (std::vector<std::string>{"IPP: fake: shutdown", "fake: unloaded"}));
    EXPECT_FALSE(is_loaded(FAKE_PLUGIN_INCOMPLETE));
    expect_runs_on_without_plugin();
}

TEST_F(Loading, ABadDriverImageIsRefused) {
    const Output output = init_with(FAKE_PLUGIN_BAD_IMAGE);
    ASSERT_EQ(output.err.size(), 1u);
    EXPECT_THAT(output.err.at(0), HasSubstr("bad EMUL_OP offset"));
    EXPECT_FALSE(is_loaded(FAKE_PLUGIN_BAD_IMAGE));
    expect_runs_on_without_plugin();
}

TEST_F(Loading, AGoodPluginGetsAFullHostTable) {
    const Output output = init_with(FAKE_PLUGIN_GOOD);
    EXPECT_EQ(output.out, (std::vector<std::string>{std::string("IPP: MacTCP plugin ") + FAKE_PLUGIN_GOOD + " loaded"}));
    EXPECT_TRUE(output.err.empty());

    const mtb_host_api &api = host();
    EXPECT_EQ(api.abi_version, MTB_ABI_VERSION);
    EXPECT_EQ(api.struct_size, sizeof(mtb_host_api));
#ifdef SHEEPSHAVER
    EXPECT_EQ(api.emulator, uint32_t{MTB_EMULATOR_SHEEPSHAVER});
    EXPECT_EQ(api.emul_op_word, 0xfe78);
#else
    EXPECT_EQ(api.emulator, uint32_t{MTB_EMULATOR_BASILISK2});
    EXPECT_EQ(api.emul_op_word, 0x71f0);
#endif
    EXPECT_NE(api.get_ram, nullptr);
    EXPECT_NE(api.read_guest, nullptr);
    EXPECT_NE(api.write_guest, nullptr);
    EXPECT_NE(api.execute68k, nullptr);
    EXPECT_NE(api.raise_interrupt, nullptr);
    EXPECT_NE(api.pref_string, nullptr);
    EXPECT_NE(api.log, nullptr);
}

TEST_F(Loading, PrefsReachThePluginByName) {
    fake::set_prefs({{"ippplugin", FAKE_PLUGIN_GOOD}, {"ipplisten", "any"}, {"ippportmap", "10000"}});
    output_of([] { IPPPluginInit(); });
    EXPECT_STREQ(host().pref_string(host().ctx, "ipplisten"), "any");
    EXPECT_STREQ(host().pref_string(host().ctx, "ippportmap"), "10000");
    EXPECT_EQ(host().pref_string(host().ctx, "ipptrace"), nullptr);
    EXPECT_EQ(host().pref_string(host().ctx, nullptr), nullptr);
}

TEST_F(Loading, TheRealPluginLoadsInstallsAndOpens) {
    const Output loaded = init_with(MTB_REAL_PLUGIN);
    EXPECT_THAT(loaded.out, testing::Contains(std::string("IPP: MacTCP plugin ") + MTB_REAL_PLUGIN + " loaded"));
    EXPECT_TRUE(loaded.err.empty()) << loaded.err.at(0);

    const Output installed = output_of([] { fake::emul_op(M68K_EMUL_OP_INSTALL_DRIVERS, nullptr); });
    EXPECT_THAT(installed.out, testing::Contains("IPP: .IPP installed in unit 63 (refNum -64), Open returned 0"));
    EXPECT_NE(fake::unit(63), 0u);

    // A Control call with a parameter block outside guest RAM: the plugin validates raw values.
    M68kRegisters r{};
    r.d[0] = MTB_OP_CONTROL;
    r.a[0] = 0xfffffff0;
    r.a[1] = ReadMacInt32(fake::unit(63));
    output_of([&] { fake::emul_op(M68K_EMUL_OP_IPP, &r); });
    EXPECT_LT(static_cast<int32_t>(r.d[0]), 0);
    EXPECT_FALSE(fake::state().bogus_emul_op);

    output_of([] { IPPPluginExit(); });
    EXPECT_FALSE(is_loaded(MTB_REAL_PLUGIN));
}

}  // namespace
