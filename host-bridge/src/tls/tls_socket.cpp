// SPDX-License-Identifier: GPL-2.0-or-later
#include "tls/tls_socket.h"

#include <cerrno>

namespace mtb::tls {

TlsSocket::TlsSocket(std::unique_ptr<CiphertextTransport> transport, std::unique_ptr<TlsEngine> engine)
    : transport_(std::move(transport)), engine_(std::move(engine)) {}

bool TlsSocket::flush() {
    for (;;) {
        const std::span<const uint8_t> out = engine_->peek_network();
        if (out.empty()) break;
        const ssize_t sent = transport_->send(out);
        if (sent > 0) {
            engine_->consume_network(static_cast<std::size_t>(sent));
            continue;
        }
        if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;  // wants_writable()
        return false;
    }
    if (fin_owed_ && !fin_sent_) {
        if (transport_->shutdown_send() != 0) return false;
        fin_sent_ = true;
        fin_owed_ = false;
    }
    return true;
}

int TlsSocket::fill() {
    // Straight into the engine's buffer: never more than it has room for (the window).
    const std::span<uint8_t> space = engine_->network_input_space();
    if (space.empty()) return 0;
    const ssize_t got = transport_->receive(space);
    if (got > 0) {
        engine_->commit_network_input(static_cast<std::size_t>(got));
        return 1;
    }
    if (got == 0) {
        engine_->network_ended();
        return 1;  // news for the engine: it reads end of stream now
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK) return 0;
    return -1;
}

TlsEngine::State TlsSocket::handshake() {
    for (;;) {
        const TlsEngine::State state = engine_->handshake();
        if (!flush()) return TlsEngine::State::failed;
        want_read_ = false;
        if (state != TlsEngine::State::handshaking) return state;
        const int filled = fill();
        if (filled < 0) return TlsEngine::State::failed;
        if (filled == 0) {
            want_read_ = true;
            return state;
        }
    }
}

ssize_t TlsSocket::recv(void *buffer, std::size_t length) {
    for (;;) {
        const auto result = engine_->read(std::span(static_cast<uint8_t *>(buffer), length));
        const bool flushed = flush();  // a read may owe the peer bytes (key update, alerts)
        want_read_ = false;
        switch (result.io) {
        case TlsEngine::Io::done: return static_cast<ssize_t>(result.bytes);
        case TlsEngine::Io::closed:
        case TlsEngine::Io::truncated: return 0;
        case TlsEngine::Io::failed: errno = EPROTO; return -1;
        case TlsEngine::Io::want_network: break;
        }
        if (!flushed) return -1;
        const int filled = fill();
        if (filled < 0) return -1;
        if (filled == 0) {
            want_read_ = true;
            errno = EAGAIN;
            return -1;
        }
    }
}

ssize_t TlsSocket::send(const void *buffer, std::size_t length) {
    if (!flush()) return -1;
    const auto result = engine_->write(std::span(static_cast<const uint8_t *>(buffer), length));
    if (!flush()) return -1;
    switch (result.io) {
    case TlsEngine::Io::done: return static_cast<ssize_t>(result.bytes);
    case TlsEngine::Io::want_network: errno = EAGAIN; return -1;
    case TlsEngine::Io::closed: errno = EPIPE; return -1;
    case TlsEngine::Io::truncated:
    case TlsEngine::Io::failed: errno = EPROTO; return -1;
    }
    return -1;
}

int TlsSocket::shutdown_write() {
    if (!engine_->close_notify_queued()) {
        if (!flush()) return -1;
        if (!engine_->close_notify()) {
            errno = EAGAIN;
            return -1;
        }
        fin_owed_ = !fin_sent_;
    }
    if (!flush()) return -1;
    if (fin_owed_) {
        errno = EAGAIN;
        return -1;
    }
    return 0;
}

}  // namespace mtb::tls
