// Certificates for the TLS tests, made at test time through the OpenSSL API: a test CA, server
// certificates it signs (valid, for another name, expired) and a self-signed one. Nothing is
// committed, so no key in the repository expires or leaks. EC P-256 keys: fast to make.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace mtb::test {

struct TestCredential {
    std::string certificate_pem;
    std::string key_pem;
    std::array<uint8_t, 32> sha256{};  // of the certificate's DER encoding
};

class TestCertificateAuthority {
public:
    TestCertificateAuthority();  // a fresh CA, valid from an hour ago for a day
    ~TestCertificateAuthority();
    TestCertificateAuthority(const TestCertificateAuthority &) = delete;
    TestCertificateAuthority &operator=(const TestCertificateAuthority &) = delete;

    const std::string &certificate_pem() const;
    // The CA certificate in a temporary PEM file (for the `ipptlsca` pref); removed with *this.
    const std::string &ca_file() const;

    // A server certificate for DNS names and IP addresses ("127.0.0.1", "::1") valid from
    // `not_before` to `not_after` relative to now.
    TestCredential issue(const std::vector<std::string> &names,
                         std::chrono::seconds not_before = -std::chrono::hours(1),
                         std::chrono::seconds not_after = std::chrono::hours(24)) const;
    // Not signed by this CA (or any).
    static TestCredential self_signed(const std::vector<std::string> &names);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace mtb::test
