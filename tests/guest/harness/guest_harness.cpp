// SPDX-License-Identifier: GPL-2.0-or-later
#include "guest_harness.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <stdexcept>
#include <thread>

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
    const char *log_level = std::getenv("MTB_GUEST_LOG");  // debug, info: chasing a failure
    o.prefs["ipplog"] = log_level != nullptr ? log_level : "warning";
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

namespace {

// The kernel's ephemeral range (connect()'s source ports): a port chosen below it is never taken
// by an outgoing connection of another test running at the same time.
int lowest_ephemeral_port() {
    std::ifstream in("/proc/sys/net/ipv4/ip_local_port_range");
    int low = 32768;
    in >> low;
    return low;
}

sockaddr_in loopback_address(uint16_t port) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(port);
    return address;
}

bool loopback_port_is_free(uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    const sockaddr_in address = loopback_address(port);
    const bool free = fd >= 0 && ::bind(fd, reinterpret_cast<const sockaddr *>(&address), sizeof address) == 0;
    if (fd >= 0) ::close(fd);
    return free;
}

}  // namespace

uint16_t closed_loopback_port() {
    // Test processes running side by side (ctest -j) agree through lock files: a port whose
    // lock another live process holds is skipped, and the lock goes with this process (its
    // descriptor is never closed), so the port stays ours for the whole test.
    static std::mutex mutex;
    const std::scoped_lock lock(mutex);
    const int high = std::min(lowest_ephemeral_port(), 65536) - 1, low = std::max(1024, high - 12000);
    if (high <= low) throw std::runtime_error("no loopback port range below the ephemeral ports");
    const std::filesystem::path locks = std::filesystem::temp_directory_path() / "mtb-test-ports";
    std::filesystem::create_directories(locks);
    const int span = high - low + 1;
    const int start = static_cast<int>(std::random_device{}() % static_cast<unsigned>(span));
    for (int i = 0; i < span; ++i) {
        const auto port = static_cast<uint16_t>(low + (start + i) % span);
        const std::string file = (locks / std::to_string(port)).string();
        const int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
        if (fd < 0) continue;
        if (::flock(fd, LOCK_EX | LOCK_NB) == 0 && loopback_port_is_free(port)) return port;
        ::close(fd);
    }
    throw std::runtime_error("no free loopback port below the ephemeral range");
}

int connect_loopback(uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    const sockaddr_in address = loopback_address(port);
    if (fd >= 0 && ::connect(fd, reinterpret_cast<const sockaddr *>(&address), sizeof address) == 0) return fd;
    if (fd >= 0) ::close(fd);
    return -1;
}

int connect_when_listening(uint16_t port, const std::atomic<bool> &guest_finished) {
    while (!guest_finished) {
        if (const int fd = connect_loopback(port); fd >= 0) return fd;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return -1;
}

}  // namespace mtb::guest
