// SPDX-License-Identifier: GPL-2.0-or-later
#include "dnr/dns_resolver.h"

#include <ares.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <map>
#include <sstream>

#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "dnr/dnr_layout.h"
#include "dnr/dnr_text.h"
#include "dnr/dns_message.h"

namespace mtb::dnr {

namespace asio = boost::asio;

int16_t dnr_status_from_ares(int status) {
    switch (status) {
    case ARES_SUCCESS: return err::noErr;
    case ARES_ENOTFOUND:
    case ARES_ENODATA:      // the name exists without a record of that type
    case ARES_ENONAME: return err::authNameErr;
    case ARES_EBADNAME:
    case ARES_EBADQUERY: return err::nameSyntaxErr;
    case ARES_ETIMEOUT:
    case ARES_ECONNREFUSED: return err::noAnsErr;
    case ARES_ENOMEM: return err::outOfMemory;
    case ARES_ENOTINITIALIZED:
    case ARES_EFILE: return err::noNameServer;
    default: return err::dnrErr;  // SERVFAIL, REFUSED, FORMERR, bad responses
    }
}

std::optional<ResolverOptions> parse_dns_pref(const std::string &pref, std::string *problem) {
    ResolverOptions options;
    std::istringstream words(pref);
    std::string word;
    bool have_servers = false;
    while (words >> word) {
        auto take_int = [&](std::string_view prefix, int &out, int low, int high) {
            try {
                const int value = std::stoi(word.substr(prefix.size()));
                if (value < low || value > high) return false;
                out = value;
                return true;
            } catch (...) {
                return false;
            }
        };
        if (word.rfind("timeout=", 0) == 0) {
            if (!take_int("timeout=", options.timeout_ms, 10, 60000)) {
                if (problem) *problem = "ippdns: timeout= wants 10..60000 (milliseconds)";
                return std::nullopt;
            }
        } else if (word.rfind("tries=", 0) == 0) {
            if (!take_int("tries=", options.tries, 1, 10)) {
                if (problem) *problem = "ippdns: tries= wants 1..10";
                return std::nullopt;
            }
        } else if (!have_servers) {
            options.servers = word;
            have_servers = true;
        } else {
            if (problem) *problem = "ippdns: unexpected '" + word + "'";
            return std::nullopt;
        }
    }
    return options;
}

struct DnsResolver::Impl : std::enable_shared_from_this<Impl> {
    struct Watch {
        explicit Watch(asio::io_context &io, int fd) : descriptor(io, fd) {}
        asio::posix::stream_descriptor descriptor;
        bool want_read = false, want_write = false;
        bool read_armed = false, write_armed = false;
    };
    struct Query {
        std::weak_ptr<Impl> owner;
        uint64_t id;
        QueryKind kind;
        std::string name;
        bool ipv6 = false;  // the AAAA query after an address lookup found no A record
    };

    Impl(asio::io_context &io, ResolverOptions opts, Done done_fn)
        : io(io), timer(io), options(std::move(opts)), done(std::move(done_fn)) {}

    bool init() {
        if (ares_library_init(ARES_LIB_INIT_ALL) != ARES_SUCCESS) {
            problem = "c-ares library initialisation failed";
            return false;
        }
        library_initialised = true;
        ares_options o{};
        int mask = ARES_OPT_SOCK_STATE_CB | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES;
        o.sock_state_cb = &Impl::sock_state_thunk;
        o.sock_state_cb_data = this;
        o.timeout = options.timeout_ms;
        o.tries = options.tries;
        // Explicit servers are for tests and special setups: skip the host's hosts file too.
        static char dns_only[] = "b";
        if (!options.servers.empty()) {
            o.lookups = dns_only;
            mask |= ARES_OPT_LOOKUPS;
        }
        const int status = ares_init_options(&channel, &o, mask);
        if (status != ARES_SUCCESS) {
            problem = std::string("c-ares channel: ") + ares_strerror(status);
            channel = nullptr;
            return false;
        }
        if (!options.servers.empty()) {
            const int set = ares_set_servers_ports_csv(channel, options.servers.c_str());
            if (set != ARES_SUCCESS) {
                problem = "ippdns servers '" + options.servers + "': " + ares_strerror(set);
                ares_destroy(channel);
                channel = nullptr;
                return false;
            }
        }
        return true;
    }

