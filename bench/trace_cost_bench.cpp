// What `ipptrace` costs: the bulk TCP transfer of tcp_bulk_bench with tracing off and on, in
// the same run (issue 11), and the guest-memory accessors with no trace attached against the
// same accessors written without the hook (what "off costs nothing measurable" means).
// SPDX-License-Identifier: GPL-2.0-or-later
#include <benchmark/benchmark.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <thread>

#include "bench_bridge.h"

namespace {

using namespace mtb::bench;

constexpr uint32_t kPeerChunk = 65536;
constexpr uint64_t kBytes = 16ull << 20;

std::string trace_path() { return "/tmp/mtb_trace_cost_" + std::to_string(::getpid()) + ".jsonl"; }

uint64_t file_size(const std::string &path) {
    struct stat info{};
    return ::stat(path.c_str(), &info) == 0 ? static_cast<uint64_t>(info.st_size) : 0;
}

// Runs `transfer(prefs)` on a fresh connected bridge, traced into a temporary file or not;
// the file's size goes to `trace_bytes`. Returns MB/s.
template <typename Transfer>
double maybe_traced(bool traced, uint64_t *trace_bytes, Transfer transfer) {
    std::map<std::string, std::string> prefs;
    if (traced) prefs["ipptrace"] = trace_path();
    const double mbps = transfer(prefs);
    if (traced) {
        if (trace_bytes) *trace_bytes = file_size(trace_path());
        ::unlink(trace_path().c_str());
    }
    return mbps;
}

double mbps_since(Clock::time_point start, uint64_t moved) {
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    return moved == kBytes ? static_cast<double>(moved) / seconds / 1e6 : 0;  // 0: bytes went missing
}

// Host -> guest: TCPRcv of `read_size` until the peer's FIN.
double receive(uint32_t read_size, bool traced, uint64_t *trace_bytes) {
    return maybe_traced(traced, trace_bytes, [&](const std::map<std::string, std::string> &prefs) {
        Connected c(0x40000, prefs);
        const auto start = Clock::now();
        std::thread writer([&] {
            write_all(c.peer, kBytes, kPeerChunk);
            ::shutdown(c.peer, SHUT_WR);
        });
        uint64_t got = 0;
        for (;;) {
            c.g.tcp_rcv(ram::kPb, ram::kStream, ram::kData, static_cast<uint16_t>(read_size));
            if (c.g.finish(ram::kPb) != 0) break;
            got += c.g.tcp_received(ram::kPb);
        }
        writer.join();
        return mbps_since(start, got);
    });
}

// Guest -> host: synchronous TCPSends of `send_size`.
double send(uint32_t send_size, bool traced, uint64_t *trace_bytes) {
    return maybe_traced(traced, trace_bytes, [&](const std::map<std::string, std::string> &prefs) {
        Connected c(0x40000, prefs);
        uint64_t received = 0;
        const auto start = Clock::now();
        std::thread reader([&] { received = read_all(c.peer, kPeerChunk); });
        for (uint64_t sent = 0; sent < kBytes; sent += send_size) {
            c.g.put_wds(ram::kWds, ram::kData, static_cast<uint16_t>(std::min<uint64_t>(send_size, kBytes - sent)));
            c.g.tcp_send(ram::kPb, ram::kStream, ram::kWds);
            if (c.g.finish(ram::kPb) != 0) break;
        }
        c.g.tcp_simple(kTcpClose, ram::kPb, ram::kStream);
        c.g.finish(ram::kPb);
        reader.join();
        return mbps_since(start, received);
    });
}

// Counters: off_MBps, on_MBps (medians), on_off_ratio (on / off), trace_MB_per_MB (file bytes
// per payload byte).
template <typename Transfer>
void off_and_on(benchmark::State &state, Transfer transfer) {
    std::vector<double> off, on;
    uint64_t trace_bytes = 0;
    for (auto _ : state) {
        // Alternating order, so neither side always runs on a warmer machine.
        if (off.size() % 2 == 0) {
            off.push_back(transfer(false, nullptr));
            on.push_back(transfer(true, &trace_bytes));
        } else {
            on.push_back(transfer(true, &trace_bytes));
            off.push_back(transfer(false, nullptr));
        }
    }
    const double off_mbps = SameRun::median(off), on_mbps = SameRun::median(on);
    state.counters["off_MBps"] = off_mbps;
    state.counters["on_MBps"] = on_mbps;
    state.counters["on_off_ratio"] = off_mbps > 0 ? on_mbps / off_mbps : 0;
    state.counters["trace_bytes_per_payload_byte"] = static_cast<double>(trace_bytes) / static_cast<double>(kBytes);
}

void BM_TraceCostHostToGuest(benchmark::State &state) {
    const auto size = static_cast<uint32_t>(state.range(0));
    off_and_on(state, [&](bool traced, uint64_t *bytes) { return receive(size, traced, bytes); });
}
BENCHMARK(BM_TraceCostHostToGuest)->ArgName("rcv")->Arg(4096)->Arg(32768)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();

void BM_TraceCostGuestToHost(benchmark::State &state) {
    const auto size = static_cast<uint32_t>(state.range(0));
    off_and_on(state, [&](bool traced, uint64_t *bytes) { return send(size, traced, bytes); });
}
BENCHMARK(BM_TraceCostGuestToHost)->ArgName("wds")->Arg(1460)->Arg(16384)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();

// The accessors as they were before the trace hook: contains() and the byte work, no branch.
struct Unhooked {
    uint8_t *host;
    uint32_t size;
    std::optional<uint32_t> read32(uint32_t addr) const {
        if (uint64_t{addr} + 4 > size) return std::nullopt;
        const uint8_t *p = host + addr;
        return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
    }
    bool write16(uint32_t addr, uint16_t v) {
        if (uint64_t{addr} + 2 > size) return false;
        const uint8_t b[2] = {static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v)};
        std::memcpy(host + addr, b, 2);
        return true;
    }
};

// Arg 0: GuestMemory with no observer (tracing off); arg 1: the same work without the hook.
void BM_GuestMemoryAccessWithTracingOff(benchmark::State &state) {
    std::vector<uint8_t> ram(1 << 20, 1);
    mtb::GuestMemory hooked(ram.data(), 0, static_cast<uint32_t>(ram.size()));
    Unhooked plain{ram.data(), static_cast<uint32_t>(ram.size())};
    uint32_t addr = 0;
    for (auto _ : state) {
        for (int i = 0; i < 1024; ++i) {
            addr = (addr + 4100) & 0xFFFF0;
            if (state.range(0) == 0) {
                benchmark::DoNotOptimize(hooked.read32(addr));
                benchmark::DoNotOptimize(hooked.write16(addr + 8, static_cast<uint16_t>(i)));
            } else {
                benchmark::DoNotOptimize(plain.read32(addr));
                benchmark::DoNotOptimize(plain.write16(addr + 8, static_cast<uint16_t>(i)));
            }
        }
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * 2048);
}
BENCHMARK(BM_GuestMemoryAccessWithTracingOff)->ArgName("unhooked")->Arg(0)->Arg(1);

}  // namespace

BENCHMARK_MAIN();
