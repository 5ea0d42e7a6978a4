// Bulk TCP through the bridge vs raw loopback sockets, in the same run (design.md 8).
// The guest side is driven exactly as the guest driver does it: Control calls through
// Bridge::emul_op on fake guest RAM, pending requests finished through Bridge::interrupt().
// Each iteration moves kBytes through raw sockets and then through the bridge; the counters
// report both rates and their ratio.
// SPDX-License-Identifier: GPL-2.0-or-later
#include <benchmark/benchmark.h>

#include "loopback_listener.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>
#include <vector>

#include "bridge_harness.h"

namespace {

using mtb::test::BridgeHarness;
namespace T = mtb::layout::tcp;
using Clock = std::chrono::steady_clock;

constexpr uint64_t kBytes = 64ull << 20;
constexpr uint32_t kStream = 0x20000;        // 256 KB receive buffer
constexpr uint32_t kStreamLength = 0x40000;
constexpr uint32_t kData = 0x60000;          // 64 KB guest data buffer
constexpr uint32_t kChunk = 65535;
constexpr uint32_t kPb = 0x4000, kWds = 0x5000;

using mtb::bench::Listener;

int connect_loopback(uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port);
    ::connect(fd, reinterpret_cast<sockaddr *>(&a), sizeof a);
    return fd;
}

void write_all(int fd, uint64_t bytes) {
    std::vector<char> buffer(kChunk, 'x');
    while (bytes > 0) {
        const ssize_t n = ::send(fd, buffer.data(), std::min<uint64_t>(bytes, buffer.size()), MSG_NOSIGNAL);
        if (n <= 0) return;
        bytes -= static_cast<uint64_t>(n);
    }
}

uint64_t read_all(int fd) {
    std::vector<char> buffer(kChunk);
    uint64_t total = 0;
    for (;;) {
        const ssize_t n = ::recv(fd, buffer.data(), buffer.size(), 0);
        if (n <= 0) return total;
        total += static_cast<uint64_t>(n);
    }
}

// Raw loopback: one thread writes, this one reads 64 KB at a time (the bridge's peer).
double raw_rate() {
    Listener listener;
    const int client = connect_loopback(listener.port);
    const int server = ::accept(listener.fd, nullptr, nullptr);
    const auto start = Clock::now();
    std::thread writer([&] {
        write_all(client, kBytes);
        ::shutdown(client, SHUT_WR);
    });
    const uint64_t got = read_all(server);
    writer.join();
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    ::close(client);
    ::close(server);
    return static_cast<double>(got) / seconds;
}

// A bridge with one stream connected to a host peer.
struct Connected {
    BridgeHarness h;
    Listener listener;
    int peer = -1;
    Connected() {
        h.host.put32(kPb + T::create::rcvBuff.offset, kStream);
        h.host.put32(kPb + T::create::rcvBuffLen.offset, kStreamLength);
        h.control(30, kPb);
        for (uint32_t i = 28; i < T::size; ++i) h.host.put8(kPb + i, 0);
        h.host.put32(kPb + T::stream.offset, kStream);
        h.host.put32(kPb + T::open::remoteHost.offset, 0x7F000001);
        h.host.put16(kPb + T::open::remotePort.offset, listener.port);
        h.control(32, kPb);
        finish();
        peer = ::accept(listener.fd, nullptr, nullptr);
    }
    ~Connected() { ::close(peer); }
    // A synchronous call: the guest would spin on ioResult while interrupts arrive.
    int16_t finish() {
        while (h.io_result(kPb) > 0) {
            const uint64_t seen = h.host.raised();
            h.bridge.interrupt();
            if (h.io_result(kPb) > 0) h.host.wait_for_raise(seen, std::chrono::milliseconds(5));
        }
        return h.io_result(kPb);
    }
};

double bridge_host_to_guest() {
    Connected c;
    const auto start = Clock::now();
    std::thread writer([&] {
        write_all(c.peer, kBytes);
        ::shutdown(c.peer, SHUT_WR);
    });
    uint64_t got = 0;
    for (;;) {
        for (uint32_t i = 28; i < T::size; ++i) c.h.host.put8(kPb + i, 0);
        c.h.host.put32(kPb + T::stream.offset, kStream);
        c.h.host.put32(kPb + T::receive::rcvBuff.offset, kData);
        c.h.host.put16(kPb + T::receive::rcvBuffLen.offset, kChunk);
        c.h.control(37, kPb);
        if (c.finish() != 0) break;
        got += c.h.host.get16(kPb + T::receive::rcvBuffLen.offset);
    }
    writer.join();
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    return got == kBytes ? static_cast<double>(got) / seconds : 0;
}

double bridge_guest_to_host() {
    Connected c;
    const auto start = Clock::now();
    uint64_t received = 0;
    std::thread reader([&] { received = read_all(c.peer); });
    c.h.host.put16(kWds, kChunk);
    c.h.host.put32(kWds + 2, kData);
    c.h.host.put16(kWds + 6, 0);
    for (uint64_t sent = 0; sent < kBytes; sent += kChunk) {
        const uint16_t length = static_cast<uint16_t>(std::min<uint64_t>(kChunk, kBytes - sent));
        c.h.host.put16(kWds, length);
        for (uint32_t i = 28; i < T::size; ++i) c.h.host.put8(kPb + i, 0);
        c.h.host.put32(kPb + T::stream.offset, kStream);
        c.h.host.put32(kPb + T::send::wdsPtr.offset, kWds);
        c.h.control(34, kPb);
        if (c.finish() != 0) break;
    }
    for (uint32_t i = 28; i < T::size; ++i) c.h.host.put8(kPb + i, 0);
    c.h.host.put32(kPb + T::stream.offset, kStream);
    c.h.control(38, kPb);  // TCPClose: the reader sees EOF
    c.finish();
    reader.join();
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    return received == kBytes ? static_cast<double>(received) / seconds : 0;
}

void report(benchmark::State &state, double raw, double bridge) {
    state.counters["raw_MBps"] = raw / 1e6;
    state.counters["bridge_MBps"] = bridge / 1e6;
    state.counters["ratio"] = raw > 0 ? bridge / raw : 0;
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kBytes));
}

void BM_TcpHostToGuest(benchmark::State &state) {
    double raw = 0, bridge = 0;
    for (auto _ : state) {
        raw += raw_rate();
        bridge += bridge_host_to_guest();
    }
    report(state, raw / static_cast<double>(state.iterations()), bridge / static_cast<double>(state.iterations()));
}
BENCHMARK(BM_TcpHostToGuest)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();

void BM_TcpGuestToHost(benchmark::State &state) {
    double raw = 0, bridge = 0;
    for (auto _ : state) {
        raw += raw_rate();
        bridge += bridge_guest_to_host();
    }
    report(state, raw / static_cast<double>(state.iterations()), bridge / static_cast<double>(state.iterations()));
}
BENCHMARK(BM_TcpGuestToHost)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();

// Per-call cost of TCPStatus on a connected stream (design.md 8).
void BM_TcpStatusCall(benchmark::State &state) {
    Connected c;
    for (auto _ : state) {
        c.h.host.put32(kPb + T::stream.offset, kStream);
        c.h.control(40, kPb);
    }
}
BENCHMARK(BM_TcpStatusCall);

}  // namespace

BENCHMARK_MAIN();
