// SPDX-License-Identifier: GPL-2.0-or-later
#include "glue_test_support.h"

#include <dlfcn.h>

#include <cstdlib>

#include <sstream>

#include "emul_op.h"

namespace {

std::vector<std::string> lines_of(const std::string &text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

}  // namespace

std::vector<std::string> Output::all() const {
    std::vector<std::string> lines = out;
    lines.insert(lines.end(), err.begin(), err.end());
    return lines;
}

Output output_of(const std::function<void()> &action) {
    testing::internal::CaptureStdout();
    testing::internal::CaptureStderr();
    action();
    Output output;
    output.out = lines_of(testing::internal::GetCapturedStdout());
    output.err = lines_of(testing::internal::GetCapturedStderr());
    return output;
}

bool is_loaded(const char *path) {
    void *handle = dlopen(path, RTLD_NOW | RTLD_NOLOAD);
    if (handle == nullptr) return false;
    dlclose(handle);
    return true;
}

void *loaded_symbol(const char *path, const char *name) {
    void *handle = dlopen(path, RTLD_NOW | RTLD_NOLOAD);
    if (handle == nullptr) return nullptr;
    void *symbol = dlsym(handle, name);
    dlclose(handle);  // the glue still holds its own reference
    return symbol;
}

Output GlueTest::init_with(const char *path) {
    if (path != nullptr) fake::set_prefs({{"ippplugin", path}});
    return output_of([] { IPPPluginInit(); });
}

const mtb_host_api &GlueTest::host() const {
    auto hook = reinterpret_cast<const mtb_host_api *(*)()>(loaded_symbol(FAKE_PLUGIN_GOOD, "fake_plugin_host"));
    if (hook == nullptr || hook() == nullptr) {
        ADD_FAILURE() << "the GOOD fake plugin is not loaded";
        std::abort();
    }
    return *hook();
}

void GlueTest::expect_setup_alert(const std::string &part) {
#ifdef ENABLE_GTK
    ASSERT_EQ(fake::state().alerts.size(), 1u);
    EXPECT_THAT(fake::state().alerts[0], testing::StartsWith("MacTCP Bridge: "));
    EXPECT_THAT(fake::state().alerts[0], testing::HasSubstr(part));
#else
    (void)part;
    EXPECT_TRUE(fake::state().alerts.empty()) << "no alert without a GUI: the line on stderr is all";
#endif
}

void GlueTest::expect_runs_on_without_plugin() {
    const std::vector<uint16_t> traps_before = fake::state().traps;
    const uint32_t unit_count = ReadMacInt16(fake::kUnitNtryCnt);

    fake::emul_op(M68K_EMUL_OP_INSTALL_DRIVERS, nullptr);
    EXPECT_EQ(fake::state().traps, traps_before) << "no driver may be installed";
    for (uint32_t unit = 48; unit < unit_count; ++unit) EXPECT_EQ(fake::unit(static_cast<int>(unit)), 0u);

    M68kRegisters r{};
    r.d[0] = MTB_OP_CONTROL;
    fake::emul_op(M68K_EMUL_OP_IPP, &r);
    EXPECT_EQ(static_cast<int32_t>(r.d[0]), -28) << "notOpenErr instead of the fatal default";
    EXPECT_FALSE(fake::state().bogus_emul_op);

    fake::set_interrupt_flags(INTFLAG_IPP | INTFLAG_ETHER);
    fake::state().interrupts_in_guest_calls = false;  // the IRQ below is the one taken
    M68kRegisters irq{};
    fake::emul_op(M68K_EMUL_OP_IRQ, &irq);
    EXPECT_EQ(fake::interrupt_flags(), uint32_t{INTFLAG_ETHER}) << "INTFLAG_IPP served, others left alone";
    fake::set_interrupt_flags(0);
    fake::state().interrupts_in_guest_calls = true;

    fake::emul_op(M68K_EMUL_OP_RESET, nullptr);
}