    ~Impl() {
        destroying = true;
        // The DNS thread has stopped: release the descriptors (c-ares owns and closes the
        // sockets), then let c-ares end its queries (their callbacks see EDESTRUCTION).
        for (auto &[fd, watch] : watches) watch->descriptor.release();
        watches.clear();
        if (channel) ares_destroy(channel);
        if (library_initialised) ares_library_cleanup();
    }

    // --- DNS thread -------------------------------------------------------------------------
    static void sock_state_thunk(void *data, ares_socket_t fd, int readable, int writable) {
        static_cast<Impl *>(data)->sock_state(fd, readable != 0, writable != 0);
    }

    void sock_state(int fd, bool readable, bool writable) {
        if (destroying) return;
        auto found = watches.find(fd);
        if (!readable && !writable) {
            if (found != watches.end()) {
                found->second->descriptor.release();  // cancels its waits; c-ares closes the fd
                watches.erase(found);
            }
            return;
        }
        std::shared_ptr<Watch> watch;
        if (found == watches.end()) {
            watch = std::make_shared<Watch>(io, fd);
            watches.emplace(fd, watch);
        } else {
            watch = found->second;
        }
        watch->want_read = readable;
        watch->want_write = writable;
        arm(fd, watch);
    }

    // Handlers hold the Impl weakly: once DnsResolver is gone they find nothing to do.
    void arm(int fd, const std::shared_ptr<Watch> &watch) {
        std::weak_ptr<Impl> weak = weak_from_this();
        if (watch->want_read && !watch->read_armed) {
            watch->read_armed = true;
            watch->descriptor.async_wait(asio::posix::descriptor_base::wait_read,
                                         [weak, fd, watch](const boost::system::error_code &ec) {
                                             watch->read_armed = false;
                                             if (auto self = weak.lock()) self->ready(ec, fd, watch, true);
                                         });
        }
        if (watch->want_write && !watch->write_armed) {
            watch->write_armed = true;
            watch->descriptor.async_wait(asio::posix::descriptor_base::wait_write,
                                         [weak, fd, watch](const boost::system::error_code &ec) {
                                             watch->write_armed = false;
                                             if (auto self = weak.lock()) self->ready(ec, fd, watch, false);
                                         });
        }
    }

    void ready(const boost::system::error_code &ec, int fd, const std::shared_ptr<Watch> &watch, bool read) {
        if (ec || destroying) return;
        auto found = watches.find(fd);
        if (found == watches.end() || found->second != watch) return;  // fd closed (or reused)
        ares_process_fd(channel, read ? fd : ARES_SOCKET_BAD, read ? ARES_SOCKET_BAD : fd);
        found = watches.find(fd);
        if (found != watches.end() && found->second == watch) arm(fd, watch);
        schedule_timeout();
    }

