// The bridge with many connected streams (issue 12): does its own per-call cost stay flat from
// 10 to 10,000 streams, and how much CPU do Bridge::reset() and _KillIO take with 1,000?
// The idle streams' host peers live in a child process (PeerHolder): 10,000 connections are
// 20,000 descriptors, more than one process may open here. Every stream has a 4 KB receive
// buffer, as MacPython and PuTTY create them.
//  - BM_TcpCallsAmongStreams/N: 64-byte ping-pong (TCPSend, TCPRcv of the echo) on one stream
//    and one TCPStatus, with N-1 idle connected streams around it; the raw baseline is the
//    same ping-pong on a raw socket pair. `overhead_us` = bridge round trip - raw round trip;
//    `calls_cpu_us`: the emulation thread's CPU inside the bridge's calls and interrupts per
//    exchange (system calls included), the figure that should stay flat as streams are added.
//  - BM_ResetWith1000Streams, BM_KillIoWith1000Streams: CPU time of the emulation thread in
//    Bridge::reset() / the _KillIO call (every stream has a TCPRcv pending), median per run.
// SPDX-License-Identifier: GPL-2.0-or-later
#include <benchmark/benchmark.h>

#include <fcntl.h>
#include <sys/wait.h>

#include <thread>

#include "bench_bridge.h"

namespace {

using namespace mtb::bench;

constexpr uint32_t kStreamBuffer = 4096;
constexpr uint32_t kMessage = 64;
constexpr int kExchanges = 2000;

// Guest RAM for many streams: parameter blocks from kPbs, receive buffers from kBuffers.
constexpr uint32_t kPbs = 0x100000, kPbStride = 128;
constexpr uint32_t kBuffers = 0x400000;
uint32_t pb_of(int i) { return kPbs + static_cast<uint32_t>(i) * kPbStride; }
uint32_t buffer_of(int i) { return kBuffers + static_cast<uint32_t>(i) * kStreamBuffer; }
uint32_t ram_for(int streams) { return kBuffers + static_cast<uint32_t>(streams) * kStreamBuffer; }

// A child process that accepts connections on a loopback listener and holds them open until
// it is destroyed. Forked while this process has no other thread; the child makes system calls
// only (no allocation) and leaves with _exit.
class PeerHolder {
public:
    PeerHolder() : listener_(4096) {
        int fds[2];
        if (::pipe(fds) != 0) return;
        pid_ = ::fork();
        if (pid_ == 0) {
            ::close(fds[1]);
            hold(fds[0]);
        }
        ::close(fds[0]);
        stop_ = fds[1];
    }
    ~PeerHolder() {
        ::close(stop_);
        if (pid_ > 0) ::waitpid(pid_, nullptr, 0);
    }
    PeerHolder(const PeerHolder &) = delete;
    PeerHolder &operator=(const PeerHolder &) = delete;
    uint16_t port() const { return listener_.port; }

private:
    [[noreturn]] void hold(int stop) {
        ::fcntl(listener_.fd, F_SETFL, O_NONBLOCK);  // accept until none is left, then poll
        pollfd watch[2] = {{listener_.fd, POLLIN, 0}, {stop, POLLIN, 0}};
        for (;;) {
            if (::poll(watch, 2, -1) < 0) continue;
            if (watch[1].revents != 0) ::_exit(0);  // the parent closed the pipe
            while (::accept4(listener_.fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC) >= 0) {
            }
        }
    }

