// SPDX-License-Identifier: GPL-2.0-or-later
#include <gtest/gtest.h>

#include "policy/outgoing_policy.h"

namespace mtb {

TEST(OutgoingPolicy, EmptyAllowsEverything) {
    OutgoingPolicy policy;
    EXPECT_FALSE(policy.configure(""));
    EXPECT_FALSE(policy.restricted());
    EXPECT_TRUE(policy.allows(0x08080808));
}

TEST(OutgoingPolicy, CidrBlocks) {
    OutgoingPolicy policy;
    EXPECT_FALSE(policy.configure(" 127.0.0.0/8 , 192.0.2.7,10.1.0.0/16"));
    EXPECT_TRUE(policy.allows(0x7F000001));
    EXPECT_TRUE(policy.allows(0x7FFFFFFF));
    EXPECT_TRUE(policy.allows(0xC0000207));
    EXPECT_FALSE(policy.allows(0xC0000208));
    EXPECT_TRUE(policy.allows(0x0A01FFFF));
    EXPECT_FALSE(policy.allows(0x0A020000));
    EXPECT_FALSE(policy.allows(0x08080808));
    EXPECT_FALSE(policy.configure("0.0.0.0/0"));
    EXPECT_TRUE(policy.allows(0x08080808));
}

TEST(OutgoingPolicy, MalformedEntriesAllowNothing) {
    OutgoingPolicy policy;
    EXPECT_TRUE(policy.configure("127.0.0.0/33"));
    EXPECT_FALSE(policy.allows(0x7F000001));
    EXPECT_TRUE(policy.configure("localhost"));
    EXPECT_FALSE(policy.allows(0x7F000001));
    EXPECT_TRUE(policy.configure("127.0.0.1/8x"));
    EXPECT_FALSE(policy.allows(0x7F000001));
}

}  // namespace mtb
