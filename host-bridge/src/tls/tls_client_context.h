// The OpenSSL client configuration every TLS-wrapped connection shares: TLS 1.2 or newer,
// peer verification on, trust anchors from the host's CA store or the `ipptlsca` file.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <memory>
#include <string>

typedef struct ssl_ctx_st SSL_CTX;

namespace mtb::tls {

class TlsClientContext {
public:
    // `ca_file` empty: OpenSSL's default verify paths (Debian: /etc/ssl/certs, the host's CA
    // store). Otherwise a PEM file of trusted certificates (a private CA, the tests' CA).
    // Nullptr and a reason in `problem` when OpenSSL cannot set it up.
    static std::unique_ptr<TlsClientContext> create(const std::string &ca_file, std::string &problem);
    ~TlsClientContext();
    TlsClientContext(const TlsClientContext &) = delete;
    TlsClientContext &operator=(const TlsClientContext &) = delete;

    SSL_CTX *get() const { return ctx_; }

private:
    explicit TlsClientContext(SSL_CTX *ctx) : ctx_(ctx) {}
    SSL_CTX *ctx_;
};

// The oldest queued OpenSSL error as text ("" if none), clearing the queue.
std::string openssl_error_text();

}  // namespace mtb::tls
