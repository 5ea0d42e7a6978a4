// `ipptls` through the bridge (issue 15): a TCPActiveOpen that a rule matches goes to the TLS
// port of the same host, verifies the certificate against the `ipptlsca` trust anchors and the
// name the guest looked up through our DNR (SNI set from it), and then moves plaintext exactly as
// a plain connection does: TCPStatus, half-close (close_notify), abort (none), the peer's close
// and reset, bulk data both ways byte for byte. A refused certificate fails the open with
// openFailed and one log line naming host, port and reason. Everything on loopback, against the
// tests' own TLS server and DNS server.
// SPDX-License-Identifier: GPL-2.0-or-later
#include <gtest/gtest.h>

#include <atomic>
#include <future>

#include "dnr/dnr_layout.h"
#include "dnr_harness.h"
#include "tcp_test_support.h"
#include "test_dns_server.h"
#include "test_tls_server.h"
#include "tls/tls_rules.h"

namespace mtb::test {
namespace {

constexpr uint32_t kStream = 0x10000;
constexpr uint32_t kData = 0x80000;
constexpr uint16_t kGuestPort = 143;  // never reached in plaintext: the rule sends it to TLS

bool logged(const FakeHost &host, const std::string &text) {
    for (const std::string &line : host.logs)
        if (line.find(text) != std::string::npos) return true;
    return false;
}
std::size_t count_logged(const FakeHost &host, const std::string &text) {
    std::size_t n = 0;
    for (const std::string &line : host.logs)
        if (line.find(text) != std::string::npos) ++n;
    return n;
}

std::string pattern(std::size_t length, uint8_t seed) {
    std::string out(length, '\0');
    for (std::size_t i = 0; i < length; ++i) out[i] = static_cast<char>((i * 131 + seed + (i >> 9)) & 0xFF);
    return out;
}

// The bridge with a TLS rule for guest port 143 onto `server`, the tests' CA trusted and the
// tests' DNS server answering mail.test.example with 127.0.0.1.
struct TlsBridge {
    explicit TlsBridge(const TestTlsServer &server, const std::string &rule_suffix = "") {
        dns.add_a("mail.test.example", 0x7F000001);
        h = std::make_unique<TcpHarness>(std::map<std::string, std::string>{
            {"ipptls", std::to_string(kGuestPort) + "=" + std::to_string(server.port()) + rule_suffix},
            {"ipptlsca", ca_file},
            {"ippdns", dns.pref(300)},
            {"ipplog", "info"}});
    }
    // StrToAddr through the DNR, as a guest does before it connects: the bridge remembers the
    // name for the address.
    uint32_t lookup(const std::string &name) {
        return look_up_for_connect(h->host, h->bridge, name, [&](const std::function<bool()> &done) { return h->pump_until(done); });
    }
    // Opens kStream to the looked-up (or given) address, port 143; returns the open's result.
    int16_t open(uint32_t address) {
        EXPECT_EQ(h->create(kStream, 16384), 0);
        h->active_open(0x5000, kStream, kGuestPort, true, 10, 1, 0, address);
        EXPECT_TRUE(h->wait_done(0x5000, std::chrono::seconds(10)));
        return h->result(0x5000);
    }
    // Receives until `length` bytes came or the stream ends (each TCPRcv up to 8000 bytes).
    std::string receive(std::size_t length) {
        std::string out;
        while (out.size() < length) {
            h->rcv(0x5100, kStream, kData, static_cast<uint16_t>(std::min<std::size_t>(8000, length - out.size())), 10);
            if (!h->wait_done(0x5100, std::chrono::seconds(10)) || h->result(0x5100) != 0) break;
            out += h->get_bytes(kData, h->rcv_length(0x5100));
        }
        return out;
    }
    // Sends `data` in TCPSend calls of up to 16000 bytes, each waited for.
    bool send(const std::string &data) {
        for (std::size_t at = 0; at < data.size(); at += 16000) {
            const std::string piece = data.substr(at, 16000);
            h->send_text(0x5200, kStream, kData + 0x10000, piece);
            if (!h->wait_done(0x5200, std::chrono::seconds(10)) || h->result(0x5200) != 0) return false;
        }
        return true;
    }

    TestCertificateAuthority &ca = shared_ca();
    std::string ca_file = ca.ca_file();
    TestDnsServer dns;
    std::unique_ptr<TcpHarness> h;

