// Issue 15 on the 68k test machine: a guest program speaking plaintext IMAP/POP3/NNTP-like
// dialogues that `ipptls` rules carry over TLS to the tests' TLS servers on loopback (the tests'
// CA trusted through `ipptlsca`): a megabyte each way checked byte for byte (checksums), the
// server's close_notify, the server's reset, the guest's abort (no close_notify).
// SPDX-License-Identifier: GPL-2.0-or-later
#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <future>
#include <string>
#include <vector>

#include "guest_checksum.h"
#include "guest_harness.h"
#include "test_tls_server.h"

namespace mtb::guest {

TEST(TcpTls, MailDialoguesThroughTlsWithBulkBothWaysPeerResetAndGuestAbort) {
    constexpr uint32_t kBytes = 1u << 20;
    std::vector<uint8_t> message(kBytes);
    for (uint32_t i = 0; i < kBytes; ++i) message[i] = static_cast<uint8_t>((i * 2654435761u) >> 13);
    Checksum expected_in;
    expected_in.add(message.data(), message.size());
    // What the guest appends: its 8 KB pattern repeated.
    std::vector<uint8_t> appended(kBytes);
    for (uint32_t i = 0; i < kBytes; ++i) {
        const uint32_t j = i % 8192;
        appended[i] = static_cast<uint8_t>(j * 13 + (j >> 7));
    }

    test::TestCertificateAuthority ca;
    const auto credential = ca.issue({"127.0.0.1"});  // the guest connects by number
    std::promise<bool> append_ok;
    std::promise<std::string> imap_end, news_end;
    test::TestTlsServer imap(credential, [&](test::TlsServerSession &s) {
        s.write("* OK IMAP4rev1 ready\r\n");
        if (s.read_line() != "a1 LOGIN mac secret") return;
        s.write("a1 OK LOGIN completed\r\n");
        if (s.read_line() != "a2 FETCH 1 BODY[]") return;
        s.write(std::span<const uint8_t>(message));
        s.write("a2 OK FETCH completed\r\n");
        if (s.read_line() != "a3 APPEND INBOX") return;
        append_ok.set_value(s.read_exact(kBytes) == appended);
        s.write("a3 OK APPEND completed\r\n");
        if (s.read_line() != "a4 LOGOUT") return;
        s.write("* BYE\r\n");
        s.close_notify();
        imap_end.set_value(s.read_to_end() == test::TlsServerSession::End::close_notify ? "close_notify" : "other");
    });
    test::TestTlsServer pop(credential, [&](test::TlsServerSession &s) {
        s.write("+OK POP3 ready\r\n");
        s.read_line();
        s.write("+OK 120 octets\r\nFrom: somebody\r\n");
        s.reset();
    });
    test::TestTlsServer news(credential, [&](test::TlsServerSession &s) {
        s.write("200 news ready\r\n");
        news_end.set_value(s.read_to_end() == test::TlsServerSession::End::close_notify ? "close_notify" : "no close_notify");
    });

    machine::MachineOptions o = options(std::chrono::seconds(300));
    o.prefs["ipptls"] = "143=" + std::to_string(imap.port()) + ",110=" + std::to_string(pop.port()) + ",119=" +
                        std::to_string(news.port());
    o.prefs["ipptlsca"] = ca.ca_file();
    const auto result = run("tcp_tls_mail",
                            {{"bytes", std::to_string(kBytes)}, {"expected", std::to_string(static_cast<int32_t>(expected_in.value()))}},
                            o);
    EXPECT_NE(result.output.find("imap: 1048576 bytes each way through TLS"), std::string::npos) << result.output;
    std::printf("%s(%.1f s)\n", result.output.c_str(), result.seconds);
    auto append = append_ok.get_future();
    ASSERT_EQ(append.wait_for(std::chrono::seconds(20)), std::future_status::ready);
    EXPECT_TRUE(append.get());
    auto imap_how = imap_end.get_future();
    ASSERT_EQ(imap_how.wait_for(std::chrono::seconds(20)), std::future_status::ready);
    EXPECT_EQ(imap_how.get(), "close_notify");
    auto news_how = news_end.get_future();
    ASSERT_EQ(news_how.wait_for(std::chrono::seconds(20)), std::future_status::ready);
    EXPECT_EQ(news_how.get(), "no close_notify");
}

}  // namespace mtb::guest
