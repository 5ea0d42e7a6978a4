// SPDX-License-Identifier: GPL-2.0-or-later
#include "test_tls_server.h"

#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <csignal>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace mtb::test {

namespace {
constexpr int kSocketTimeoutSeconds = 10;

void set_timeouts(int fd) {
    timeval tv{kSocketTimeoutSeconds, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}
}  // namespace

bool TlsServerSession::write(std::string_view text) {
    return write(std::span(reinterpret_cast<const uint8_t *>(text.data()), text.size()));
}

bool TlsServerSession::write(std::span<const uint8_t> bytes) {
    while (!bytes.empty()) {
        std::size_t put = 0;
        if (SSL_write_ex(ssl_, bytes.data(), bytes.size(), &put) != 1) return false;
        bytes = bytes.subspan(put);
    }
    return true;
}

std::optional<std::string> TlsServerSession::read_line() {
    for (;;) {
        if (const auto end = pending_.find("\r\n"); end != std::string::npos) {
            std::string line = pending_.substr(0, end);
            pending_.erase(0, end + 2);
            return line;
        }
        char buffer[4096];
        std::size_t got = 0;
        if (SSL_read_ex(ssl_, buffer, sizeof buffer, &got) != 1) return std::nullopt;
        pending_.append(buffer, got);
    }
}

std::vector<uint8_t> TlsServerSession::read_exact(std::size_t length) {
    std::vector<uint8_t> out(pending_.begin(), pending_.begin() + static_cast<long>(std::min(length, pending_.size())));
    pending_.erase(0, out.size());
    while (out.size() < length) {
        uint8_t buffer[16384];
        std::size_t got = 0;
        if (SSL_read_ex(ssl_, buffer, std::min(sizeof buffer, length - out.size()), &got) != 1) break;
        out.insert(out.end(), buffer, buffer + got);
    }
    return out;
}

TlsServerSession::End TlsServerSession::read_to_end(std::size_t *discarded) {
    std::size_t total = pending_.size();
    pending_.clear();
    for (;;) {
        uint8_t buffer[16384];
        std::size_t got = 0;
        ERR_clear_error();
        const int ret = SSL_read_ex(ssl_, buffer, sizeof buffer, &got);
        if (ret == 1) {
            total += got;
            continue;
        }
        if (discarded) *discarded = total;
        const int error = SSL_get_error(ssl_, ret);
        if (error == SSL_ERROR_ZERO_RETURN) return End::close_notify;
        const unsigned long code = ERR_peek_error();
        ERR_clear_error();
        // OpenSSL 3: an end of stream without close_notify is SSL_R_UNEXPECTED_EOF_WHILE_READING.
        if ((error == SSL_ERROR_SSL && ERR_GET_REASON(code) == SSL_R_UNEXPECTED_EOF_WHILE_READING) ||
            (error == SSL_ERROR_SYSCALL && code == 0 && errno == 0))
            return End::no_close_notify;
        return End::error;
    }
}

void TlsServerSession::close_notify() {
    SSL_shutdown(ssl_);
    ::shutdown(fd_, SHUT_WR);
}

void TlsServerSession::close_without_notify() { ::shutdown(fd_, SHUT_WR); }

void TlsServerSession::reset() {
    // Only a close with a zero linger sends RST (a shutdown would send FIN first).
    linger l{1, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    ::close(fd_);
    fd_ = -1;
}

struct TestTlsServer::Impl {
    SSL_CTX *ctx = nullptr;
    int listener = -1;
    uint16_t port = 0;
    Handler handler;
    std::thread acceptor;
    std::mutex mutex;
    mutable std::condition_variable finished_changed;
    std::vector<std::thread> sessions;
    std::atomic<bool> stopping{false};
    int failed = 0;
    int finished = 0;

    static int on_server_name(SSL *ssl, int *, void *) {
        auto *session = static_cast<TlsServerSession *>(SSL_get_app_data(ssl));
        const char *name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
        if (session && name) session->sni_ = name;
        return SSL_TLSEXT_ERR_OK;
    }

    void serve(int fd) {
        set_timeouts(fd);
        SSL *ssl = SSL_new(ctx);
        SSL_set_fd(ssl, fd);
        TlsServerSession session(ssl, fd);
        SSL_set_app_data(ssl, &session);
        const bool ok = SSL_accept(ssl) == 1;
        ERR_clear_error();
        if (ok) handler(session);
        SSL_free(ssl);
        if (session.fd() >= 0) ::close(session.fd());
        std::lock_guard lock(mutex);
        if (!ok) ++failed;
        ++finished;
        finished_changed.notify_all();
    }

    void accept_loop() {
        for (;;) {
            const int fd = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
            if (fd < 0) {
                if (stopping || (errno != EINTR && errno != ECONNABORTED)) return;
                continue;
            }
            std::lock_guard lock(mutex);
            sessions.emplace_back([this, fd] { serve(fd); });
        }
    }
};

TestTlsServer::TestTlsServer(const TestCredential &credential, Handler handler, bool ipv6)
    : impl_(std::make_unique<Impl>()) {
    // OpenSSL writes with plain send(): a client that went away (an abort test) must not
    // kill the test process with SIGPIPE.
    std::signal(SIGPIPE, SIG_IGN);
    impl_->handler = std::move(handler);
    impl_->ctx = SSL_CTX_new(TLS_server_method());
    BIO *cert_bio = BIO_new_mem_buf(credential.certificate_pem.data(), static_cast<int>(credential.certificate_pem.size()));
    BIO *key_bio = BIO_new_mem_buf(credential.key_pem.data(), static_cast<int>(credential.key_pem.size()));
    X509 *cert = PEM_read_bio_X509(cert_bio, nullptr, nullptr, nullptr);
    EVP_PKEY *key = PEM_read_bio_PrivateKey(key_bio, nullptr, nullptr, nullptr);
    BIO_free(cert_bio);
    BIO_free(key_bio);
    if (!cert || !key || SSL_CTX_use_certificate(impl_->ctx, cert) != 1 || SSL_CTX_use_PrivateKey(impl_->ctx, key) != 1)
        throw std::runtime_error("test TLS server: bad credential");
    X509_free(cert);
    EVP_PKEY_free(key);
    SSL_CTX_set_tlsext_servername_callback(impl_->ctx, &Impl::on_server_name);

    impl_->listener = ::socket(ipv6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_storage address{};
    socklen_t length = 0;
    if (ipv6) {
        auto *sin6 = reinterpret_cast<sockaddr_in6 *>(&address);
        sin6->sin6_family = AF_INET6;
        sin6->sin6_addr = in6addr_loopback;
        length = sizeof *sin6;
    } else {
        auto *sin = reinterpret_cast<sockaddr_in *>(&address);
        sin->sin_family = AF_INET;
        sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        length = sizeof *sin;
    }
    if (impl_->listener < 0 || ::bind(impl_->listener, reinterpret_cast<sockaddr *>(&address), length) != 0 ||
        ::listen(impl_->listener, 16) != 0)
        throw std::runtime_error("test TLS server: cannot listen on loopback");
    length = sizeof address;
    ::getsockname(impl_->listener, reinterpret_cast<sockaddr *>(&address), &length);
    impl_->port = ntohs(ipv6 ? reinterpret_cast<sockaddr_in6 *>(&address)->sin6_port
                             : reinterpret_cast<sockaddr_in *>(&address)->sin_port);
    impl_->acceptor = std::thread([this] { impl_->accept_loop(); });
}

TestTlsServer::~TestTlsServer() {
    impl_->stopping = true;
    ::shutdown(impl_->listener, SHUT_RDWR);  // wakes accept()
    impl_->acceptor.join();
    ::close(impl_->listener);
    std::vector<std::thread> sessions;
    {
        std::lock_guard lock(impl_->mutex);
        sessions.swap(impl_->sessions);
    }
    for (std::thread &t : sessions) t.join();
    SSL_CTX_free(impl_->ctx);
}

uint16_t TestTlsServer::port() const { return impl_->port; }

int TestTlsServer::handshakes_failed() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->failed;
}

bool TestTlsServer::wait_for_sessions(int count) const {
    std::unique_lock lock(impl_->mutex);
    return impl_->finished_changed.wait_for(lock, std::chrono::seconds(20), [&] { return impl_->finished >= count; });
}

}  // namespace mtb::test
