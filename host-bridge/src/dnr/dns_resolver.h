// Asynchronous DNS through c-ares, on the DNS thread of LiveHostIo (net/live_host_io.cpp):
// many lookups in flight, record-type queries (HINFO, MX), the host's resolver configuration
// unless the `ippdns` pref names servers. Nothing here touches guest memory.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/io_context.hpp>

#include "dnr/dns_answer.h"

namespace mtb::dnr {

struct ResolverOptions {
    // "127.0.0.1:5353" or "a,b:port,..." (c-ares CSV); empty: /etc/resolv.conf. With explicit
    // servers the hosts file of the host is not consulted either, so tests are hermetic.
    std::string servers;
    int timeout_ms = 4000;  // per try
    int tries = 3;
};

// Parses the `ippdns` pref: "HOST:PORT[,HOST:PORT...]" / "HOST[,...]", optionally followed by
// " timeout=MS tries=N". Nullopt (and a reason) when malformed.
std::optional<ResolverOptions> parse_dns_pref(const std::string &pref, std::string *problem);

class DnsResolver {
public:
    // Called on the DNS thread, exactly once per start() unless the resolver is destroyed.
    using Done = std::function<void(uint64_t id, DnsAnswer answer)>;

    DnsResolver(boost::asio::io_context &io, ResolverOptions options, Done done);
    ~DnsResolver();  // only once the DNS thread has stopped
    DnsResolver(const DnsResolver &) = delete;
    DnsResolver &operator=(const DnsResolver &) = delete;

    // False (and the reason in log_line) when c-ares could not set up a channel: every lookup
    // then answers noNameServer.
    bool usable() const;
    const std::string &setup_problem() const;

    // Any thread: start a lookup of `name` (address, hinfo, mx) or of `address` (name).
    void start(uint64_t id, QueryKind kind, std::string name, uint32_t address);
    // Any thread: abandon every lookup in flight (their Done calls are suppressed).
    void cancel_all();

private:
    struct Impl;
    std::shared_ptr<Impl> impl_;
};

// c-ares status -> DNR result code (mactcp-reference section 6).
int16_t dnr_status_from_ares(int status);

}  // namespace mtb::dnr
