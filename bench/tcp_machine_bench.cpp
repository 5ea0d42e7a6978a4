// Bulk TCP through the 68k test machine: the tcp_bulk guest program (real plugin via dlopen,
// real 68k driver and guest code) moving 64 MB each way, checksummed by the guest.
// SPDX-License-Identifier: GPL-2.0-or-later
#include <benchmark/benchmark.h>

#include "loopback_listener.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <thread>
#include <vector>

#include "mtb_machine/test_machine.h"

namespace {

constexpr uint32_t kBytes = 64u << 20;

using mtb::bench::Listener;

uint32_t checksum(const std::vector<uint8_t> &data) {
    uint32_t a = 0, b = 0;
    for (uint8_t byte : data) {
        a += byte;
        b += a;
    }
    return b ^ (a << 7);
}

void BM_TcpThroughTheTestMachine(benchmark::State &state) {
    std::vector<uint8_t> source(kBytes);
    uint32_t x = 1;
    for (auto &byte : source) {
        x = x * 1103515245 + 12345;
        byte = static_cast<uint8_t>(x >> 16);
    }
    const uint32_t expected = checksum(source);
    for (auto _ : state) {
        Listener sink, feeder;
        std::thread sink_thread([&] {
            const int fd = ::accept(sink.fd, nullptr, nullptr);
            std::vector<char> buffer(1 << 16);
            while (::recv(fd, buffer.data(), buffer.size(), 0) > 0) {
            }
            ::shutdown(fd, SHUT_WR);
            ::close(fd);
        });
        std::thread feeder_thread([&] {
            const int fd = ::accept(feeder.fd, nullptr, nullptr);
            std::size_t done = 0;
            while (done < source.size()) {
                const ssize_t n = ::send(fd, source.data() + done, source.size() - done, MSG_NOSIGNAL);
                if (n <= 0) break;
                done += static_cast<std::size_t>(n);
            }
            ::shutdown(fd, SHUT_WR);
            char c;
            ::recv(fd, &c, 1, 0);
            ::close(fd);
        });
        mtb::machine::MachineOptions o;
        o.cpu = mtb::machine::CpuModel::M68020;
        o.plugin_path = MTB_PLUGIN_PATH;
        o.prefs["ipplog"] = "error";
        o.echo_log = false;
        o.timeout = std::chrono::seconds(300);
        o.params["sink_port"] = std::to_string(sink.port);
        o.params["source_port"] = std::to_string(feeder.port);
        o.params["bytes"] = std::to_string(kBytes);
        o.params["expected"] = std::to_string(static_cast<int32_t>(expected));
        mtb::machine::TestMachine machine(o);
        const auto result = machine.run_program(std::string(MTB_GUEST_BIN_DIR) + "/tcp_tcp_bulk.68020.bin");
        sink_thread.join();
        feeder_thread.join();
        if (!result.ok()) state.SkipWithError(("guest failed: " + result.output + result.failure).c_str());
        state.counters["MBps_both_ways"] = 2.0 * kBytes / result.seconds / 1e6;
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * 2 * kBytes);
}
BENCHMARK(BM_TcpThroughTheTestMachine)->Unit(benchmark::kMillisecond)->Iterations(2)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
