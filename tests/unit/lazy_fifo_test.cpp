// LazyFifo (tcp/lazy_fifo.h): the queue of a stream's pending requests and loans keeps
// first-in first-out order through pops, refills and compaction, and iterates the live elements.
// SPDX-License-Identifier: GPL-2.0-or-later
#include "tcp/lazy_fifo.h"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

namespace mtb {
namespace {

std::vector<int> contents(const LazyFifo<int> &fifo) { return {fifo.begin(), fifo.end()}; }

TEST(LazyFifo, StartsEmpty) {
    LazyFifo<int> fifo;
    EXPECT_TRUE(fifo.empty());
    EXPECT_EQ(fifo.size(), 0u);
    EXPECT_EQ(fifo.begin(), fifo.end());
}

TEST(LazyFifo, KeepsOrderThroughPopsAndPushes) {
    LazyFifo<int> fifo;
    int next_in = 0, next_out = 0;
    // Uneven push/pop rounds: the head moves, the buffer compacts and empties along the way.
    for (int round = 0; round < 50; ++round) {
        for (int i = 0; i < round % 7 + 1; ++i) fifo.push_back(next_in++);
        for (int i = 0; i < round % 5 + 1 && !fifo.empty(); ++i) {
            EXPECT_EQ(fifo.front(), next_out++);
            fifo.pop_front();
        }
        ASSERT_EQ(fifo.size(), static_cast<std::size_t>(next_in - next_out));
        std::vector<int> expected;
        for (int v = next_out; v < next_in; ++v) expected.push_back(v);
        EXPECT_EQ(contents(fifo), expected);
    }
}

TEST(LazyFifo, ClearEmptiesAndStaysUsable) {
    LazyFifo<int> fifo;
    for (int i = 0; i < 5; ++i) fifo.push_back(i);
    fifo.pop_front();
    fifo.clear();
    EXPECT_TRUE(fifo.empty());
    fifo.push_back(42);
    EXPECT_EQ(fifo.front(), 42);
    EXPECT_EQ(fifo.size(), 1u);
}

TEST(LazyFifo, PoppedElementsAreReleased) {
    LazyFifo<std::shared_ptr<int>> fifo;
    const auto first = std::make_shared<int>(1);
    fifo.push_back(first);
    fifo.push_back(std::make_shared<int>(2));
    fifo.pop_front();  // half the buffer popped: compacted, the first element destroyed
    EXPECT_EQ(first.use_count(), 1);
    EXPECT_EQ(*fifo.front(), 2);
}

}  // namespace
}  // namespace mtb
