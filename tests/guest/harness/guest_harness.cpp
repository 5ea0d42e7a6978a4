// SPDX-License-Identifier: GPL-2.0-or-later
#include "guest_harness.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <stdexcept>

namespace mtb::guest {

namespace {
machine::CpuModel g_cpu = machine::CpuModel::M68000;
}

void set_cpu(machine::CpuModel model) { g_cpu = model; }
machine::CpuModel cpu() { return g_cpu; }

machine::MachineOptions options(std::chrono::milliseconds timeout) {
    machine::MachineOptions o;
    o.cpu = g_cpu;
    o.plugin_path = MTB_PLUGIN_PATH;
    o.prefs["ippallow"] = "127.0.0.0/8";
    o.prefs["ipplog"] = "warning";
    o.timeout = timeout;
    o.echo_log = false;
    return o;
}

std::string program(const std::string &name) {
    return std::string(MTB_GUEST_BIN_DIR) + "/" + name + "." + machine::cpu_model_name(g_cpu) + ".bin";
}

machine::RunResult run(const std::string &name, const std::map<std::string, std::string> &params,
                       machine::MachineOptions base) {
    for (const auto &[key, value] : params) base.params[key] = value;
    base.params["ram_size"] = std::to_string(base.ram_size);
    // MTB_RECORD_TRACES=DIR: every run records an `ipptrace` file there, named after the test
    // and program (how tests/traces/ is re-recorded: see tests/traces/README.md);
    // MTB_RECORD_TRACE_MAX=SIZE caps each file (`ipptrace FILE max=SIZE`).
    if (const char *dir = std::getenv("MTB_RECORD_TRACES"); dir != nullptr && !base.prefs.contains("ipptrace")) {
        const auto *test = ::testing::UnitTest::GetInstance()->current_test_info();
        std::string file = std::string(dir) + "/" + (test ? std::string(test->test_suite_name()) + "." + test->name() + "." : "") +
                           name + "." + machine::cpu_model_name(g_cpu) + ".jsonl";
        if (const char *max = std::getenv("MTB_RECORD_TRACE_MAX"); max != nullptr && *max != '\0') file += std::string(" max=") + max;
        base.prefs["ipptrace"] = file;
    }
    machine::TestMachine machine(std::move(base));
    machine::RunResult result = machine.run_program(program(name));
    std::string log;
    for (const auto &line : result.log) log += "  " + line + "\n";
    EXPECT_TRUE(result.ok()) << name << " on the " << machine::cpu_model_name(g_cpu) << ": "
                             << (result.exited ? "exit code " + std::to_string(result.exit_code) : result.failure)
                             << "\n--- guest output ---\n" << result.output << "--- log ---\n" << log;
    return result;
}

LoopbackListener::LoopbackListener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0 || ::listen(fd_, 64) != 0)
        throw std::runtime_error("cannot listen on 127.0.0.1");
    socklen_t length = sizeof address;
    ::getsockname(fd_, reinterpret_cast<sockaddr *>(&address), &length);
    port_ = ntohs(address.sin_port);
}

LoopbackListener::~LoopbackListener() {
    if (fd_ >= 0) ::close(fd_);
}

uint16_t closed_loopback_port() {
    LoopbackListener temporary;
    return temporary.port();
}

}  // namespace mtb::guest
