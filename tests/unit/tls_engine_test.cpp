// The TLS engine and TlsSocket against the tests' own TLS server on loopback: certificate
// verification (valid, wrong name, expired, self-signed, pinned), SNI, plaintext both ways byte
// for byte, close_notify on a graceful close and none on an abort, the peer's close and abort.
// SPDX-License-Identifier: GPL-2.0-or-later
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <future>
#include <numeric>

#include "test_tls_server.h"
#include "tls/tls_client_context.h"
#include "tls/tls_socket.h"

namespace mtb::tls {

namespace {

using test::TestCertificateAuthority;
using test::TestTlsServer;
using test::TlsServerSession;

constexpr uint32_t kLoopback = 0x7F000001;
constexpr int kPollMs = 10000;  // a bound for a broken test, never a timing assertion

int connect_loopback(uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_port = htons(port);
    sin.sin_addr.s_addr = htonl(kLoopback);
    EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr *>(&sin), sizeof sin), 0);
    const int flags = 1;
    EXPECT_EQ(::ioctl(fd, FIONBIO, &flags), 0);
    return fd;
}

// Waits for what the TLS socket asked for; false on timeout.
bool wait_for(const TlsSocket &tls, int fd) {
    pollfd p{fd, 0, 0};
    if (tls.wants_readable()) p.events |= POLLIN;
    if (tls.wants_writable()) p.events |= POLLOUT;
    if (p.events == 0) p.events = POLLIN;
    return ::poll(&p, 1, kPollMs) == 1;
}

struct Client {
    Client(const TlsClientContext &context, uint16_t port, TlsPeer peer)
        : fd(connect_loopback(port)), tls(std::make_unique<FdTransport>(fd), std::make_unique<TlsEngine>(context, peer)) {}
    ~Client() { ::close(fd); }

    TlsEngine::State handshake() {
        for (;;) {
            const auto state = tls.handshake();
            if (state != TlsEngine::State::handshaking || !wait_for(tls, fd)) return state;
        }
    }
    bool send_all(std::span<const uint8_t> bytes) {
        while (!bytes.empty()) {
            const ssize_t n = tls.send(bytes.data(), bytes.size());
            if (n > 0) {
                bytes = bytes.subspan(static_cast<std::size_t>(n));
                continue;
            }
            if (n < 0 && errno == EAGAIN && wait_for(tls, fd)) continue;
            return false;
        }
        while (tls.unsent() > 0) {
            if (!wait_for(tls, fd) || tls.send(nullptr, 0) < 0) return false;
        }
        return true;
    }
    bool send_text(std::string_view text) {
        return send_all(std::span(reinterpret_cast<const uint8_t *>(text.data()), text.size()));
    }
    // Reads until `length` bytes or the end; `ended` tells which end (0 = clean, -1 = error).
    std::vector<uint8_t> receive(std::size_t length, int *ended = nullptr) {
        std::vector<uint8_t> out;
        uint8_t buffer[5000];  // not a record size: exercises partial record reads
        while (out.size() < length) {
            const ssize_t n = tls.recv(buffer, std::min(sizeof buffer, length - out.size()));
            if (n > 0) {
                out.insert(out.end(), buffer, buffer + n);
                continue;
            }
            if (n < 0 && errno == EAGAIN && wait_for(tls, fd)) continue;
            if (ended) *ended = n == 0 ? 0 : -1;
            break;
        }
        return out;
    }
    std::string receive_line() {
        std::string line;
        while (line.size() < 2 || line.substr(line.size() - 2) != "\r\n") {
            const auto byte = receive(1);
            if (byte.empty()) break;
            line.push_back(static_cast<char>(byte.front()));
        }
        return line;
    }
    bool close() {
        for (;;) {
            if (tls.shutdown_write() == 0) return true;
            if (errno != EAGAIN || !wait_for(tls, fd)) return false;
        }
    }

    int fd;
    TlsSocket tls;
};

std::vector<uint8_t> pattern(std::size_t length, uint8_t seed) {
    std::vector<uint8_t> out(length);
    for (std::size_t i = 0; i < length; ++i) out[i] = static_cast<uint8_t>((i * 131 + seed + (i >> 9)) & 0xFF);
    return out;
}

class TlsEngineTest : public ::testing::Test {
protected:
    void SetUp() override {
        std::string problem;
        context = TlsClientContext::create(ca.ca_file(), problem);
        ASSERT_NE(context, nullptr) << problem;
    }
    TestCertificateAuthority ca;
    std::unique_ptr<TlsClientContext> context;
};

