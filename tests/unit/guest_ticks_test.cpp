// DriverCore::guest_ticks: from RAM, from low memory mapped apart, or from the host clock.
// SPDX-License-Identifier: GPL-2.0-or-later
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "driver/driver_core.h"
#include "fake_host.h"

namespace mtb::test {

namespace {
// A host whose RAM starts at 0x10000, as SheepShaver's may: low memory is not in it.
class HighRamHost final : public HostEnvironment {
public:
    explicit HighRamHost(FakeHost &inner) : inner_(&inner) {}
    GuestMemory memory() override { return GuestMemory(inner_->ram.data(), 0x10000, 0x10000); }
    void raise_interrupt() override {}
    std::optional<std::string> pref(std::string_view) override { return std::nullopt; }
    void log(LogLevel, std::string_view) override {}
    std::optional<uint32_t> read_low_memory32(uint32_t address) override { return inner_->read_low_memory32(address); }

private:
    FakeHost *inner_;
};
}  // namespace

TEST(GuestTicks, ReadFromRamWhenLowMemoryIsThere) {
    FakeHost host;
    DriverCore core(host, host);
    host.put32(0x16A, 123456);
    core.interrupt();  // refreshes the RAM view
    EXPECT_EQ(core.guest_ticks(), 123456u);
}

TEST(GuestTicks, ReadThroughTheHostWhenLowMemoryIsApart) {
    FakeHost inner;
    inner.low_memory_apart = true;
    inner.low_memory_ticks = 777;
    HighRamHost host(inner);
    DriverCore core(host, inner);
    core.interrupt();
    EXPECT_EQ(core.guest_ticks(), 777u);
}

// The rate is checked against the host clock read around each tick reading, so a slow or
// descheduled test process widens the window instead of failing the test.
TEST(GuestTicks, FallsBackToA60HzHostClock) {
    using Clock = std::chrono::steady_clock;
    FakeHost inner;
    HighRamHost host(inner);
    DriverCore core(host, inner);
    core.interrupt();
    const auto before_first = Clock::now();
    const uint32_t first = core.guest_ticks();
    const auto after_first = Clock::now();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    const auto before_later = Clock::now();
    const uint32_t later = core.guest_ticks();
    const auto after_later = Clock::now();
    auto ticks_in = [](Clock::duration d) { return std::chrono::duration<double>(d).count() * 60.0; };
    const double at_least = ticks_in(before_later - after_first), at_most = ticks_in(after_later - before_first);
    EXPECT_GE(at_least, 6.0);  // 100 ms: six ticks at 60 Hz
    EXPECT_GE(later - first + 1.0, at_least);  // +-1: each reading is rounded down to a whole tick
    EXPECT_LE(later - first - 1.0, at_most);
}

}  // namespace mtb::test