    static TestCertificateAuthority &shared_ca() {
        static TestCertificateAuthority ca;
        return ca;
    }
};

TEST(TlsOpen, MalformedAndLoopingRulesAreNamedAtStart) {
    TcpHarness h({{"ipptls", "143=993,110=x995,993=995"}, {"ipplog", "info"}});
    EXPECT_TRUE(logged(h.host, "ipptls rule '110=x995' refused"));
    EXPECT_TRUE(logged(h.host, "ipptls rule '993=995' refused"));
    EXPECT_TRUE(logged(h.host, "ipptls rule '143=993' refused"));
}

TEST(TlsOpen, OtherConnectionsAreUntouched) {
    HostListener plain;
    TcpHarness h({{"ipptls", std::to_string(plain.port) + "=993@10.0.0.0/8"}});
    ASSERT_EQ(h.create(kStream), 0);
    h.active_open(0x5000, kStream, plain.port);  // 127.0.0.1 is outside the rule's limit
    ASSERT_TRUE(h.pump_until([&] { return h.result(0x5000) <= 0; }));
    EXPECT_EQ(h.result(0x5000), err::noErr);
    EXPECT_NE(plain.accept().fd, -1);
}

TEST(TlsOpen, VerifiedCertificateCarriesAnImapDialogueWithSni) {
    std::promise<std::string> sni, command;
    TestTlsServer server(TlsBridge::shared_ca().issue({"mail.test.example"}), [&](TlsServerSession &s) {
        sni.set_value(s.server_name());
        s.write("* OK IMAP4rev1 ready\r\n");
        command.set_value(s.read_line().value_or("?"));
        s.write("* BYE\r\na1 OK LOGOUT completed\r\n");
        s.read_to_end();
    });
    TlsBridge b(server);
    const uint32_t address = b.lookup("mail.test.example");
    ASSERT_EQ(address, 0x7F000001u);
    ASSERT_EQ(b.open(address), err::noErr);
    EXPECT_TRUE(logged(b.h->host, "goes over TLS to port " + std::to_string(server.port())));
    EXPECT_EQ(b.h->state(kStream), tcp_state::established);
    EXPECT_EQ(b.receive(22), "* OK IMAP4rev1 ready\r\n");
    ASSERT_TRUE(b.send("a1 LOGOUT\r\n"));
    EXPECT_EQ(b.receive(31), "* BYE\r\na1 OK LOGOUT completed\r\n");
    EXPECT_EQ(sni.get_future().get(), "mail.test.example");
    EXPECT_EQ(command.get_future().get(), "a1 LOGOUT");
    b.h->close(0x5300, kStream);
    ASSERT_TRUE(b.h->wait_done(0x5300));
    EXPECT_TRUE(server.wait_for_sessions(1));
}

TEST(TlsOpen, ConnectedByNumberVerifiesTheAddress) {
    TestTlsServer server(TlsBridge::shared_ca().issue({"127.0.0.1"}), [](TlsServerSession &s) {
        s.write("+OK POP3 ready\r\n");
        s.read_to_end();
    });
    TlsBridge b(server);
    ASSERT_EQ(b.open(0x7F000001), err::noErr);  // no lookup: the certificate must name the address
    EXPECT_EQ(b.receive(16), "+OK POP3 ready\r\n");
}

// A refused certificate: openFailed, exactly one error line naming host, port and reason, and
// not a byte of plaintext.
void expect_refused(const TestCredential &credential, const std::string &reason) {
    std::atomic<bool> served{false};
    TestTlsServer server(credential, [&](TlsServerSession &) { served = true; });
    TlsBridge b(server);
    const uint32_t address = b.lookup("mail.test.example");
    EXPECT_EQ(b.open(address), err::openFailed);
    const std::string line = "TLS to mail.test.example (127.0.0.1) port " + std::to_string(server.port()) +
                             " (ipptls rule '143=" + std::to_string(server.port()) + "') failed: ";
    EXPECT_EQ(count_logged(b.h->host, line), 1u);
    EXPECT_TRUE(logged(b.h->host, reason)) << reason;
    EXPECT_FALSE(served);
    EXPECT_EQ(b.h->count_asr(tcp_event::terminate), 0u);  // no connection came up
}

TEST(TlsOpen, WrongNameIsRefused) {
    expect_refused(TlsBridge::shared_ca().issue({"other.test.example"}), "hostname mismatch");
}

TEST(TlsOpen, ExpiredCertificateIsRefused) {
    expect_refused(TlsBridge::shared_ca().issue({"mail.test.example"}, -std::chrono::hours(48), -std::chrono::hours(24)),
                   "expired");
}

TEST(TlsOpen, SelfSignedIsRefusedWithoutAPin) {
    expect_refused(TestCertificateAuthority::self_signed({"mail.test.example"}), "self-signed");
}

TEST(TlsOpen, FingerprintRuleAcceptsThatCertificate) {
    const auto credential = TestCertificateAuthority::self_signed({"box.invalid"});
    TestTlsServer server(credential, [](TlsServerSession &s) {
        s.write("+OK POP3 ready\r\n");
        s.read_to_end();
    });
    TlsBridge b(server, "#" + tls::format_fingerprint(credential.sha256));
    ASSERT_EQ(b.open(b.lookup("mail.test.example")), err::noErr);
    EXPECT_TRUE(logged(b.h->host, "certificate accepted by the pinned fingerprint"));
    EXPECT_EQ(b.receive(16), "+OK POP3 ready\r\n");
}

TEST(TlsOpen, NoTrustAnchorsFailsClosed) {
    HostListener plain;
    TcpHarness h({{"ipptls", std::to_string(kGuestPort) + "=" + std::to_string(plain.port)},
                  {"ipptlsca", "/nonexistent/ca.pem"}});
    ASSERT_EQ(h.create(kStream), 0);
    h.active_open(0x5000, kStream, kGuestPort);
    ASSERT_TRUE(h.wait_done(0x5000));
    EXPECT_EQ(h.result(0x5000), err::openFailed);
    EXPECT_EQ(plain.accept(200).fd, -1);  // nothing went anywhere in plaintext
}

TEST(TlsOpen, BulkBothWaysByteForByte) {
    constexpr std::size_t kSize = 1 << 20;
    const std::string down = pattern(kSize, 7), up = pattern(kSize, 99);
    std::promise<bool> up_ok;
    TestTlsServer server(TlsBridge::shared_ca().issue({"mail.test.example"}), [&](TlsServerSession &s) {
        std::thread writer([&] { s.write(std::string_view(down)); });
        const auto got = s.read_exact(kSize);
        writer.join();
        up_ok.set_value(std::string(got.begin(), got.end()) == up);
        s.read_to_end();
    });
    TlsBridge b(server);
    ASSERT_EQ(b.open(b.lookup("mail.test.example")), err::noErr);
    std::string received;
    // Interleaved, so neither direction waits for the other to finish.
    for (std::size_t at = 0; at < kSize || received.size() < kSize;) {
        if (at < kSize) {
            ASSERT_TRUE(b.send(up.substr(at, 16000)));
            at += 16000;
        }
        if (received.size() < kSize) received += b.receive(std::min<std::size_t>(8000, kSize - received.size()));
    }
    EXPECT_TRUE(received == down);
    EXPECT_TRUE(up_ok.get_future().get());
}

TEST(TlsOpen, StatusHalfCloseAndThePeersCloseNotify) {
    std::promise<TlsServerSession::End> how_guest_ended;
    std::promise<void> guest_closed;
    TestTlsServer server(TlsBridge::shared_ca().issue({"mail.test.example"}), [&](TlsServerSession &s) {
        s.write("hello");
        how_guest_ended.set_value(s.read_to_end());
        s.write("after your close");  // half-close: the guest still receives
        s.close_notify();
    });
    TlsBridge b(server);
    ASSERT_EQ(b.open(b.lookup("mail.test.example")), err::noErr);
    ASSERT_TRUE(b.h->pump_until([&] { return b.h->count_asr(tcp_event::dataArrival) == 1; }));
    EXPECT_EQ(b.h->status(kStream), 0);
    EXPECT_EQ(b.h->host.get8(0x4800 + T::status::connectionState.offset), tcp_state::established);
    EXPECT_EQ(b.h->host.get16(0x4800 + T::status::amtUnreadData.offset), 5u);
    EXPECT_EQ(b.receive(5), "hello");

    b.h->close(0x5300, kStream);
    ASSERT_TRUE(b.h->wait_done(0x5300));
    EXPECT_EQ(b.h->result(0x5300), 0);
    EXPECT_EQ(how_guest_ended.get_future().get(), TlsServerSession::End::close_notify);
    EXPECT_EQ(b.receive(16), "after your close");
    ASSERT_TRUE(b.h->pump_until([&] { return b.h->count_asr(tcp_event::terminate) == 1; }));
    EXPECT_EQ(b.h->count_asr(tcp_event::closing), 1u);
    EXPECT_EQ(b.h->asrs().back().reason, termin_reason::ulpClose);
}

TEST(TlsOpen, GuestAbortSendsNoCloseNotify) {
    std::promise<TlsServerSession::End> how_guest_ended;
    TestTlsServer server(TlsBridge::shared_ca().issue({"mail.test.example"}), [&](TlsServerSession &s) {
        s.write("x");
        how_guest_ended.set_value(s.read_to_end());
    });
    TlsBridge b(server);
    ASSERT_EQ(b.open(b.lookup("mail.test.example")), err::noErr);
    EXPECT_EQ(b.receive(1), "x");
    EXPECT_EQ(b.h->abort(kStream), 0);
    EXPECT_NE(how_guest_ended.get_future().get(), TlsServerSession::End::close_notify);
    ASSERT_TRUE(b.h->pump_until([&] { return b.h->count_asr(tcp_event::terminate) == 1; }));
    EXPECT_EQ(b.h->asrs().back().reason, termin_reason::ulpAbort);
}

TEST(TlsOpen, PeerResetEndsTheConnection) {
    TestTlsServer server(TlsBridge::shared_ca().issue({"mail.test.example"}), [&](TlsServerSession &s) {
        s.write("going");
        s.read_line();  // until the guest says so
        s.reset();
    });
    TlsBridge b(server);
    ASSERT_EQ(b.open(b.lookup("mail.test.example")), err::noErr);
    EXPECT_EQ(b.receive(5), "going");
    ASSERT_TRUE(b.send("now\r\n"));
    ASSERT_TRUE(b.h->pump_until([&] { return b.h->count_asr(tcp_event::terminate) == 1; }, std::chrono::seconds(10)));
    EXPECT_EQ(b.h->asrs().back().reason, termin_reason::remoteAbort);
}

bool readable(int fd) {
    pollfd p{fd, POLLIN, 0};
    return ::poll(&p, 1, 0) == 1;
}

// The handshake steps on a worker thread (tls/handshake_worker.h). A "TLS server" that takes
// the ClientHello and then says nothing: the guest aborts while the handshake waits, and also
// while a step may still be on the worker (right after the open); the bridge stays usable.
TEST(TlsOpen, AbortDuringTheHandshake) {
    HostListener silent;
    TcpHarness h(std::map<std::string, std::string>{{"ipptls", std::to_string(kGuestPort) + "=" + std::to_string(silent.port)},
                                                    {"ipptlsca", TlsBridge::shared_ca().ca_file()}});
    ASSERT_EQ(h.create(kStream, 16384), 0);
    h.active_open(0x5000, kStream, kGuestPort, true, 30, 1, 0, 0x7F000001);
    HostPeer peer = silent.accept();
    ASSERT_NE(peer.fd, -1);
    ASSERT_TRUE(h.pump_until([&] { return readable(peer.fd); }));
    char hello[1];
    ASSERT_EQ(::recv(peer.fd, hello, sizeof hello, 0), 1);
    EXPECT_EQ(hello[0], 0x16);  // a TLS handshake record: the ClientHello
    h.pump_until([] { return false; }, std::chrono::milliseconds(50));
    EXPECT_EQ(h.result(0x5000), err::inProgress);
    EXPECT_EQ(h.abort(kStream), 0);
    ASSERT_TRUE(h.wait_done(0x5000));
    EXPECT_NE(h.result(0x5000), 0);
    EXPECT_EQ(h.release(kStream), 0);

    for (int i = 0; i < 20; ++i) {  // abort at once: the first step may still be on the worker
        ASSERT_EQ(h.create(kStream, 16384), 0);
        h.active_open(0x5000, kStream, kGuestPort, true, 30, 1, 0, 0x7F000001);
        EXPECT_EQ(h.abort(kStream), 0);
        ASSERT_TRUE(h.wait_done(0x5000));
        EXPECT_EQ(h.release(kStream), 0);
    }
    h.pump_until([] { return false; }, std::chrono::milliseconds(50));  // steps coming back find no connection
}

// The server closes during the handshake: openFailed and one log line saying so.
TEST(TlsOpen, ServerClosingDuringTheHandshakeFailsTheOpen) {
    HostListener closing;
    TcpHarness h(std::map<std::string, std::string>{{"ipptls", std::to_string(kGuestPort) + "=" + std::to_string(closing.port)},
                                                    {"ipptlsca", TlsBridge::shared_ca().ca_file()}});
    ASSERT_EQ(h.create(kStream, 16384), 0);
    h.active_open(0x5000, kStream, kGuestPort, true, 30, 1, 0, 0x7F000001);
    {
        HostPeer peer = closing.accept();
        ASSERT_NE(peer.fd, -1);
        ASSERT_TRUE(h.pump_until([&] { return readable(peer.fd); }));  // the ClientHello came
    }  // closed
    ASSERT_TRUE(h.wait_done(0x5000, std::chrono::seconds(10)));
    EXPECT_EQ(h.result(0x5000), err::openFailed);
    EXPECT_EQ(count_logged(h.host, "the connection ended during the TLS handshake"), 1u);
}

}  // namespace
}  // namespace mtb::test