TEST_F(TlsEngineTest, VerifiedServerSeesSniAndAnImapDialogue) {
    std::promise<std::string> sni, command;
    TestTlsServer server(ca.issue({"imap.test.example"}), [&](TlsServerSession &s) {
        sni.set_value(s.server_name());
        s.write("* OK IMAP4rev1 ready\r\n");
        command.set_value(s.read_line().value_or("?"));
        s.write("a1 OK LOGIN completed\r\n");
        s.read_to_end();
    });
    Client client(*context, server.port(), {"imap.test.example", kLoopback, {}});
    ASSERT_EQ(client.handshake(), TlsEngine::State::open) << client.tls.engine().failure();
    EXPECT_FALSE(client.tls.engine().accepted_by_pin());
    EXPECT_EQ(client.receive_line(), "* OK IMAP4rev1 ready\r\n");
    ASSERT_TRUE(client.send_text("a1 LOGIN user pass\r\n"));
    EXPECT_EQ(client.receive_line(), "a1 OK LOGIN completed\r\n");
    EXPECT_EQ(sni.get_future().get(), "imap.test.example");
    EXPECT_EQ(command.get_future().get(), "a1 LOGIN user pass");
    EXPECT_TRUE(client.close());
}

TEST_F(TlsEngineTest, ConnectedByNumberChecksTheAddress) {
    std::promise<std::string> sni;
    TestTlsServer server(ca.issue({"127.0.0.1"}), [&](TlsServerSession &s) {
        sni.set_value(s.server_name());
        s.read_to_end();
    });
    Client client(*context, server.port(), {"", kLoopback, {}});
    ASSERT_EQ(client.handshake(), TlsEngine::State::open) << client.tls.engine().failure();
    EXPECT_EQ(sni.get_future().get(), "");  // no SNI for an address (RFC 6066)
    client.close();
}

TEST_F(TlsEngineTest, WrongNameIsRefused) {
    TestTlsServer server(ca.issue({"other.test.example"}), [](TlsServerSession &) {});
    Client client(*context, server.port(), {"imap.test.example", kLoopback, {}});
    ASSERT_EQ(client.handshake(), TlsEngine::State::failed);
    EXPECT_NE(client.tls.engine().failure().find("hostname mismatch"), std::string::npos) << client.tls.engine().failure();
}

TEST_F(TlsEngineTest, ExpiredCertificateIsRefused) {
    TestTlsServer server(ca.issue({"imap.test.example"}, -std::chrono::hours(48), -std::chrono::hours(24)),
                         [](TlsServerSession &) {});
    Client client(*context, server.port(), {"imap.test.example", kLoopback, {}});
    ASSERT_EQ(client.handshake(), TlsEngine::State::failed);
    EXPECT_NE(client.tls.engine().failure().find("expired"), std::string::npos) << client.tls.engine().failure();
}

TEST_F(TlsEngineTest, SelfSignedIsRefusedUnlessPinned) {
    const auto credential = TestCertificateAuthority::self_signed({"box.test.example"});
    TestTlsServer server(credential, [](TlsServerSession &s) {
        s.write("+OK POP3 ready\r\n");
        s.read_to_end();
    });
    {
        Client client(*context, server.port(), {"box.test.example", kLoopback, {}});
        ASSERT_EQ(client.handshake(), TlsEngine::State::failed);
        EXPECT_NE(client.tls.engine().failure().find("self-signed"), std::string::npos) << client.tls.engine().failure();
    }
    {
        Fingerprint other = credential.sha256;
        other[0] ^= 1;
        Client client(*context, server.port(), {"box.test.example", kLoopback, other});
        ASSERT_EQ(client.handshake(), TlsEngine::State::failed);
        EXPECT_NE(client.tls.engine().failure().find("not the pinned certificate"), std::string::npos);
    }
    // The pin accepts exactly this certificate, whatever name the guest used.
    Client client(*context, server.port(), {"elsewhere.test.example", kLoopback, credential.sha256});
    ASSERT_EQ(client.handshake(), TlsEngine::State::open) << client.tls.engine().failure();
    EXPECT_TRUE(client.tls.engine().accepted_by_pin());
    EXPECT_EQ(client.receive_line(), "+OK POP3 ready\r\n");
    client.close();
}

TEST_F(TlsEngineTest, HostCaStoreDoesNotTrustTheTestCa) {
    std::string problem;
    auto host_store = TlsClientContext::create("", problem);
    ASSERT_NE(host_store, nullptr) << problem;
    TestTlsServer server(ca.issue({"imap.test.example"}), [](TlsServerSession &) {});
    Client client(*host_store, server.port(), {"imap.test.example", kLoopback, {}});
    ASSERT_EQ(client.handshake(), TlsEngine::State::failed);
    EXPECT_NE(client.tls.engine().failure().find("unable to get local issuer"), std::string::npos)
        << client.tls.engine().failure();
}

