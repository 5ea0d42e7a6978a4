// SPDX-License-Identifier: GPL-2.0-or-later
#include "tls/tls_engine.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cstring>

#include "tcp/listen_config.h"
#include "tls/tls_client_context.h"

namespace mtb::tls {

namespace {
// Each direction of the pair holds one full TLS record (16 KiB + overhead) and a little more:
// the engine never holds more than this of either direction, whatever the guest does.
constexpr std::size_t kPairBuffer = 20 * 1024;
}  // namespace

TlsEngine::TlsEngine(const TlsClientContext &context, const TlsPeer &peer) : pin_(peer.pin) {
    ssl_ = SSL_new(context.get());
    BIO *internal = nullptr;
    if (ssl_ == nullptr || BIO_new_bio_pair(&internal, kPairBuffer, &network_, kPairBuffer) != 1) {
        state_ = State::failed;
        failure_ = "OpenSSL: " + openssl_error_text();
        return;
    }
    SSL_set_bio(ssl_, internal, internal);
    SSL_set_connect_state(ssl_);
    SSL_set_app_data(ssl_, this);
    SSL_set_verify(ssl_, SSL_VERIFY_PEER, &TlsEngine::verify_callback);
    bool named = false;
    if (!peer.host_name.empty()) {
        named = SSL_set_tlsext_host_name(ssl_, peer.host_name.c_str()) == 1 && SSL_set1_host(ssl_, peer.host_name.c_str()) == 1;
    } else {
        named = X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl_), format_ipv4(peer.address).c_str()) == 1;
    }
    if (!named) {
        state_ = State::failed;
        failure_ = "cannot check the server's name '" + (peer.host_name.empty() ? format_ipv4(peer.address) : peer.host_name) + "'";
    }
}

TlsEngine::~TlsEngine() {
    if (ssl_ != nullptr) SSL_free(ssl_);  // frees the internal BIO
    if (network_ != nullptr) BIO_free(network_);
}

// Runs inside SSL_do_handshake for every certificate of the chain.
int TlsEngine::verify_callback(int preverified, X509_STORE_CTX *store) {
    if (preverified == 1) return 1;
    auto *ssl = static_cast<SSL *>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
    auto *self = ssl == nullptr ? nullptr : static_cast<TlsEngine *>(SSL_get_app_data(ssl));
    if (self == nullptr) return 0;
    if (self->pin_) {
        unsigned char digest[EVP_MAX_MD_SIZE];
        unsigned int length = 0;
        X509 *leaf = X509_STORE_CTX_get0_cert(store);
        if (leaf != nullptr && X509_digest(leaf, EVP_sha256(), digest, &length) == 1 && length == self->pin_->size() &&
            std::memcmp(digest, self->pin_->data(), length) == 0) {
            self->accepted_by_pin_ = true;
            return 1;
        }
    }
    if (self->verify_problem_.empty()) {
        const int error = X509_STORE_CTX_get_error(store);
        self->verify_problem_ = std::string("certificate not accepted: ") + X509_verify_cert_error_string(error);
        if (self->pin_) self->verify_problem_ += " (and it is not the pinned certificate)";
    }
    return 0;
}

TlsEngine::State TlsEngine::handshake() {
    if (state_ != State::handshaking) return state_;
    ERR_clear_error();
    const int ret = SSL_do_handshake(ssl_);
    if (ret == 1) {
        state_ = State::open;
        return state_;
    }
    const int error = SSL_get_error(ssl_, ret);
    if ((error == SSL_ERROR_WANT_READ && !network_ended_) || error == SSL_ERROR_WANT_WRITE) return state_;
    state_ = State::failed;
    if (!verify_problem_.empty()) {
        failure_ = verify_problem_;
    } else {
        const std::string text = openssl_error_text();
        failure_ = network_ended_ && text.empty() ? "the server closed the connection during the TLS handshake"
                   : text.empty()                 ? "TLS handshake failed"
                                                  : "TLS handshake failed: " + text;
    }
    return state_;
}

