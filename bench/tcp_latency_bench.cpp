// Latency through the bridge with an emulation thread that runs like an emulator's CPU: it
// spins and services interrupt() as soon as the bridge raises it (issue 12).
//  - BM_TcpReceiveLatency: a TCPRcv is pending; the host peer sends 64 bytes; from the moment
//    the peer's send() returns to the moment ioResult is written (p50/p99/max), and the
//    duration of the interrupt() call that wrote it. Raw baseline: a thread spinning on a
//    non-blocking recv() of the same socket pair type, from send() returning to recv() returning.
//  - BM_TcpPingPong: small-read ping-pong, TCPSend 64 B then TCPRcv of the echo, against raw
//    send()/recv() with the same peer; round trip per exchange.
// SPDX-License-Identifier: GPL-2.0-or-later
#include <benchmark/benchmark.h>

#include <time.h>

#include <atomic>
#include <thread>

#include "bench_bridge.h"

namespace {

using namespace mtb::bench;

constexpr int kMessages = 2000;
constexpr uint32_t kMessage = 64;
// Pause between messages, so that each finds the receiver idle with its wait armed (the case
// an interactive app lives in), not still busy with the previous one.
constexpr auto kGap = std::chrono::microseconds(200);

void pause_briefly() {
    const timespec gap{0, std::chrono::duration_cast<std::chrono::nanoseconds>(kGap).count()};
    ::nanosleep(&gap, nullptr);
}

// The peer: for each message, waits until the receiver says it is ready, pauses, sends, and
// publishes the time its send() returned.
struct Peer {
    std::atomic<int> ready{0};      // messages the receiver is ready for
    std::atomic<int64_t> sent_at{0};  // Clock ticks when the latest send() returned
    std::atomic<int> sent{0};
    std::thread thread;