TEST(TlsClientContext, MissingCaFileIsReported) {
    std::string problem;
    EXPECT_EQ(TlsClientContext::create("/nonexistent/ca.pem", problem), nullptr);
    EXPECT_NE(problem.find("/nonexistent/ca.pem"), std::string::npos);
}

TEST_F(TlsEngineTest, LargeTransfersBothWaysByteForByte) {
    constexpr std::size_t kSize = 3 * 1024 * 1024 + 17;
    const auto upload = pattern(kSize, 7), download = pattern(kSize, 99);
    std::promise<bool> upload_ok;
    TestTlsServer server(ca.issue({"bulk.test.example"}), [&](TlsServerSession &s) {
        // Read everything first, then answer: the client's sends never depend on its reads.
        upload_ok.set_value(s.read_exact(kSize) == upload);
        s.write(download);
        s.close_notify();
    });
    Client client(*context, server.port(), {"bulk.test.example", kLoopback, {}});
    ASSERT_EQ(client.handshake(), TlsEngine::State::open);
    ASSERT_TRUE(client.send_all(upload));
    int ended = 1;
    EXPECT_TRUE(client.receive(kSize) == download);
    EXPECT_TRUE(client.receive(1, &ended).empty());
    EXPECT_EQ(ended, 0);  // the server's close_notify: a clean end of stream
    EXPECT_TRUE(upload_ok.get_future().get());
}

TEST_F(TlsEngineTest, GracefulCloseSendsCloseNotifyAndStillReads) {
    std::promise<TlsServerSession::End> end;
    TestTlsServer server(ca.issue({"imap.test.example"}), [&](TlsServerSession &s) {
        end.set_value(s.read_to_end());
        s.write("* BYE after your close\r\n");  // half-close: our direction is still open
        s.close_notify();
    });
    Client client(*context, server.port(), {"imap.test.example", kLoopback, {}});
    ASSERT_EQ(client.handshake(), TlsEngine::State::open);
    ASSERT_TRUE(client.close());
    EXPECT_EQ(end.get_future().get(), TlsServerSession::End::close_notify);
    EXPECT_EQ(client.receive_line(), "* BYE after your close\r\n");
    int ended = 1;
    EXPECT_TRUE(client.receive(1, &ended).empty());
    EXPECT_EQ(ended, 0);
}

TEST_F(TlsEngineTest, AbortSendsNoCloseNotify) {
    std::promise<TlsServerSession::End> end;
    TestTlsServer server(ca.issue({"imap.test.example"}), [&](TlsServerSession &s) { end.set_value(s.read_to_end()); });
    {
        Client client(*context, server.port(), {"imap.test.example", kLoopback, {}});
        ASSERT_EQ(client.handshake(), TlsEngine::State::open);
        ASSERT_TRUE(client.send_text("a1 NOOP\r\n"));
    }  // dropped without shutdown_write: what TCPAbort does
    EXPECT_NE(end.get_future().get(), TlsServerSession::End::close_notify);
}

TEST_F(TlsEngineTest, PeerCloseWithoutNotifyIsAnEndNotAnError) {
    TestTlsServer server(ca.issue({"news.test.example"}), [&](TlsServerSession &s) {
        s.write("200 news ready\r\n");
        s.close_without_notify();
    });
    Client client(*context, server.port(), {"news.test.example", kLoopback, {}});
    ASSERT_EQ(client.handshake(), TlsEngine::State::open);
    EXPECT_EQ(client.receive_line(), "200 news ready\r\n");
    int ended = 1;
    EXPECT_TRUE(client.receive(1, &ended).empty());
    EXPECT_EQ(ended, 0);
}

TEST_F(TlsEngineTest, PeerResetIsAnError) {
    std::promise<void> reset_done;
    TestTlsServer server(ca.issue({"news.test.example"}), [&](TlsServerSession &s) {
        s.write("200 news ready\r\n");
        s.read_line();
        s.reset();
        reset_done.set_value();
    });
    Client client(*context, server.port(), {"news.test.example", kLoopback, {}});
    ASSERT_EQ(client.handshake(), TlsEngine::State::open);
    EXPECT_EQ(client.receive_line(), "200 news ready\r\n");
    ASSERT_TRUE(client.send_text("QUIT\r\n"));
    reset_done.get_future().wait();
    int ended = 1;
    EXPECT_TRUE(client.receive(1, &ended).empty());
    EXPECT_EQ(ended, -1);
    EXPECT_EQ(errno, ECONNRESET);
}

}  // namespace
}  // namespace mtb::tls
