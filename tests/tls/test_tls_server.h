// A TLS server for the tests on loopback (127.0.0.1 or ::1, an ephemeral port), written with
// OpenSSL's blocking API independently of host-bridge's TLS code, so that it checks that code.
// Each connection runs `handler` on its own thread once the handshake succeeded; every socket
// has send/receive timeouts, so nothing outlives a broken test by more than a few seconds.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "test_certificates.h"

typedef struct ssl_st SSL;

namespace mtb::test {

class TlsServerSession {
public:
    TlsServerSession(SSL *ssl, int fd) : ssl_(ssl), fd_(fd) {}
    const std::string &server_name() const { return sni_; }  // SNI the client sent ("" if none)

    bool write(std::string_view text);
    bool write(std::span<const uint8_t> bytes);
    // A line ending in "\r\n" (without it); nullopt at the end of the stream or on error.
    std::optional<std::string> read_line();
    // Exactly `length` bytes, or fewer if the stream ends first.
    std::vector<uint8_t> read_exact(std::size_t length);

    enum class End { close_notify, no_close_notify, error };
    // Reads (and discards) until the client's side ends; says how it ended.
    End read_to_end(std::size_t *discarded = nullptr);

    void close_notify();  // our close_notify, then FIN
    void close_without_notify();  // FIN only (a truncation, as TLS sees it)
    void reset();         // RST, no alert
    int fd() const { return fd_; }

    std::string sni_;

private:
    SSL *ssl_;
    int fd_;
    std::string pending_;  // read past a line end
};

class TestTlsServer {
public:
    using Handler = std::function<void(TlsServerSession &)>;
    TestTlsServer(const TestCredential &credential, Handler handler, bool ipv6 = false);
    ~TestTlsServer();
    TestTlsServer(const TestTlsServer &) = delete;
    TestTlsServer &operator=(const TestTlsServer &) = delete;

    uint16_t port() const;
    int handshakes_failed() const;  // e.g. the client refused the certificate
    // Waits (at most 20 s) until `count` connections have ended; false if they did not.
    bool wait_for_sessions(int count) const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace mtb::test
