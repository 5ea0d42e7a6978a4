// Bulk TCP through the bridge vs raw loopback sockets doing the same work, in the same run
// (design.md 8, issue 12): host -> guest at the stream buffer / TCPRcv sizes vintage apps use
// (4 KB / 4 KB, 8 KB / 8 KB ...) and guest -> host at their send sizes (512 B, 1460 B ...).
// The guest side is driven as the guest driver does it: Control calls through Bridge::emul_op
// on fake guest RAM, pending requests finished through Bridge::interrupt(). Both sides move the
// same bytes with the same read (or send) size from the same peer; counters give both rates
// (MB/s, median of the iterations) and their ratio, plus the mean bytes each read returned.
// SPDX-License-Identifier: GPL-2.0-or-later
#include <benchmark/benchmark.h>

#include <thread>

#include "bench_bridge.h"

namespace {

using namespace mtb::bench;

constexpr uint32_t kPeerChunk = 65536;  // the host peer writes (and drains) 64 KB at a time

// Bytes per iteration: enough calls to dwarf set-up, few enough to finish on a busy machine.
uint64_t bytes_for(uint32_t size) { return std::min<uint64_t>(64ull << 20, uint64_t{size} * 16384); }

struct Rate {
    double bytes_per_second = 0;
    double bytes_per_read = 0;
    double call_cpu_us = 0;  // CPU of the guest-side thread (raw: the reader or writer) per call
};

// CPU time of the thread doing the guest's side per call (TCPRcv / TCPSend through the bridge
// on the emulation thread, recv() / send() of the same size raw): the same work on both sides,
// whatever the other threads and processes are doing. `call_cpu_ratio` = raw / bridge.
struct CallCpu {
    std::vector<double> raw, bridge;
    void report(benchmark::State &state) const {
        const double r = SameRun::median(raw), b = SameRun::median(bridge);
        state.counters["raw_call_cpu_us"] = r;
        state.counters["bridge_call_cpu_us"] = b;
        state.counters["call_cpu_ratio"] = b > 0 ? r / b : 0;
    }
};

Rate rate(uint64_t bytes, Clock::time_point start, uint64_t reads) {
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    return {static_cast<double>(bytes) / seconds, reads ? static_cast<double>(bytes) / static_cast<double>(reads) : 0};
}

// Raw loopback, host -> guest's equivalent: the peer writes 64 KB at a time, the reader reads
// `read_size` at a time (blocking recv, as a host program would).
Rate raw_receive(uint64_t bytes, uint32_t read_size) {
    Listener listener;
    RawPair pair(listener);
    const auto start = Clock::now();
    std::thread writer([&] {
        write_all(pair.server, bytes, kPeerChunk);
        ::shutdown(pair.server, SHUT_WR);
    });
    uint64_t reads = 0;
    const double cpu = thread_cpu_seconds();
    const uint64_t got = read_all(pair.client, read_size, &reads);
    const double used = thread_cpu_seconds() - cpu;
    writer.join();
    Rate r = got == bytes ? rate(got, start, reads) : Rate{};
    r.call_cpu_us = reads ? used * 1e6 / static_cast<double>(reads) : 0;
    return r;
}

// The same through the bridge: TCPRcv of `read_size` into guest RAM on a stream whose receive
// buffer is `stream_buffer` bytes.
Rate bridge_receive(uint64_t bytes, uint32_t stream_buffer, uint32_t read_size) {
    Connected c(stream_buffer);
    const auto start = Clock::now();
    std::thread writer([&] {
        write_all(c.peer, bytes, kPeerChunk);
        ::shutdown(c.peer, SHUT_WR);
    });
    uint64_t got = 0, reads = 0;
    const double cpu = thread_cpu_seconds();
    for (;;) {
        c.g.tcp_rcv(ram::kPb, ram::kStream, ram::kData, static_cast<uint16_t>(read_size));
        if (c.g.finish(ram::kPb) != 0) break;
        got += c.g.tcp_received(ram::kPb);
        ++reads;
    }
    const double used = thread_cpu_seconds() - cpu;
    writer.join();
    Rate r = got == bytes ? rate(got, start, reads) : Rate{};
    r.call_cpu_us = reads ? used * 1e6 / static_cast<double>(reads) : 0;
    return r;
}

// Raw loopback, guest -> host's equivalent: blocking sends of `send_size`, the peer drains.
Rate raw_send(uint64_t bytes, uint32_t send_size) {
    Listener listener;
    RawPair pair(listener);
    const auto start = Clock::now();
    uint64_t received = 0;
    std::thread reader([&] { received = read_all(pair.server, kPeerChunk); });
    const double cpu = thread_cpu_seconds();
    write_all(pair.client, bytes, send_size);
    const double used = thread_cpu_seconds() - cpu;
    ::shutdown(pair.client, SHUT_WR);
    reader.join();
    Rate r = received == bytes ? rate(received, start, 0) : Rate{};
    r.call_cpu_us = used * 1e6 / static_cast<double>((bytes + send_size - 1) / send_size);
    return r;
}

// The same through the bridge: synchronous TCPSends of a `send_size` WDS.
Rate bridge_send(uint64_t bytes, uint32_t send_size) {
    Connected c;
    const auto start = Clock::now();
    uint64_t received = 0;
    std::thread reader([&] { received = read_all(c.peer, kPeerChunk); });
    const double cpu = thread_cpu_seconds();
    for (uint64_t sent = 0; sent < bytes; sent += send_size) {
        c.g.put_wds(ram::kWds, ram::kData, static_cast<uint16_t>(std::min<uint64_t>(send_size, bytes - sent)));
        c.g.tcp_send(ram::kPb, ram::kStream, ram::kWds);
        if (c.g.finish(ram::kPb) != 0) break;
    }
    const double used = thread_cpu_seconds() - cpu;
    c.g.tcp_simple(kTcpClose, ram::kPb, ram::kStream);  // the reader sees EOF
    c.g.finish(ram::kPb);
    reader.join();
    Rate r = received == bytes ? rate(received, start, 0) : Rate{};
    r.call_cpu_us = used * 1e6 / static_cast<double>((bytes + send_size - 1) / send_size);
    return r;
}

// Args: stream receive buffer, TCPRcv size.
void BM_TcpHostToGuest(benchmark::State &state) {
    const auto stream_buffer = static_cast<uint32_t>(state.range(0));
    const auto read_size = static_cast<uint32_t>(state.range(1));
    const uint64_t bytes = bytes_for(read_size);
    SameRun run;
    CallCpu calls;
    std::vector<double> raw_per_read, bridge_per_read;
    for (auto _ : state) {
        run.sample(
            [&] {
                const Rate r = raw_receive(bytes, read_size);
                raw_per_read.push_back(r.bytes_per_read);
                calls.raw.push_back(r.call_cpu_us);
                return r.bytes_per_second / 1e6;
            },
            [&] {
                const Rate r = bridge_receive(bytes, stream_buffer, read_size);
                bridge_per_read.push_back(r.bytes_per_read);
                calls.bridge.push_back(r.call_cpu_us);
                return r.bytes_per_second / 1e6;
            });
    }
    run.report(state, "MBps");
    calls.report(state);
    state.counters["raw_bytes_per_read"] = SameRun::median(raw_per_read);
    state.counters["bridge_bytes_per_read"] = SameRun::median(bridge_per_read);
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes * 2));
}
BENCHMARK(BM_TcpHostToGuest)
    ->ArgNames({"stream_buffer", "rcv"})
    ->Args({4096, 4096})
    ->Args({8192, 8192})
    ->Args({16384, 16384})
    ->Args({32768, 32768})
    ->Args({262144, 65535})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(5)
    ->UseRealTime();

