// SPDX-License-Identifier: GPL-2.0-or-later
#include "test_certificates.h"

#include <arpa/inet.h>
#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <cstdlib>
#include <stdexcept>

namespace mtb::test {

namespace {

using KeyPtr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using CertPtr = std::unique_ptr<X509, decltype(&X509_free)>;

KeyPtr make_key() {
    EVP_PKEY *key = EVP_EC_gen("P-256");
    if (key == nullptr) throw std::runtime_error("EC key generation failed");
    return {key, EVP_PKEY_free};
}

void add_extension(X509 *cert, X509 *issuer, int nid, const std::string &value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    X509_EXTENSION *ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
    if (ext == nullptr) throw std::runtime_error("bad extension " + value);
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
}

bool is_ip(const std::string &name) {
    unsigned char buf[16];
    return inet_pton(AF_INET, name.c_str(), buf) == 1 || inet_pton(AF_INET6, name.c_str(), buf) == 1;
}

std::string pem_of(X509 *cert) {
    BIO *bio = BIO_new(BIO_s_mem());
    PEM_write_bio_X509(bio, cert);
    char *data = nullptr;
    const long n = BIO_get_mem_data(bio, &data);
    std::string out(data, static_cast<std::size_t>(n));
    BIO_free(bio);
    return out;
}

std::string pem_of(EVP_PKEY *key) {
    BIO *bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
    char *data = nullptr;
    const long n = BIO_get_mem_data(bio, &data);
    std::string out(data, static_cast<std::size_t>(n));
    BIO_free(bio);
    return out;
}

// A certificate for `key`, signed by `issuer_key` (issuer = nullptr: self-signed).
CertPtr make_certificate(EVP_PKEY *key, const std::string &common_name, const std::vector<std::string> &names,
                         X509 *issuer, EVP_PKEY *issuer_key, bool ca, std::chrono::seconds not_before,
                         std::chrono::seconds not_after) {
    static long serial = 1;
    CertPtr cert(X509_new(), X509_free);
    X509_set_version(cert.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial++ + static_cast<long>(::getpid()) * 1000);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), static_cast<long>(not_before.count()));
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), static_cast<long>(not_after.count()));
    X509_set_pubkey(cert.get(), key);
    X509_NAME *subject = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(subject, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char *>("MacTCP Bridge tests"), -1, -1, 0);
    X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char *>(common_name.c_str()), -1, -1, 0);
    X509_set_issuer_name(cert.get(), issuer ? X509_get_subject_name(issuer) : subject);
    X509 *signer = issuer ? issuer : cert.get();
    if (ca) {
        add_extension(cert.get(), signer, NID_basic_constraints, "critical,CA:TRUE");
        add_extension(cert.get(), signer, NID_key_usage, "critical,keyCertSign,cRLSign");
    } else {
        add_extension(cert.get(), signer, NID_basic_constraints, "critical,CA:FALSE");
        add_extension(cert.get(), signer, NID_ext_key_usage, "serverAuth");
        std::string san;
        for (const std::string &name : names) san += (san.empty() ? "" : ",") + std::string(is_ip(name) ? "IP:" : "DNS:") + name;
        if (!san.empty()) add_extension(cert.get(), signer, NID_subject_alt_name, san);
    }
    add_extension(cert.get(), signer, NID_subject_key_identifier, "hash");
    if (X509_sign(cert.get(), issuer_key ? issuer_key : key, EVP_sha256()) == 0) throw std::runtime_error("X509_sign failed");
    return cert;
}

TestCredential credential_of(X509 *cert, EVP_PKEY *key) {
    TestCredential out;
    out.certificate_pem = pem_of(cert);
    out.key_pem = pem_of(key);
    unsigned int length = 0;
    X509_digest(cert, EVP_sha256(), out.sha256.data(), &length);
    return out;
}

}  // namespace

struct TestCertificateAuthority::Impl {
    KeyPtr key = make_key();
    CertPtr cert{nullptr, X509_free};
    std::string pem;
    std::string file;
};

TestCertificateAuthority::TestCertificateAuthority() : impl_(std::make_unique<Impl>()) {
    impl_->cert = make_certificate(impl_->key.get(), "MacTCP Bridge test CA", {}, nullptr, nullptr, true,
                                   -std::chrono::hours(1), std::chrono::hours(24));
    impl_->pem = pem_of(impl_->cert.get());
    char path[] = "/tmp/mtb-test-ca-XXXXXX";
    const int fd = ::mkstemp(path);
    if (fd < 0) throw std::runtime_error("mkstemp failed");
    if (::write(fd, impl_->pem.data(), impl_->pem.size()) != static_cast<ssize_t>(impl_->pem.size())) {
        ::close(fd);
        throw std::runtime_error("writing the CA file failed");
    }
    ::close(fd);
    impl_->file = path;
}

TestCertificateAuthority::~TestCertificateAuthority() { ::unlink(impl_->file.c_str()); }

const std::string &TestCertificateAuthority::certificate_pem() const { return impl_->pem; }
const std::string &TestCertificateAuthority::ca_file() const { return impl_->file; }

TestCredential TestCertificateAuthority::issue(const std::vector<std::string> &names, std::chrono::seconds not_before,
                                               std::chrono::seconds not_after) const {
    KeyPtr key = make_key();
    CertPtr cert = make_certificate(key.get(), names.empty() ? "server" : names.front(), names, impl_->cert.get(),
                                    impl_->key.get(), false, not_before, not_after);
    return credential_of(cert.get(), key.get());
}

TestCredential TestCertificateAuthority::self_signed(const std::vector<std::string> &names) {
    KeyPtr key = make_key();
    CertPtr cert = make_certificate(key.get(), names.empty() ? "server" : names.front(), names, nullptr, nullptr, false,
                                    -std::chrono::hours(1), std::chrono::hours(24));
    return credential_of(cert.get(), key.get());
}

}  // namespace mtb::test
