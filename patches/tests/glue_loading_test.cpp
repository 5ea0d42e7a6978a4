// Loading the plugin named by prefs "ippplugin": the real plugin build, and every way it can
// fail (the emulator then logs one line and runs on as if unpatched).
// SPDX-License-Identifier: GPL-2.0-or-later
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "emul_op.h"
#include "glue_test_support.h"

namespace {

using ::testing::HasSubstr;

class Loading : public GlueTest {};

TEST_F(Loading, WithoutThePrefTheEmulatorIsSilent) {
    const Output output = init_with(nullptr);
    EXPECT_TRUE(output.all().empty()) << output.all().at(0);
    const Output later = output_of([this] { expect_runs_on_without_plugin(); });
    EXPECT_TRUE(later.all().empty());
    EXPECT_TRUE(fake::state().alerts.empty());
}

TEST_F(Loading, AnEmptyPrefIsTheSameAsNone) {
    const Output output = init_with("");
    EXPECT_TRUE(output.all().empty());
    expect_runs_on_without_plugin();
}

TEST_F(Loading, AMissingFileIsLoggedOnce) {
    const Output output = init_with("/nonexistent/libmactcp_bridge.so");
    ASSERT_EQ(output.all().size(), 1u);
    EXPECT_THAT(output.err.at(0), HasSubstr("cannot load MacTCP plugin /nonexistent/libmactcp_bridge.so"));
    EXPECT_THAT(output.err.at(0), HasSubstr("running without it"));
    expect_setup_alert("cannot load MacTCP plugin /nonexistent/libmactcp_bridge.so");
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
    expect_setup_alert("is not a MacTCP plugin");
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
    expect_setup_alert("bad EMUL_OP offset");
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

TEST_F(Loading, PrefsReachThePluginByNameWithEveryValueOfARepeatedItem) {
    fake::set_prefs({{"ippplugin", FAKE_PLUGIN_GOOD},
                     {"ippconfig", "dns=127.0.0.1:5353 timeout=500"},
                     {"ippconfig", "icmp=datagram"},
                     {"ippconfig", "tls=a setting the emulator has never heard of"},
                     {"ipplisten", "any"}});
    output_of([] { IPPPluginInit(); });
    EXPECT_STREQ(host().pref_string(host().ctx, "ippconfig"),
                 "dns=127.0.0.1:5353 timeout=500\nicmp=datagram\ntls=a setting the emulator has never heard of");
    EXPECT_STREQ(host().pref_string(host().ctx, "ipplisten"), "any") << "an emulator of an earlier patch";
    EXPECT_EQ(host().pref_string(host().ctx, "ipptrace"), nullptr);
    EXPECT_EQ(host().pref_string(host().ctx, nullptr), nullptr);
}

TEST_F(Loading, TheRealPluginIsQuietAtItsDefaultLevel) {
    const Output loaded = init_with(MTB_REAL_PLUGIN);
    const Output installed = output_of([] { fake::emul_op(M68K_EMUL_OP_INSTALL_DRIVERS, nullptr); });
    EXPECT_TRUE(loaded.all().empty()) << loaded.all().at(0);
    EXPECT_TRUE(installed.all().empty()) << installed.all().at(0);
    EXPECT_NE(fake::unit(63), 0u) << "installed all the same";
    output_of([] { IPPPluginExit(); });
}

TEST_F(Loading, TheRealPluginLoadsInstallsAndOpens) {
    expect_real_plugin_works(MTB_REAL_PLUGIN);
}

// The same with the plugin a `cmake --install` put in place (the install test sets the path).
TEST_F(Loading, TheInstalledPluginLoadsInstallsAndOpens) {
    const char *installed = std::getenv("MTB_INSTALLED_PLUGIN");
    if (installed == nullptr) GTEST_SKIP() << "MTB_INSTALLED_PLUGIN not set (the install test sets it)";
    expect_real_plugin_works(installed);
}

}  // namespace

void GlueTest::expect_real_plugin_works(const char *path) {
    fake::set_prefs({{"ippplugin", path}, {"ippconfig", "log=info"}});
    const Output loaded = output_of([] { IPPPluginInit(); });
    EXPECT_THAT(loaded.out, testing::Contains(std::string("IPP: MacTCP plugin ") + path + " loaded"));
    EXPECT_TRUE(loaded.err.empty()) << loaded.err.at(0);

    // First-boot diagnostics at info, for bug reports
    const Output installed = output_of([] { fake::emul_op(M68K_EMUL_OP_INSTALL_DRIVERS, nullptr); });
    EXPECT_THAT(installed.out, testing::Contains(testing::StartsWith("IPP: guest RAM at ")));
    EXPECT_THAT(installed.out, testing::Contains("IPP: .IPP installed in unit 63 (refNum -64), Open returned 0"));
    EXPECT_THAT(installed.out, testing::Contains("IPP: no other .IPP in the unit table"));
    EXPECT_THAT(installed.out, testing::Contains("IPP: Gestalt 'mtcp' answers 3"));
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
    EXPECT_FALSE(is_loaded(path));
}
