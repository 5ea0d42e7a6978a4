// SPDX-License-Identifier: GPL-2.0-or-later
#include <gtest/gtest.h>

#include <vector>

#include "mactcp_bridge/guest_memory.h"

namespace mtb {

TEST(GuestMemory, RangesAreCheckedWithoutOverflow) {
    std::vector<uint8_t> ram(4096);
    GuestMemory memory(ram.data(), 0x1000, 4096);
    EXPECT_TRUE(memory.contains(0x1000, 4096));
    EXPECT_TRUE(memory.contains(0x1FFF, 1));
    EXPECT_TRUE(memory.contains(0x2000, 0));
    EXPECT_FALSE(memory.contains(0x2000, 1));
    EXPECT_FALSE(memory.contains(0x0FFF, 1));
    EXPECT_FALSE(memory.contains(0x1001, 0xFFFFFFFF));  // addr + len wraps in 32 bits
    EXPECT_FALSE(memory.contains(0xFFFFFFFF, 2));
    EXPECT_FALSE(GuestMemory().contains(0, 0));
}

TEST(GuestMemory, BigEndianAccess) {
    std::vector<uint8_t> ram(16);
    GuestMemory memory(ram.data(), 0, 16);
    ASSERT_TRUE(memory.write32(4, 0xC0A80102));
    EXPECT_EQ(ram[4], 0xC0);
    EXPECT_EQ(ram[7], 0x02);
    EXPECT_EQ(memory.read32(4), 0xC0A80102u);
    ASSERT_TRUE(memory.write16(14, 0xBEEF));
    EXPECT_EQ(memory.read16(14), 0xBEEFu);
    EXPECT_FALSE(memory.write16(15, 1));
    EXPECT_FALSE(memory.read32(13).has_value());
    EXPECT_EQ(ram[15], 0xEF);  // the refused write changed nothing
}

TEST(GuestMemory, CStringsMustEndInsideRam) {
    std::vector<uint8_t> ram = {'a', 'b', 0, 'c', 'd'};
    GuestMemory memory(ram.data(), 0, 5);
    EXPECT_EQ(memory.c_string_length(0, 100), 2u);
    EXPECT_FALSE(memory.c_string_length(3, 100).has_value());  // runs off the end of RAM
    EXPECT_FALSE(memory.c_string_length(0, 2).has_value());    // longer than allowed
    EXPECT_FALSE(memory.c_string_length(9, 100).has_value());
}

}  // namespace mtb