// Arg: the WDS size of each TCPSend.
void BM_TcpGuestToHost(benchmark::State &state) {
    const auto send_size = static_cast<uint32_t>(state.range(0));
    const uint64_t bytes = bytes_for(send_size);
    SameRun run;
    CallCpu calls;
    for (auto _ : state)
        run.sample(
            [&] {
                const Rate r = raw_send(bytes, send_size);
                calls.raw.push_back(r.call_cpu_us);
                return r.bytes_per_second / 1e6;
            },
            [&] {
                const Rate r = bridge_send(bytes, send_size);
                calls.bridge.push_back(r.call_cpu_us);
                return r.bytes_per_second / 1e6;
            });
    run.report(state, "MBps");
    calls.report(state);
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes * 2));
}
BENCHMARK(BM_TcpGuestToHost)
    ->ArgName("wds")
    ->Arg(512)
    ->Arg(1460)
    ->Arg(4096)
    ->Arg(16384)
    ->Arg(65535)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(5)
    ->UseRealTime();

// Per-call cost of TCPStatus on a connected stream (goal: 1 us), wall and CPU.
void BM_TcpStatusCall(benchmark::State &state) {
    Connected c;
    for (auto _ : state) c.g.tcp_simple(kTcpStatus, ram::kPb, ram::kStream);
}
BENCHMARK(BM_TcpStatusCall);

}  // namespace

BENCHMARK_MAIN();