std::span<uint8_t> TlsEngine::network_input_space() {
    if (network_ended_) return {};
    char *space = nullptr;
    const int n = BIO_nwrite0(network_, &space);
    if (n <= 0 || space == nullptr) return {};
    return {reinterpret_cast<uint8_t *>(space), static_cast<std::size_t>(n)};
}

void TlsEngine::commit_network_input(std::size_t bytes) {
    char *ignored = nullptr;
    if (bytes > 0) BIO_nwrite(network_, &ignored, static_cast<int>(std::min<std::size_t>(bytes, INT32_MAX)));
}

void TlsEngine::network_ended() {
    if (network_ended_) return;
    network_ended_ = true;
    BIO_shutdown_wr(network_);  // the SSL side reads end of stream once the bytes are used up
}

std::size_t TlsEngine::network_pending() const { return BIO_ctrl_pending(network_); }

std::span<const uint8_t> TlsEngine::peek_network() {
    char *data = nullptr;
    const int n = BIO_nread0(network_, &data);
    if (n <= 0 || data == nullptr) return {};
    return {reinterpret_cast<const uint8_t *>(data), static_cast<std::size_t>(n)};
}

void TlsEngine::consume_network(std::size_t bytes) {
    char *ignored = nullptr;
    while (bytes > 0) {
        const int n = BIO_nread(network_, &ignored, static_cast<int>(std::min<std::size_t>(bytes, INT32_MAX)));
        if (n <= 0) return;
        bytes -= static_cast<std::size_t>(n);
    }
}

TlsEngine::Result TlsEngine::classify(int ret, const char *what) {
    switch (SSL_get_error(ssl_, ret)) {
    case SSL_ERROR_WANT_READ:
        if (!network_ended_) return {Io::want_network};
        return {Io::truncated};
    case SSL_ERROR_WANT_WRITE: return {Io::want_network};
    case SSL_ERROR_ZERO_RETURN: return {Io::closed};
    default: break;
    }
    const std::string text = openssl_error_text();
    // OpenSSL 3 reports a TCP end without close_notify as an SSL error ("unexpected eof").
    if (network_ended_ && (text.empty() || text.find("unexpected eof") != std::string::npos)) return {Io::truncated};
    failure_ = std::string("TLS ") + what + " failed" + (text.empty() ? "" : ": " + text);
    return {Io::failed};
}

TlsEngine::Result TlsEngine::read(std::span<uint8_t> out) {
    if (state_ != State::open) return {state_ == State::failed ? Io::failed : Io::want_network};
    if (out.empty()) return {Io::done, 0};
    ERR_clear_error();
    std::size_t got = 0;
    const int ret = SSL_read_ex(ssl_, out.data(), out.size(), &got);
    if (ret == 1) return {Io::done, got};
    return classify(ret, "read");
}

TlsEngine::Result TlsEngine::write(std::span<const uint8_t> in) {
    if (state_ != State::open) return {state_ == State::failed ? Io::failed : Io::want_network};
    if (shutdown_sent_) return {Io::closed};
    if (in.empty()) return {Io::done, 0};
    ERR_clear_error();
    std::size_t put = 0;
    const int ret = SSL_write_ex(ssl_, in.data(), in.size(), &put);
    if (ret == 1) return {Io::done, put};
    return classify(ret, "write");
}

std::size_t TlsEngine::plaintext_buffered() const {
    return state_ == State::open ? static_cast<std::size_t>(SSL_pending(ssl_)) : 0;
}

bool TlsEngine::input_buffered() const {
    if (state_ != State::open) return false;
    return SSL_has_pending(ssl_) == 1 || BIO_ctrl_pending(SSL_get_rbio(ssl_)) > 0;
}

bool TlsEngine::close_notify() {
    if (shutdown_sent_) return true;
    if (state_ != State::open) return false;
    ERR_clear_error();
    const int ret = SSL_shutdown(ssl_);  // 0: ours sent, theirs not yet; 1: both
    if (ret >= 0) shutdown_sent_ = true;
    else ERR_clear_error();  // the pair is full: the caller flushes and asks again
    return shutdown_sent_;
}

}  // namespace mtb::tls
