// UDPMultiCreate of the widest range allowed (64 ports) and UDPRelease, as the guest calls
// them: the cpu_time column is the emulation thread's CPU per create (design rule: a call
// holds the emulation thread for at most 1 ms of CPU).
// SPDX-License-Identifier: GPL-2.0-or-later
#include <benchmark/benchmark.h>

#include "udp_test_support.h"

namespace {

using namespace mtb::test;

void BM_UdpMultiCreate64(benchmark::State &state) {
    BridgeHarness h;
    uint16_t base = 40000;
    for (auto _ : state) {
        int32_t result = -1;
        for (int tries = 0; tries < 20 && result != 0; ++tries, base = static_cast<uint16_t>(base + 997 > 60000 ? 40000 : base + 997))
            result = udp_create(h, kUdpBuffer, 4096, base, 0, 0, BridgeHarness::kPb, static_cast<uint16_t>(base + 63));
        if (result != 0) {
            state.SkipWithError("no free 64-port range");
            return;
        }
        state.PauseTiming();
        udp_stream_call(h, kUdpRelease, kUdpBuffer);
        h.pump_until([] { return false; }, std::chrono::milliseconds(2));  // the network thread closes the sockets
        state.ResumeTiming();
    }
}
BENCHMARK(BM_UdpMultiCreate64)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
