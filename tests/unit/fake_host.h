// A fake host for unit tests: guest RAM in a vector, a CPU that records guest calls.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "mactcp_bridge/guest_cpu.h"
#include "mactcp_bridge/host_environment.h"
#include "mactcp_bridge/ipp_driver_image.h"

namespace mtb::test {

class FakeHost final : public HostEnvironment, public GuestCpu {
public:
    static constexpr uint32_t kRamSize = 1 << 20;
    static constexpr uint32_t kDriverAddress = 0x1000;
    static constexpr uint32_t kDceAddress = 0x800;

    explicit FakeHost(std::map<std::string, std::string> initial_prefs = {})
        : ram(kRamSize, 0), prefs(std::move(initial_prefs)) {}

    GuestMemory memory() override { return GuestMemory(ram.data(), 0, static_cast<uint32_t>(ram.size())); }
    void raise_interrupt() override {
        std::lock_guard lock(mutex_);
        ++raised_;
        cv_.notify_all();
    }
    std::optional<std::string> pref(std::string_view name) override {
        const auto found = prefs.find(std::string(name));
        if (found == prefs.end()) return std::nullopt;
        return found->second;
    }
    void log(LogLevel, std::string_view line) override {
        std::lock_guard lock(mutex_);
        logs.emplace_back(line);
    }

    std::optional<uint32_t> read_low_memory32(uint32_t address) override {
        if (!low_memory_apart || address != 0x16A) return std::nullopt;
        return low_memory_ticks;
    }
    // Models SheepShaver with RAM away from 0: low memory answered apart from RAM.
    bool low_memory_apart = false;
    uint32_t low_memory_ticks = 0;

    struct GuestCall {
        uint32_t addr;
        GuestRegs regs;
    };
    bool call(uint32_t addr, GuestRegs &regs) override {
        calls.push_back({addr, regs});
        if (on_call) on_call(addr, regs);
        return true;
    }

    // Waits until raise_interrupt has been called more than `seen` times.
    bool wait_for_raise(uint64_t seen, std::chrono::milliseconds timeout) {
        std::unique_lock lock(mutex_);
        return cv_.wait_for(lock, timeout, [&] { return raised_ > seen; });
    }
    uint64_t raised() {
        std::lock_guard lock(mutex_);
        return raised_;
    }

    // Copies the driver image and a DCE pointing at it into RAM, as a host installs it.
    void install_driver() {
        namespace image = guest_image::ipp_driver;
        std::copy(image::image, image::image + image::image_size, ram.begin() + kDriverAddress);
        put32(kDceAddress, kDriverAddress);
    }

    uint32_t get32(uint32_t a) const {
        return (uint32_t{ram[a]} << 24) | (uint32_t{ram[a + 1]} << 16) | (uint32_t{ram[a + 2]} << 8) | ram[a + 3];
    }
    uint16_t get16(uint32_t a) const { return static_cast<uint16_t>((ram[a] << 8) | ram[a + 1]); }
    uint8_t get8(uint32_t a) const { return ram[a]; }
    void put32(uint32_t a, uint32_t v) {
        ram[a] = static_cast<uint8_t>(v >> 24);
        ram[a + 1] = static_cast<uint8_t>(v >> 16);
        ram[a + 2] = static_cast<uint8_t>(v >> 8);
        ram[a + 3] = static_cast<uint8_t>(v);
    }
    void put16(uint32_t a, uint16_t v) {
        ram[a] = static_cast<uint8_t>(v >> 8);
        ram[a + 1] = static_cast<uint8_t>(v);
    }
    void put8(uint32_t a, uint8_t v) { ram[a] = v; }

    std::vector<uint8_t> ram;
    std::map<std::string, std::string> prefs;
    std::vector<std::string> logs;
    std::vector<GuestCall> calls;
    std::function<void(uint32_t, GuestRegs &)> on_call;

private:
    std::mutex mutex_;
    std::condition_variable cv_;
    uint64_t raised_ = 0;
};

}  // namespace mtb::test
