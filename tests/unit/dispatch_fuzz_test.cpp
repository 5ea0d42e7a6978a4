// Random parameter blocks and random guest RAM through the dispatcher: nothing may crash, hang,
// or touch host memory outside guest RAM (ASan watches the RAM vector's bounds), and every call
// answers inProgress or a MacTCP/Device Manager result code.
// SPDX-License-Identifier: GPL-2.0-or-later
#include <gtest/gtest.h>

#include <random>

#include "bridge_harness.h"

namespace mtb::test {

namespace {

// csCodes whose random addresses would make the bridge reach the network (active opens, UDP
// writes, ICMP echo, DNR lookups): a test may only talk to loopback, so they are left out here
// and covered by their own loopback tests.
bool reaches_outside(uint16_t cs_code) {
    return cs_code == 17 || cs_code == 23 || cs_code == 28 || cs_code == 32 || cs_code >= 0x100;
}

bool plausible_result(int32_t result) {
    return result == 1 || result == 0 || (result <= -17 && result >= -28) ||
           (result <= -23000 && result >= -23048);
}

}  // namespace

TEST(DispatchFuzz, RandomBlocksNeverCrashAndAlwaysAnswer) {
    BridgeHarness h;
    std::mt19937 random(20261124);
    std::uniform_int_distribution<uint32_t> byte(0, 255);
    std::uniform_int_distribution<uint32_t> any;
    const uint32_t ram = FakeHost::kRamSize;
    std::vector<uint32_t> streams;

    for (int i = 0; i < 20000; ++i) {
        uint16_t cs_code;
        do {
            cs_code = static_cast<uint16_t>(random() % 3 == 0 ? any(random) : 1 + random() % 49);
        } while (reaches_outside(cs_code));
        // Mostly blocks inside RAM, some straddling its end, some anywhere.
        uint32_t pb;
        switch (random() % 8) {
        case 0: pb = ram - 1 - random() % 120; break;
        case 1: pb = any(random); break;
        default: pb = 0x4000 + (random() % 0x8000) * 2; break;
        }
        if (!h.host.memory().contains(pb, 28)) {
            GuestRegs regs;
            regs.d[0] = 2;
            regs.a[0] = pb;
            regs.a[1] = FakeHost::kDceAddress;
            h.bridge.emul_op(regs);
            EXPECT_TRUE(plausible_result(static_cast<int32_t>(regs.d[0])));
            continue;
        }
        const uint32_t body = std::min<uint32_t>(102, ram - pb);
        for (uint32_t b = 28; b < body; ++b) h.host.put8(pb + b, static_cast<uint8_t>(byte(random)));
        if (body >= 32 && !streams.empty() && random() % 2 == 0) h.host.put32(pb + 28, streams[random() % streams.size()]);
        if (body >= 40 && (cs_code == 30 || cs_code == 20) && random() % 2 == 0) {
            // A plausible create now and then, so that stream calls find live streams.
            const uint32_t buffer = 0x20000 + (random() % 0x60) * 0x1000;
            h.host.put32(pb + 32, buffer);
            h.host.put32(pb + 36, 2048 + random() % 0x3000);
        }
        const int32_t result = h.control(cs_code, pb, random() % 2 == 0, 0);
        EXPECT_TRUE(plausible_result(result)) << "csCode " << cs_code << " -> " << result;
        if (result == 0 && (cs_code == 30 || cs_code == 20) && body >= 32) streams.push_back(h.host.get32(pb + 28));
        if (i % 64 == 0) h.bridge.interrupt();
    }
    h.bridge.reset();
    h.bridge.interrupt();
}

TEST(DispatchFuzz, RandomDriverSelectorsAndDces) {
    BridgeHarness h;
    std::mt19937 random(7);
    for (int i = 0; i < 2000; ++i) {
        GuestRegs regs;
        regs.d[0] = random() % 7;
        regs.a[0] = static_cast<uint32_t>(random());
        regs.a[1] = static_cast<uint32_t>(random() % 2 ? random() : random() % FakeHost::kRamSize);
        h.bridge.emul_op(regs);
        EXPECT_TRUE(plausible_result(static_cast<int32_t>(regs.d[0])));
    }
}

}  // namespace mtb::test