    // c-ares' own retry and timeout clock.
    void schedule_timeout() {
        timeval tv{};
        if (ares_timeout(channel, nullptr, &tv) == nullptr) {
            timer.cancel();
            return;
        }
        timer.expires_after(std::chrono::seconds(tv.tv_sec) + std::chrono::microseconds(tv.tv_usec));
        timer.async_wait([weak = weak_from_this()](const boost::system::error_code &ec) {
            auto self = weak.lock();
            if (ec || !self || self->destroying) return;
            ares_process_fd(self->channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
            self->schedule_timeout();
        });
    }

    void start(uint64_t id, QueryKind kind, const std::string &name, uint32_t address) {
        if (!channel) {
            done(id, dns_error(err::noNameServer));
            return;
        }
        auto *query = new Query{weak_from_this(), id, kind, name};
        switch (kind) {
        case QueryKind::address: start_addrinfo(query); break;
        case QueryKind::name: {
            in_addr in{};
            in.s_addr = htonl(address);
            ares_gethostbyaddr(channel, &in, sizeof in, AF_INET, &Impl::on_hostent, query);
            break;
        }
        case QueryKind::hinfo:
        case QueryKind::mx:
            ares_search(channel, name.c_str(), 1 /* IN */, kind == QueryKind::hinfo ? kTypeHINFO : kTypeMX,
                        &Impl::on_raw, query);
            break;
        }
        schedule_timeout();
    }

    // A (or, for query->ipv6, AAAA) records of query->name.
    void start_addrinfo(Query *query) {
        ares_addrinfo_hints hints{};
        hints.ai_flags = ARES_AI_CANONNAME;
        hints.ai_family = query->ipv6 ? AF_INET6 : AF_INET;
        ares_getaddrinfo(channel, query->name.c_str(), nullptr, &hints, &Impl::on_addrinfo, query);
    }

    // Takes ownership of the query; false when the answer must be dropped.
    static std::unique_ptr<Query> claim(void *arg, int status, std::shared_ptr<Impl> &impl) {
        std::unique_ptr<Query> query(static_cast<Query *>(arg));
        impl = query->owner.lock();
        if (!impl || impl->destroying || status == ARES_ECANCELLED || status == ARES_EDESTRUCTION) return nullptr;
        return query;
    }

    static void on_addrinfo(void *arg, int status, int, ares_addrinfo *info) {
        std::shared_ptr<Impl> impl;
        auto query = claim(arg, status, impl);
        if (query) {
            DnsAnswer answer = status == ARES_SUCCESS && info ? from_addrinfo(query->name, *info)
                                                               : dns_error(dnr_status_from_ares(status));
            // The name exists without an A record: an IPv6-only host, perhaps.
            if (!query->ipv6 && (status == ARES_ENODATA || (status == ARES_SUCCESS && answer.addresses.empty()))) {
                query->ipv6 = true;
                impl->start_addrinfo(query.release());
            } else {
                impl->done(query->id, std::move(answer));
            }
        }
        if (info) ares_freeaddrinfo(info);
    }

    static DnsAnswer from_addrinfo(const std::string &name, const ares_addrinfo &info) {
        DnsAnswer answer;
        uint32_t ttl = UINT32_MAX;
        for (auto *node = info.nodes; node; node = node->ai_next) {
            if (node->ai_family == AF_INET6 && node->ai_addrlen >= sizeof(sockaddr_in6)) {
                const auto *sin6 = reinterpret_cast<const sockaddr_in6 *>(node->ai_addr);
                std::array<uint8_t, 16> a;
                std::memcpy(a.data(), &sin6->sin6_addr, a.size());
                if (std::find(answer.ipv6_addresses.begin(), answer.ipv6_addresses.end(), a) == answer.ipv6_addresses.end())
                    answer.ipv6_addresses.push_back(a);
                ttl = std::min<uint32_t>(ttl, static_cast<uint32_t>(std::max(node->ai_ttl, 0)));
                continue;
            }
            if (node->ai_family != AF_INET || node->ai_addrlen < sizeof(sockaddr_in)) continue;
            const auto *sin = reinterpret_cast<const sockaddr_in *>(node->ai_addr);
            const uint32_t a = ntohl(sin->sin_addr.s_addr);
            if (std::find(answer.addresses.begin(), answer.addresses.end(), a) == answer.addresses.end())
                answer.addresses.push_back(a);
            ttl = std::min<uint32_t>(ttl, static_cast<uint32_t>(std::max(node->ai_ttl, 0)));
        }
        // Canonical name: follow the CNAME chain from the name asked for.
        std::string canonical = cache_key(name);
        for (auto *c = info.cnames; c; c = c->next) {
            if (!c->alias || !c->name) continue;
            answer.cnames.push_back({cache_key(c->alias), cache_key(c->name), static_cast<uint32_t>(std::max(c->ttl, 0))});
            ttl = std::min<uint32_t>(ttl, static_cast<uint32_t>(std::max(c->ttl, 0)));
        }
        for (std::size_t hops = 0; hops < answer.cnames.size(); ++hops) {
            auto next = std::find_if(answer.cnames.begin(), answer.cnames.end(),
                                     [&](const CnameLink &l) { return l.alias == canonical; });
            if (next == answer.cnames.end()) break;
            canonical = next->target;
        }
        if (answer.cnames.empty() && info.name && *info.name) canonical = cache_key(info.name);
        answer.canonical = canonical;
        answer.ttl = ttl == UINT32_MAX ? 0 : ttl;
        if (answer.addresses.empty() && answer.ipv6_addresses.empty()) answer.status = err::authNameErr;
        return answer;
    }

    static void on_hostent(void *arg, int status, int, hostent *host) {
        std::shared_ptr<Impl> impl;
        auto query = claim(arg, status, impl);
        if (!query) return;
        DnsAnswer answer;
        if (status != ARES_SUCCESS || !host || !host->h_name) {
            answer = dns_error(dnr_status_from_ares(status == ARES_SUCCESS ? ARES_ENODATA : status));
        } else {
            answer.canonical = cache_key(host->h_name);
        }
        impl->done(query->id, std::move(answer));
    }

    static void on_raw(void *arg, int status, int, unsigned char *buffer, int length) {
        std::shared_ptr<Impl> impl;
        auto query = claim(arg, status, impl);
        if (!query) return;
        if (status != ARES_SUCCESS || !buffer || length <= 0) {
            impl->done(query->id, dns_error(dnr_status_from_ares(status)));
            return;
        }
        auto message = parse_dns_message(std::span<const uint8_t>(buffer, static_cast<std::size_t>(length)));
        impl->done(query->id, message ? from_message(query->kind, *message) : dns_error(err::dnrErr));
    }

    static DnsAnswer from_message(QueryKind kind, const DnsMessage &message) {
        const uint16_t wanted = kind == QueryKind::hinfo ? kTypeHINFO : kTypeMX;
        DnsAnswer answer;
        answer.status = err::authNameErr;
        uint32_t ttl = UINT32_MAX;
        for (const DnsRecord &r : message.answers) {
            if (r.type == kTypeCNAME) {
                answer.cnames.push_back({cache_key(r.owner), cache_key(r.name), r.ttl});
                ttl = std::min(ttl, r.ttl);
            }
            if (r.type != wanted) continue;
            // MX: the most preferred exchange (returnRec holds one).
            const bool better = answer.status != err::noErr || (kind == QueryKind::mx && r.preference < answer.mx_preference);
            if (!better) continue;
            answer.status = err::noErr;
            answer.canonical = cache_key(r.owner);
            answer.mx_preference = r.preference;
            answer.mx_exchange = cache_key(r.name);
            answer.hinfo_cpu = r.cpu;
            answer.hinfo_os = r.os;
            ttl = std::min(ttl, r.ttl);
        }
        answer.ttl = ttl == UINT32_MAX ? 0 : ttl;
        return answer;
    }

    asio::io_context &io;
    asio::steady_timer timer;
    ResolverOptions options;
    Done done;
    ares_channel channel = nullptr;
    bool library_initialised = false;
    bool destroying = false;
    std::string problem;
    std::map<int, std::shared_ptr<Watch>> watches;
};

DnsResolver::DnsResolver(asio::io_context &io, ResolverOptions options, Done done)
    : impl_(std::make_shared<Impl>(io, std::move(options), std::move(done))) {
    impl_->init();
}

// The DNS thread has stopped (LiveHostIo stops it before it drops the resolver), so the Impl
// dies here, on this thread, while the io_context still exists.
DnsResolver::~DnsResolver() = default;

bool DnsResolver::usable() const { return impl_->channel != nullptr; }
const std::string &DnsResolver::setup_problem() const { return impl_->problem; }

void DnsResolver::start(uint64_t id, QueryKind kind, std::string name, uint32_t address) {
    asio::post(impl_->io, [weak = std::weak_ptr<Impl>(impl_), id, kind, name = std::move(name), address] {
        if (auto impl = weak.lock(); impl && !impl->destroying) impl->start(id, kind, name, address);
    });
}

void DnsResolver::cancel_all() {
    asio::post(impl_->io, [weak = std::weak_ptr<Impl>(impl_)] {
        if (auto impl = weak.lock(); impl && !impl->destroying && impl->channel) ares_cancel(impl->channel);
    });
}

}  // namespace mtb::dnr
