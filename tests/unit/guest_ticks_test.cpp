// DriverCore::guest_ticks: from RAM, from low memory mapped apart, or from the host clock.
// SPDX-License-Identifier: GPL-2.0-or-later
#include <gtest/gtest.h>

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

TEST(GuestTicks, FallsBackToA60HzHostClock) {
    FakeHost inner;
    HighRamHost host(inner);
    DriverCore core(host, inner);
    core.interrupt();
    const uint32_t first = core.guest_ticks();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    const uint32_t later = core.guest_ticks();
    EXPECT_GE(later - first, 4u);
    EXPECT_LE(later - first, 30u);
}

}  // namespace mtb::test
