// One TLS client connection as a pure state machine over a BIO pair: ciphertext in and out on
// one side, plaintext on the other. It never touches a socket, so the bridge keeps its one data
// path (the `net/` layer's sockets, readiness and traces) and only asks this engine to turn
// bytes into bytes. That is why it is OpenSSL with a BIO pair and not Boost.Asio's ssl::stream,
// which wants to own the socket and its asynchronous reads and writes.
//
// Verification: the server's chain against the client context's trust anchors, then the name
// the guest looked up (SNI is set from it), or the address when the guest connected by number.
// A rule's pinned fingerprint makes exactly that certificate acceptable whatever else is wrong.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "tls/tls_rules.h"

typedef struct ssl_st SSL;
typedef struct bio_st BIO;
typedef struct x509_store_ctx_st X509_STORE_CTX;

namespace mtb::tls {

class TlsClientContext;

struct TlsPeer {
    std::string host_name;  // as looked up through the DNR; empty when connected by number
    uint32_t address = 0;   // IPv4, host byte order (checked when host_name is empty)
    std::optional<Fingerprint> pin;
};

class TlsEngine {
public:
    enum class State { handshaking, open, failed };
    // What a plaintext read or write came to.
    enum class Io {
        done,          // `bytes` moved (> 0)
        want_network,  // needs ciphertext from the peer (read) or room to send (write)
        closed,        // read: the peer sent close_notify; write: we already closed
        truncated,     // read: the peer's TCP stream ended without close_notify
        failed,        // a protocol error (failure() says which)
    };
    struct Result {
        Io io;
        std::size_t bytes = 0;
    };

    TlsEngine(const TlsClientContext &context, const TlsPeer &peer);
    ~TlsEngine();
    TlsEngine(const TlsEngine &) = delete;
    TlsEngine &operator=(const TlsEngine &) = delete;

    // --- handshake ---------------------------------------------------------------------
    // Advances the handshake with whatever ciphertext has arrived. failed: failure() names
    // the reason (certificate problems first).
    State handshake();
    State state() const { return state_; }
    const std::string &failure() const { return failure_; }
    bool accepted_by_pin() const { return accepted_by_pin_; }

    // --- network side (ciphertext) --------------------------------------------------------
    // Ciphertext from the socket, zero-copy: the room to receive into (empty when the engine
    // holds all it may), then how many bytes arrived there.
    std::span<uint8_t> network_input_space();
    void commit_network_input(std::size_t bytes);
    void network_ended();                                   // the socket read end of stream
    std::size_t network_pending() const;                    // bytes waiting to be sent
    // The next contiguous bytes to send, left in place until consume_network() says how many
    // the socket took (a short send keeps the rest).
    std::span<const uint8_t> peek_network();
    void consume_network(std::size_t bytes);

    // --- application side (plaintext) ------------------------------------------------------
    Result read(std::span<uint8_t> out);
    Result write(std::span<const uint8_t> in);
    std::size_t plaintext_buffered() const;  // decrypted and not yet read
    // Decrypted bytes, or ciphertext received and not yet decrypted (read() may give plaintext).
    bool input_buffered() const;
    // Our close_notify (the guest's TCPClose): queued for the network; reads go on until the
    // peer's. True once it is queued. An abort simply drops the engine: no close_notify.
    bool close_notify();
    bool close_notify_queued() const { return shutdown_sent_; }

private:
    static int verify_callback(int preverified, X509_STORE_CTX *store);
    Result classify(int ret, const char *what);

    SSL *ssl_ = nullptr;
    BIO *network_ = nullptr;  // our end of the pair
    State state_ = State::handshaking;
    std::optional<Fingerprint> pin_;
    std::string failure_;
    std::string verify_problem_;
    bool accepted_by_pin_ = false;
    bool network_ended_ = false;
    bool shutdown_sent_ = false;
};

}  // namespace mtb::tls
