// A small authoritative DNS server for the tests, on 127.0.0.1 (UDP, an ephemeral port), so no
// test reaches an outside address. Point the bridge at it with the pref
// `ippdns 127.0.0.1:<port()>` (see pref()). Answers A, AAAA, PTR, CNAME (chains are followed),
// MX, HINFO; NXDOMAIN for unknown names; names can be made silent (never answered), SERVFAIL,
// truncated or malformed.
// Written independently of host-bridge's DNS code, so that it checks that code.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace mtb::test {

class TestDnsServer {
public:
    TestDnsServer();
    ~TestDnsServer();
    TestDnsServer(const TestDnsServer &) = delete;
    TestDnsServer &operator=(const TestDnsServer &) = delete;

    uint16_t port() const;
    std::string pref(int timeout_ms = 300, int tries = 2) const;  // value for the `ippdns` pref

    // Names are case-insensitive, given without the trailing dot. Thread-safe.
    void add_a(const std::string &name, uint32_t address, uint32_t ttl = 300);
    void add_cname(const std::string &alias, const std::string &target, uint32_t ttl = 300);
    // An IPv6 address, 16 bytes in network order. A name with only AAAA records answers A
    // queries with no records (NODATA), as real servers do.
    void add_aaaa(const std::string &name, const std::array<uint8_t, 16> &address, uint32_t ttl = 300);
    void add_ptr(uint32_t address, const std::string &name, uint32_t ttl = 300);
    void add_mx(const std::string &name, uint16_t preference, const std::string &exchange, uint32_t ttl = 300);
    void add_hinfo(const std::string &name, const std::string &cpu, const std::string &os, uint32_t ttl = 300);
    void add_silent(const std::string &name);    // queries are dropped: the client times out
    void add_servfail(const std::string &name);  // RCODE 2
    void add_truncated(const std::string &name);  // TC set, no answers (and no TCP to retry on)
    // Answers that lie about their contents: counts with no records behind them, a record
    // running past the end, a compression pointer to itself.
    void add_malformed(const std::string &name);
    void set_delay(std::chrono::milliseconds delay);  // before every answer
    // Holds every answer until `count` queries have arrived (then sends them all, and answers
    // later queries as usual): a client that asks one question at a time never gets there.
    void hold_answers_until(int count);

    int queries() const;                           // every query received
    int queries_for(const std::string &name) const;
    // Distinct questions about `name`: a client's retransmission of a question it got no answer
    // to in time (same ID and type; the resolver retries after its timeout, which a loaded
    // machine can pass) counts once.
    int questions_for(const std::string &name) const;
    int most_unanswered() const;  // the most queries received and not yet answered at one time

    // A zone most tests share: www.test.example (2 A), alias.test.example -> www, a 6-address
    // host, MX and HINFO records, PTR for 10.1.2.3, nx.test.example absent, slow.test.example
    // silent, v6only.test.example with only an AAAA record (::1) and v6pair.test.example with
    // two (::1, ::2). Defined in test_dns_server.cpp; the tests name the same records.
    void add_standard_zone();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace mtb::test
