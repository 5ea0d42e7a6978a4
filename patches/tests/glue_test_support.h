// Shared fixture of the glue tests: a fresh fake guest per test, output capture, and access to
// the test hooks of a loaded fake plugin.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "fake_mac.h"
#include "ipp_plugin.h"
#include "ipp_plugin_abi.h"

struct Output {
    std::vector<std::string> out;  // stdout lines
    std::vector<std::string> err;  // stderr lines
    std::vector<std::string> all() const;
};

// Everything `action` printed, split into lines.
Output output_of(const std::function<void()> &action);

// Whether the dynamic loader has `path` mapped right now.
bool is_loaded(const char *path);

// A symbol of the library at `path`, which must be loaded already.
void *loaded_symbol(const char *path, const char *name);

class GlueTest : public ::testing::Test {
protected:
    void SetUp() override { fake::reset_guest(); }
    void TearDown() override { IPPPluginExit(); }

    // Set prefs "ippplugin" to `path` (nothing when null) and run the emulator's InitAll() hook.
    Output init_with(const char *path);

    // The fake plugin's view of the host table (the GOOD fake plugin must be loaded).
    const mtb_host_api &host() const;

    // The emulator runs on as if unpatched: no driver, the EMUL_OP answers, the flag is served.
    void expect_runs_on_without_plugin();

    // The real plugin at `path` loads, installs and opens its driver and logs the first-boot
    // diagnostics at ipplog info (through "ippconfig"), answers a bad call, and unloads.
    void expect_real_plugin_works(const char *path);

    // A setup error reached the user through the emulator's own alert, in GUI builds only.
    static void expect_setup_alert(const std::string &part);
};
