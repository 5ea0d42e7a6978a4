// SPDX-License-Identifier: GPL-2.0-or-later
#include "tls/tls_client_context.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

namespace mtb::tls {

std::string openssl_error_text() {
    const unsigned long code = ERR_get_error();
    ERR_clear_error();
    if (code == 0) return {};
    char text[256];
    ERR_error_string_n(code, text, sizeof text);
    return text;
}

std::unique_ptr<TlsClientContext> TlsClientContext::create(const std::string &ca_file, std::string &problem) {
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    if (ctx == nullptr) {
        problem = "OpenSSL client context: " + openssl_error_text();
        return nullptr;
    }
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    // Partial writes: a guest send is taken as far as the engine's buffer has room, like a
    // socket's send queue; the rest stays with the guest's request.
    SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    const int loaded = ca_file.empty() ? SSL_CTX_set_default_verify_paths(ctx)
                                       : SSL_CTX_load_verify_locations(ctx, ca_file.c_str(), nullptr);
    if (loaded != 1) {
        problem = (ca_file.empty() ? std::string("the host's CA store") : "CA file '" + ca_file + "'") +
                  " could not be loaded: " + openssl_error_text();
        SSL_CTX_free(ctx);
        return nullptr;
    }
    return std::unique_ptr<TlsClientContext>(new TlsClientContext(ctx));
}

TlsClientContext::~TlsClientContext() { SSL_CTX_free(ctx_); }

}  // namespace mtb::tls
