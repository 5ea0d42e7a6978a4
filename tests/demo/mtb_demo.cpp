// The demo: 68k MacTCP programs on our 68k test machine, through the real plugin, talking to
// real servers and clients on this machine's loopback.
// SPDX-License-Identifier: GPL-2.0-or-later
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <mutex>
#include <string>

#include "demo_servers.h"
#include "mtb_machine/test_machine.h"

namespace {

using namespace mtb;

std::string g_bin_dir = MTB_GUEST_BIN_DIR;
std::string g_plugin = MTB_PLUGIN_PATH;

std::string program(const std::string &name) { return g_bin_dir + "/" + name + ".68000.bin"; }

machine::RunResult run_on_the_mac(const std::string &name, const std::map<std::string, std::string> &params) {
    machine::MachineOptions options;
    options.cpu = machine::CpuModel::M68000;
    options.plugin_path = g_plugin;
    options.params = params;
    options.timeout = std::chrono::seconds(60);
    options.echo_output = true;  // the Mac's output, live
    options.echo_log = true;
    std::printf("[host] starting the 68k test machine (68000, 8 MB RAM) with %s running %s\n",
                std::filesystem::path(g_plugin).filename().c_str(), name.c_str());
    std::fflush(stdout);
    machine::TestMachine mac(std::move(options));
    machine::RunResult result = mac.run_program(program(name));
    if (!result.exited) std::printf("[host] the Mac stopped: %s\n", result.failure.c_str());
    std::printf("[host] %s finished in %.2f s with exit code %d\n\n", name.c_str(), result.seconds, result.exit_code);
    return result;
}

bool part_tour() {
    std::printf("== 1. A MacTCP client's first steps, and a TCP connection to a host server ==\n");
    std::mutex mutex;
    std::string answer;
    demo::LoopbackServer server([&](int fd) {
        demo::write_all(fd, "Hello, Macintosh! This is the host's greeting server.\r\n");
        const std::string line = demo::read_line(fd);
        std::lock_guard lock(mutex);
        answer = line;
    });
    std::printf("[host] greeting server listening on 127.0.0.1:%u\n", server.port());
    const auto result = run_on_the_mac("demo_mactcp_tour", {{"server_port", std::to_string(server.port())}});
    std::lock_guard lock(mutex);
    std::printf("[host] the greeting server heard: %s\n", answer.empty() ? "(nothing)" : answer.c_str());
    return result.ok() && !answer.empty();
}

bool part_http_client() {
    if (!std::filesystem::exists(program("demo_http_client"))) return true;
    std::printf("== 2. A 68k HTTP/1.0 client fetching a page from a host web server ==\n");
    std::mutex mutex;
    std::string request_line;
    demo::LoopbackServer server([&](int fd) {
        const std::string first = demo::read_line(fd);
        {
            std::lock_guard lock(mutex);
            request_line = first;
        }
        while (true) {  // the rest of the request header
            const std::string line = demo::read_line(fd);
            if (line.empty() || line == "\r\n" || line == "\n") break;
        }
        demo::write_all(fd,
                        "HTTP/1.0 200 OK\r\nContent-Type: text/html\r\nServer: mtb-demo\r\n\r\n"
                        "<html><head><title>Welcome</title></head>\r\n"
                        "<body><h1>Hello, 68k!</h1><p>This page crossed MacTCP Bridge.</p></body></html>\r\n");
    });
    std::printf("[host] web server listening on 127.0.0.1:%u\n", server.port());
    const auto result = run_on_the_mac("demo_http_client", {{"port", std::to_string(server.port())}});
    std::lock_guard lock(mutex);
    std::printf("[host] the web server got: %s\n", request_line.empty() ? "(nothing)" : request_line.c_str());
    return result.ok() && !request_line.empty();
}

uint16_t free_loopback_port() {
    int reply = -1;
    demo::LoopbackServer probe([&](int) {});
    reply = probe.port();
    return static_cast<uint16_t>(reply);
}

bool part_echo_server() {
    if (!std::filesystem::exists(program("demo_echo_server"))) return true;
    std::printf("== 3. A 68k server (TCPPassiveOpen) answering a host client ==\n");
    const uint16_t port = free_loopback_port();
    std::string greeting, echo;
    std::thread client([&] {
        const int fd = demo::connect_with_retry(port, 30);
        if (fd < 0) return;
        greeting = demo::read_line(fd);
        std::printf("[host] connected to the Mac's server on 127.0.0.1:%u; it says: %s", port, greeting.c_str());
        demo::write_all(fd, "Hello, Mac! Are you there?\r\n");
        echo = demo::read_line(fd);
        std::printf("[host] the Mac echoed: %s", echo.c_str());
        ::close(fd);  // the Mac's server sees connectionClosing, closes its side and exits
    });
    const auto result = run_on_the_mac("demo_echo_server", {{"port", std::to_string(port)}});
    client.join();
    return result.ok() && echo == "Hello, Mac! Are you there?\r\n";
}

}  // namespace

int main(int argc, char **argv) {
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string flag = argv[i];
        if (flag == "--plugin") g_plugin = argv[i + 1];
        else if (flag == "--bin-dir") g_bin_dir = argv[i + 1];
    }
    std::printf("MacTCP Bridge demo: vintage-style MacTCP programs on an emulated 68000, talking to this host.\n\n");
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    bool ok = true;
    try {
        ok &= part_tour();
        ok &= part_http_client();
        ok &= part_echo_server();
    } catch (const std::exception &error) {
        std::printf("[host] demo failed: %s\n", error.what());
        return 1;
    }
    std::printf("%s\n", ok ? "Demo finished: every part worked." : "Demo finished with failures (see above).");
    return ok ? 0 : 1;
}
