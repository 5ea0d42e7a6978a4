// The allocator of datagram space inside a UDP stream's receive buffer.
// SPDX-License-Identifier: GPL-2.0-or-later
#include <gtest/gtest.h>

#include <iterator>
#include <map>
#include <random>
#include <set>

#include "udp/receive_area.h"

namespace mtb {

TEST(UdpReceiveArea, AlignedNextFitAndOutOfOrderReturns) {
    ReceiveArea area(0x1001, 100);  // an odd buffer: datagrams still start on 4-byte addresses
    const auto a = area.allocate(30);
    ASSERT_TRUE(a);
    EXPECT_EQ(*a, 0x1004u);
    const auto b = area.allocate(30);
    const auto c = area.allocate(30);
    ASSERT_TRUE(b && c);
    EXPECT_EQ(*b, 0x1024u);
    EXPECT_EQ(*c, 0x1044u);
    EXPECT_FALSE(area.allocate(30));  // 0x1064 + 30 > 0x1065
    EXPECT_FALSE(area.allocate(0));
    EXPECT_FALSE(area.allocate(101));
    EXPECT_TRUE(area.release(*b));    // returned out of order
    EXPECT_FALSE(area.release(*b));   // twice
    EXPECT_FALSE(area.release(0x1005));
    const auto d = area.allocate(28);
    ASSERT_TRUE(d);
    EXPECT_EQ(*d, *b);  // wrapped round into the hole
    EXPECT_EQ(area.bytes_in_use(), 88u);
    area.release(*a);
    area.release(*c);
    area.release(*d);
    EXPECT_EQ(area.extents(), 0u);
    EXPECT_EQ(*area.allocate(97), 0x1004u);  // empty again: starts over, the whole (aligned) buffer
}

TEST(UdpReceiveArea, RandomisedNeverOverlaps) {
    ReceiveArea area(0x20000, 8192);
    std::mt19937 random(5);
    std::map<uint32_t, uint32_t> live;
    for (int step = 0; step < 20000; ++step) {
        if (!live.empty() && random() % 3 == 0) {
            auto it = live.begin();
            std::advance(it, random() % live.size());
            ASSERT_TRUE(area.release(it->first));
            live.erase(it);
            continue;
        }
        const uint32_t size = 1 + random() % 1500;
        const auto at = area.allocate(size);
        if (!at) continue;
        ASSERT_EQ(*at % 4, 0u);
        ASSERT_GE(*at, 0x20000u);
        ASSERT_LE(*at + size, 0x20000u + 8192);
        auto next = live.lower_bound(*at);
        if (next != live.end()) {
            ASSERT_LE(*at + size, next->first);
        }
        if (next != live.begin()) {
            ASSERT_LE(std::prev(next)->first + std::prev(next)->second, *at);
        }
        live.emplace(*at, size);
    }
}

TEST(UdpReceiveArea, LargestGapThenClaimAtTheRealLength) {
    ReceiveArea area(0x1001, 100);  // aligned: 0x1004..0x1065, 97 bytes
    ReceiveArea::Gap gap = area.largest_gap();
    EXPECT_EQ(gap.address, 0x1004u);
    EXPECT_EQ(gap.size, 97u);
    ASSERT_TRUE(area.claim(gap.address, 10));  // the datagram was 10 bytes
    EXPECT_FALSE(area.claim(0x1008, 4));       // used
    EXPECT_FALSE(area.claim(0x1060, 8));       // past the end
    gap = area.largest_gap();
    EXPECT_EQ(gap.address, 0x1010u);  // the next aligned byte after it
    EXPECT_EQ(gap.size, 0x1065u - 0x1010u);
    ASSERT_TRUE(area.claim(gap.address, 60));  // 0x1010..0x104C
    ASSERT_TRUE(area.release(0x1004));
    // Free now: 0x1004..0x1010 (12) and 0x104C..0x1065 (25): the larger one.
    gap = area.largest_gap();
    EXPECT_EQ(gap.address, 0x104Cu);
    EXPECT_EQ(gap.size, 25u);
    ASSERT_TRUE(area.claim(gap.address, 25));
    gap = area.largest_gap();  // only the hole at the start is left
    EXPECT_EQ(gap.address, 0x1004u);
    EXPECT_EQ(gap.size, 12u);
    ASSERT_TRUE(area.claim(gap.address, 12));
    EXPECT_EQ(area.largest_gap().size, 0u);  // full
    EXPECT_EQ(area.bytes_in_use(), 97u);
}

TEST(UdpReceiveArea, RandomisedLargestGapIsFreeAndLargest) {
    constexpr uint32_t kBase = 0x20000, kLength = 8192;
    ReceiveArea area(kBase, kLength);
    std::mt19937 random(7);
    std::map<uint32_t, uint32_t> live;
    // The largest aligned free extent, from the live extents alone.
    auto largest = [&] {
        uint32_t best = 0, from = kBase;
        auto consider = [&](uint32_t to) {
            const uint32_t aligned = (from + 3) & ~3u;
            if (aligned < to) best = std::max(best, to - aligned);
        };
        for (const auto &[at, size] : live) {
            consider(at);
            from = at + size;
        }
        consider(kBase + kLength);
        return best;
    };
    for (int step = 0; step < 5000; ++step) {
        if (!live.empty() && random() % 3 == 0) {
            auto it = live.begin();
            std::advance(it, random() % live.size());
            ASSERT_TRUE(area.release(it->first));
            live.erase(it);
            continue;
        }
        const ReceiveArea::Gap gap = area.largest_gap();
        ASSERT_EQ(gap.size, largest()) << "step " << step;
        if (gap.size == 0) continue;
        ASSERT_EQ(gap.address % 4, 0u);
        const uint32_t size = 1 + random() % std::min<uint32_t>(gap.size, 1500);
        ASSERT_TRUE(area.claim(gap.address, size));  // free: claim checks it
        live.emplace(gap.address, size);
    }
}

}  // namespace mtb