    void start(int fd) {
        thread = std::thread([this, fd] {
            const std::vector<char> message(kMessage, 'p');
            for (int i = 1; i <= kMessages; ++i) {
                while (ready.load(std::memory_order_acquire) < i) ready.wait(i - 1);
                pause_briefly();
                ::send(fd, message.data(), message.size(), MSG_NOSIGNAL);
                sent_at.store(Clock::now().time_since_epoch().count(), std::memory_order_release);
                sent.store(i, std::memory_order_release);
            }
        });
    }
    void let_send(int i) {
        ready.store(i, std::memory_order_release);
        ready.notify_one();
    }
    // Waits until the peer published message i's time, then returns it.
    Clock::time_point send_returned(int i) {
        while (sent.load(std::memory_order_acquire) < i) {
        }
        return Clock::time_point(Clock::duration(sent_at.load(std::memory_order_acquire)));
    }
};

void report_latencies(benchmark::State &state, const std::string &prefix, const std::vector<double> &us) {
    state.counters[prefix + "p50_us"] = percentile(us, 0.50);
    state.counters[prefix + "p99_us"] = percentile(us, 0.99);
    state.counters[prefix + "max_us"] = percentile(us, 1.0);
}

// Every sample, for the latency-distribution plot: one counter per percentile step.
void report_distribution(benchmark::State &state, const std::string &prefix, const std::vector<double> &us) {
    for (int p = 5; p <= 95; p += 5) state.counters[prefix + "pct" + std::to_string(p)] = percentile(us, p / 100.0);
    for (double p : {0.99, 0.999}) state.counters[prefix + "pct" + std::to_string(p * 100).substr(0, 4)] = percentile(us, p);
}

std::vector<double> raw_receive_latencies() {
    Listener listener;
    RawPair pair(listener);
    Peer peer;
    peer.start(pair.server);
    std::vector<double> us;
    char buffer[4096];
    for (int i = 1; i <= kMessages; ++i) {
        peer.let_send(i);
        uint32_t got = 0;
        while (got < kMessage) {
            const ssize_t n = ::recv(pair.client, buffer, sizeof buffer, MSG_DONTWAIT);
            if (n > 0) got += static_cast<uint32_t>(n);
        }
        const auto done = Clock::now();
        us.push_back(std::max(0.0, micros(done - peer.send_returned(i))));
    }
    peer.thread.join();
    return us;
}

void BM_TcpReceiveLatency(benchmark::State &state) {
    std::vector<double> bridge_us, interrupt_us, raw_us;
    for (auto _ : state) {
        raw_us = raw_receive_latencies();
        Connected c(4096);
        Peer peer;
        peer.start(c.peer);
        for (int i = 1; i <= kMessages; ++i) {
            c.g.tcp_rcv(ram::kPb, ram::kStream, ram::kData, 4096, true);
            peer.let_send(i);
            double interrupt_seconds = 0;
            uint32_t got = 0;
            // A 64-byte message may arrive in pieces; each TCPRcv is one sample only if whole.
            for (;;) {
                if (c.g.spin(ram::kPb, &interrupt_seconds) != 0) break;
                got += c.g.tcp_received(ram::kPb);
                if (got >= kMessage) break;
                c.g.tcp_rcv(ram::kPb, ram::kStream, ram::kData, 4096, true);
            }
            const auto done = Clock::now();
            bridge_us.push_back(std::max(0.0, micros(done - peer.send_returned(i))));
            interrupt_us.push_back(interrupt_seconds * 1e6);
        }
        peer.thread.join();
    }
    report_latencies(state, "bridge_", bridge_us);
    report_latencies(state, "raw_", raw_us);
    report_latencies(state, "interrupt_", interrupt_us);
    report_distribution(state, "bridge_", bridge_us);
    report_distribution(state, "raw_", raw_us);
    state.counters["ratio_p50"] = percentile(bridge_us, 0.5) > 0 ? percentile(raw_us, 0.5) / percentile(bridge_us, 0.5) : 0;
}
BENCHMARK(BM_TcpReceiveLatency)->Unit(benchmark::kMillisecond)->Iterations(1)->UseRealTime();

// CPU of the work that delivers one 64-byte message, on the receiving thread alone (thread CPU
// time, so neither preemption nor the network thread's wake-up counts): raw, the recv() that
// returns it once poll() says it is there; bridge, the interrupt() that writes the pending
// TCPRcv's ioResult once the bridge raised it. The recv() inside that interrupt is the floor.
double raw_recv_cpu_us() {
    Listener listener;
    RawPair pair(listener);
    const std::vector<char> message(kMessage, 'p');
    std::vector<double> us;
    char buffer[4096];
    for (int i = 0; i < kMessages; ++i) {
        ::send(pair.server, message.data(), message.size(), MSG_NOSIGNAL);
        pollfd ready{pair.client, POLLIN, 0};
        ::poll(&ready, 1, 1000);
        const double before = thread_cpu_seconds();
        const ssize_t n = ::recv(pair.client, buffer, sizeof buffer, MSG_DONTWAIT);
        us.push_back((thread_cpu_seconds() - before) * 1e6);
        if (n != static_cast<ssize_t>(kMessage)) return 0;  // arrived in pieces: no sample
    }
    return percentile(us, 0.5);
}

double bridge_interrupt_cpu_us() {
    Connected c(4096);
    const std::vector<char> message(kMessage, 'p');
    std::vector<double> us;
    for (int i = 0; i < kMessages; ++i) {
        c.g.tcp_rcv(ram::kPb, ram::kStream, ram::kData, 4096, true);
        const uint64_t seen = c.g.host.raised();
        ::send(c.peer, message.data(), message.size(), MSG_NOSIGNAL);
        while (c.g.io_result(ram::kPb) > 0) {
            c.g.host.wait_for_raise(seen, std::chrono::milliseconds(100));
            const double before = thread_cpu_seconds();
            c.g.bridge.interrupt();
            us.push_back((thread_cpu_seconds() - before) * 1e6);
        }
        if (c.g.io_result(ram::kPb) != 0 || c.g.tcp_received(ram::kPb) != kMessage) return 0;
    }
    return percentile(us, 0.5);
}

void BM_TcpInterruptCpu(benchmark::State &state) {
    std::vector<double> raw, bridge;
    for (auto _ : state) {
        raw.push_back(raw_recv_cpu_us());
        bridge.push_back(bridge_interrupt_cpu_us());
    }
    const double r = SameRun::median(raw), b = SameRun::median(bridge);
    state.counters["raw_recv_cpu_us"] = r;
    state.counters["bridge_interrupt_cpu_us"] = b;
    state.counters["bridge_above_recv_us"] = b - r;
}
BENCHMARK(BM_TcpInterruptCpu)->Unit(benchmark::kMillisecond)->Iterations(5)->UseRealTime();

double bridge_ping_pong_us(int exchanges) {
    Connected c(4096);
    std::thread peer = echo(c.peer, kMessage);
    c.g.put_wds(ram::kWds, ram::kData, static_cast<uint16_t>(kMessage));
    const auto start = Clock::now();
    bool failed = false;
    for (int i = 0; i < exchanges && !failed; ++i)
        failed = !guest_exchange(c.g, ram::kPb, ram::kStream, ram::kWds, ram::kData + 0x1000, kMessage);
    const double us = micros(Clock::now() - start) / exchanges;
    c.g.tcp_simple(kTcpClose, ram::kPb, ram::kStream);  // the echo sees EOF
    c.g.spin(ram::kPb);
    peer.join();
    return failed ? 0 : us;
}

void BM_TcpPingPong(benchmark::State &state) {
    SameRun run;
    for (auto _ : state) run.sample([] { return raw_ping_pong_us(kMessages, kMessage); }, [] { return bridge_ping_pong_us(kMessages); });
    run.report(state, "round_trip_us", false);
}
BENCHMARK(BM_TcpPingPong)->Unit(benchmark::kMillisecond)->Iterations(5)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
