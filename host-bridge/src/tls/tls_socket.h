// A TLS client connection on a connected TCP socket (any CiphertextTransport), offering what a
// plain socket offers the TCP service: recv/send of plaintext with the same results (bytes, 0 at the
// end of the stream, -1 with EAGAIN / ECONNRESET / EPROTO), a half-close (close_notify, then
// FIN), and which readiness of the underlying socket it is waiting for. Ciphertext moves
// between the socket and the engine only inside these calls, never more than the engine's
// buffers hold, so the guest's receive buffer stays the window as for a plain connection.
// Any thread, one at a time (the emulation thread once the connection is the guest's).
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <memory>

#include "tls/ciphertext_transport.h"
#include "tls/tls_engine.h"

namespace mtb::tls {

class TlsSocket {
public:
    TlsSocket(std::unique_ptr<CiphertextTransport> transport, std::unique_ptr<TlsEngine> engine);

    // Runs the handshake as far as the socket allows without blocking.
    TlsEngine::State handshake();
    const TlsEngine &engine() const { return *engine_; }

    // Like ::recv / ::send with MSG_DONTWAIT; errno set on -1.
    ssize_t recv(void *buffer, std::size_t length);
    ssize_t send(const void *buffer, std::size_t length);
    // The guest's TCPClose: close_notify, then shutdown(SHUT_WR) once it has left. Returns
    // -1/EAGAIN while the alert is still queued (call again when writable).
    int shutdown_write();

    // Moves queued ciphertext to the socket as far as it takes it (when it became writable);
    // false on a socket error (errno set).
    bool flush_pending() { return flush(); }

    // What to wait for on the underlying socket before calling again.
    bool wants_readable() const { return want_read_; }
    bool wants_writable() const { return engine_->network_pending() > 0 || fin_owed_; }
    // Plaintext that recv() returns without waiting (TCPStatus amtUnreadData).
    std::size_t readable_now() const { return engine_->plaintext_buffered(); }
    // Anything recv() might turn into plaintext without the socket: decrypted bytes, or
    // ciphertext already taken from the socket and not yet decrypted.
    bool has_input() const { return engine_->input_buffered(); }
    // Ciphertext accepted from send() and not yet on the socket (TCPStatus amtUnackedData).
    std::size_t unsent() const { return engine_->network_pending(); }

private:
    bool flush();        // engine -> socket; false on a socket error (errno set)
    int fill();          // socket -> engine: 1 bytes came, 0 would block, -1 error (errno set)

    std::unique_ptr<CiphertextTransport> transport_;
    std::unique_ptr<TlsEngine> engine_;
    bool want_read_ = false;
    bool fin_owed_ = false;
    bool fin_sent_ = false;
};

}  // namespace mtb::tls
