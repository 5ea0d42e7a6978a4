// The `ipptls` rule parser: the forms the docs show, and every malformed or looping rule
// refused with a message naming it.
// SPDX-License-Identifier: GPL-2.0-or-later
#include <gtest/gtest.h>

#include "tls/tls_rules.h"

namespace mtb::tls {

namespace {
const std::string kPin = "sha256:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff";

bool mentions(const std::vector<std::string> &problems, const std::string &text) {
    for (const std::string &p : problems) {
        if (p.find(text) != std::string::npos) return true;
    }
    return false;
}
}  // namespace

TEST(TlsRules, MailAndNews) {
    const TlsRuleSet set = parse_tls_rules("143=993, 110=995 ,119=563");
    ASSERT_TRUE(set.problems.empty());
    ASSERT_EQ(set.rules.size(), 3u);
    const TlsRule *imap = set.match(143, 0x0A000001, "");
    ASSERT_NE(imap, nullptr);
    EXPECT_EQ(imap->tls_port, 993);
    EXPECT_EQ(set.match(110, 0x0A000001, "pop.example.com")->tls_port, 995);
    EXPECT_EQ(set.match(119, 0x0A000001, "")->tls_port, 563);
    EXPECT_EQ(set.match(25, 0x0A000001, ""), nullptr);
    EXPECT_EQ(set.match(993, 0x0A000001, ""), nullptr);
}

TEST(TlsRules, EmptyPrefHasNoRules) {
    EXPECT_TRUE(parse_tls_rules("").rules.empty());
    EXPECT_TRUE(parse_tls_rules(" , ").problems.empty());
}

TEST(TlsRules, HostNameLimits) {
    const TlsRuleSet set = parse_tls_rules("143=993@Mail.Example.COM.,119=563@.example.net");
    ASSERT_TRUE(set.problems.empty());
    EXPECT_NE(set.match(143, 1, "mail.example.com"), nullptr);
    EXPECT_NE(set.match(143, 1, "MAIL.example.com."), nullptr);
    EXPECT_EQ(set.match(143, 1, "other.example.com"), nullptr);
    EXPECT_EQ(set.match(143, 1, ""), nullptr);  // connected by number: no name to match
    EXPECT_NE(set.match(119, 1, "news.example.net"), nullptr);
    EXPECT_NE(set.match(119, 1, "a.b.example.net"), nullptr);
    EXPECT_EQ(set.match(119, 1, "example.net"), nullptr);
    EXPECT_EQ(set.match(119, 1, "badexample.net"), nullptr);
}

TEST(TlsRules, AddressLimitsAndOrder) {
    const TlsRuleSet set = parse_tls_rules("143=993@192.0.2.0/24,143=9993@127.0.0.1,143=993");
    ASSERT_TRUE(set.problems.empty());
    ASSERT_EQ(set.rules.size(), 3u);
    EXPECT_EQ(set.match(143, 0xC0000207, "")->text, "143=993@192.0.2.0/24");
    EXPECT_EQ(set.match(143, 0x7F000001, "")->tls_port, 9993);
    EXPECT_EQ(set.match(143, 0x0A000001, "")->text, "143=993");
}

TEST(TlsRules, FingerprintFlag) {
    const TlsRuleSet set = parse_tls_rules("143=993@127.0.0.1#" + kPin);
    ASSERT_TRUE(set.problems.empty()) << set.problems.front();
    ASSERT_TRUE(set.rules.front().pin.has_value());
    EXPECT_EQ((*set.rules.front().pin)[1], 0x11);
    EXPECT_EQ((*set.rules.front().pin)[31], 0xFF);
    EXPECT_EQ(format_fingerprint(*set.rules.front().pin), "sha256:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:"
                                                          "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF");
    EXPECT_TRUE(parse_fingerprint("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"));
    EXPECT_FALSE(parse_fingerprint("sha256:0011"));
    EXPECT_FALSE(parse_fingerprint("sha256:0:011223344556677889"));
    EXPECT_FALSE(parse_fingerprint(kPin + "00"));
    EXPECT_FALSE(parse_fingerprint("sha256:zz112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"));
}

TEST(TlsRules, MalformedRulesAreRefusedByName) {
    const TlsRuleSet set =
        parse_tls_rules("143,abc=993,110=99999,0=995,119=563@,25=465@10.0.0.0/33,587=465@bad name,80=443#sha256:12,21=990");
    ASSERT_EQ(set.rules.size(), 1u);
    EXPECT_EQ(set.rules.front().text, "21=990");
    ASSERT_EQ(set.problems.size(), 8u);
    for (const char *rule : {"'143'", "'abc=993'", "'110=99999'", "'0=995'", "'119=563@'", "'25=465@10.0.0.0/33'",
                             "'587=465@bad name'", "'80=443#sha256:12'"})
        EXPECT_TRUE(mentions(set.problems, std::string("ipptls rule ") + rule + " refused")) << rule;
}

TEST(TlsRules, LoopingRulesAreRefused) {
    TlsRuleSet set = parse_tls_rules("143=993,993=995,110=995");
    EXPECT_EQ(set.rules.size(), 1u);
    EXPECT_EQ(set.rules.front().text, "110=995");
    EXPECT_TRUE(mentions(set.problems, "'143=993' refused: TLS port 993 is mapped again"));
    EXPECT_TRUE(mentions(set.problems, "'993=995' refused: guest port 993 is the TLS port of another rule"));

    set = parse_tls_rules("993=993");
    EXPECT_TRUE(set.rules.empty());
    EXPECT_TRUE(mentions(set.problems, "'993=993' refused"));
}

}  // namespace mtb::tls