    Listener listener_;
    pid_t pid_ = -1;
    int stop_ = -1;
};

// Creates and connects streams [first, first + count) to `port`, a few hundred at a time (the
// listener's backlog); false if any failed.
bool connect_streams(Guest &g, int first, int count, uint16_t port) {
    constexpr int kBatch = 256;
    for (int start = first; start < first + count; start += kBatch) {
        const int end = std::min(first + count, start + kBatch);
        for (int i = start; i < end; ++i) {
            if (g.tcp_create(pb_of(i), buffer_of(i), kStreamBuffer) != 0) return false;
            g.tcp_open(pb_of(i), buffer_of(i), port);
        }
        for (int i = start; i < end; ++i)
            if (g.finish(pb_of(i)) != 0) return false;
    }
    return true;
}

// Stream 0 talks to an echo peer of its own; streams 1..N-1 are idle.
struct ManyStreams {
    Guest g;
    Listener own;
    int peer = -1;
    bool ok = false;
    ManyStreams(int streams, const PeerHolder &holder) : g(ram_for(streams)) {
        if (!connect_streams(g, 0, 1, own.port)) return;
        peer = ::accept4(own.fd, nullptr, nullptr, SOCK_CLOEXEC);
        set_nodelay(peer);
        ok = connect_streams(g, 1, streams - 1, holder.port());
    }
    ~ManyStreams() {
        if (peer >= 0) ::close(peer);
    }
};

void BM_TcpCallsAmongStreams(benchmark::State &state) {
    const int streams = static_cast<int>(state.range(0));
    PeerHolder holder;
    ManyStreams many(streams, holder);
    if (!many.ok) {
        state.SkipWithError("could not connect the streams");
        for (auto _ : state) {
        }
        return;
    }
    Guest &g = many.g;
    std::thread peer = echo(many.peer, kMessage);
    const uint32_t pb = pb_of(0), stream = buffer_of(0), wds = 0x5000, data = 0x6000;
    g.put_wds(wds, data, static_cast<uint16_t>(kMessage));
    std::vector<double> raw_us, bridge_us, calls_us, status_us;
    for (auto _ : state) {
        raw_us.push_back(raw_ping_pong_us(kExchanges, kMessage));
        g.measure_cpu = true;
        g.call_cpu_seconds = 0;
        const auto start = Clock::now();
        for (int i = 0; i < kExchanges; ++i)
            if (!guest_exchange(g, pb, stream, wds, data + 0x100, kMessage)) break;
        bridge_us.push_back(micros(Clock::now() - start) / kExchanges);
        calls_us.push_back(g.call_cpu_seconds * 1e6 / kExchanges);
        g.measure_cpu = false;
        const double cpu = thread_cpu_seconds();
        for (int i = 0; i < kExchanges; ++i) g.tcp_simple(kTcpStatus, 0x4800, stream);
        status_us.push_back((thread_cpu_seconds() - cpu) * 1e6 / kExchanges);
    }
    g.tcp_simple(kTcpClose, pb, stream);
    g.spin(pb);
    peer.join();
    const double raw = SameRun::median(raw_us), bridge = SameRun::median(bridge_us);
    state.counters["raw_round_trip_us"] = raw;
    state.counters["bridge_round_trip_us"] = bridge;
    state.counters["ratio"] = bridge > 0 ? raw / bridge : 0;
    state.counters["overhead_us"] = bridge - raw;
    state.counters["calls_cpu_us"] = SameRun::median(calls_us);
    state.counters["status_cpu_us"] = SameRun::median(status_us);
}
BENCHMARK(BM_TcpCallsAmongStreams)->ArgName("streams")->Arg(10)->Arg(1000)->Arg(10000)
    ->Unit(benchmark::kMillisecond)->Iterations(5)->UseRealTime();

constexpr int kThousand = 1000;

void BM_ResetWith1000Streams(benchmark::State &state) {
    PeerHolder holder;
    std::vector<double> cpu_ms;
    for (auto _ : state) {
        Guest g(ram_for(kThousand));
        const bool ok = connect_streams(g, 0, kThousand, holder.port());
        const double before = thread_cpu_seconds();
        g.bridge.reset();
        const double spent = thread_cpu_seconds() - before;
        if (ok) cpu_ms.push_back(spent * 1e3);
        state.SetIterationTime(spent);  // the set-up and the teardown are not measured
    }
    state.counters["cpu_ms"] = SameRun::median(cpu_ms);
    state.counters["cpu_max_ms"] = cpu_ms.empty() ? 0 : *std::max_element(cpu_ms.begin(), cpu_ms.end());
}
BENCHMARK(BM_ResetWith1000Streams)->Unit(benchmark::kMillisecond)->Iterations(5)->UseManualTime();

void BM_KillIoWith1000Streams(benchmark::State &state) {
    PeerHolder holder;
    Guest g(ram_for(kThousand));
    if (!connect_streams(g, 0, kThousand, holder.port())) {
        state.SkipWithError("could not connect the streams");
        for (auto _ : state) {
        }
        return;
    }
    std::vector<double> cpu_ms;
    for (auto _ : state) {
        for (int i = 0; i < kThousand; ++i) g.tcp_rcv(pb_of(i), buffer_of(i), 0x6000, 512, true);
        const double before = thread_cpu_seconds();
        g.tcp_simple(kKillIo, 0x4800, 0);
        const double spent = thread_cpu_seconds() - before;
        cpu_ms.push_back(spent * 1e3);
        state.SetIterationTime(spent);  // issuing the receives is not measured
    }
    state.counters["cpu_ms"] = SameRun::median(cpu_ms);
    state.counters["cpu_max_ms"] = *std::max_element(cpu_ms.begin(), cpu_ms.end());
}
BENCHMARK(BM_KillIoWith1000Streams)->Unit(benchmark::kMillisecond)->Iterations(5)->UseManualTime();

}  // namespace

BENCHMARK_MAIN();
