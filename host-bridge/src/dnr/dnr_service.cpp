// SPDX-License-Identifier: GPL-2.0-or-later
#include "dnr/dnr_service.h"

#include <algorithm>

#include "dnr/dnr_layout.h"
#include "dnr/dnr_text.h"
#include "net/ipv4_text.h"

namespace mtb {

using namespace dnr;

namespace {

// Host names are at most 255 bytes plus the NUL (a DNS name is at most 253 characters).
constexpr uint32_t kMaxNameScan = 256;

ResolverOptions resolver_options(DriverCore &core) {
    ResolverOptions options;
    if (auto pref = core.host().pref("ippdns"); pref && !pref->empty()) {
        std::string problem;
        if (auto parsed = parse_dns_pref(*pref, &problem)) {
            options = *parsed;
            core.log().info("DNR: name servers {} (timeout {} ms x {} tries)",
                            options.servers.empty() ? "from /etc/resolv.conf" : options.servers,
                            options.timeout_ms, options.tries);
        } else {
            core.log().error("{}; using the host's resolver configuration", problem);
        }
    }
    return options;
}

}  // namespace

DnrService::DnrService(DriverCore &core) : core_(core), options_(resolver_options(core)) {
    core_.router().set_dns_client(this);
}

DnrService::~DnrService() { core_.router().set_dns_client(nullptr); }

// The host's resolver is set up by the first OpenResolver, inside the guest's call, so that a
// trace records its outcome and a session that never opens the resolver starts none.
bool DnrService::resolver_usable() {
    if (!resolver_opened_) {
        resolver_opened_ = true;
        resolver_problem_ = core_.io().dns_open(options_);
        if (resolver_problem_) core_.log().error("DNR: {}; every lookup will answer noNameServer", *resolver_problem_);
    }
    return !resolver_problem_;
}

// Interrupt level, from the host's events: the answer to lookup `query`.
void DnrService::on_dns_answer(uint64_t query, DnsAnswer &answer) { finish(query, answer); }

Outcome DnrService::handle(Call &call) {
    if (call.cs_code != static_cast<uint16_t>(CsCode::dnrCall)) return err::controlErr;
    auto pb = ParamBlock::at(core_.memory(), call.pb.address(), call::size);
    if (!pb) {
        core_.log().warning("DNR call block 0x{:08x} runs past guest RAM", call.pb.address());
        return err::dnrErr;
    }
    const uint32_t selector = pb->get(call::selector);
    const uint32_t a5 = pb->get(call::callerA5);
    if (selector < kOpenResolver || selector > kMXInfo) {
        core_.log().warning("DNR: unknown selector {}", selector);
        return err::dnrErr;
    }
    if (selector == kOpenResolver) return open_resolver(*pb, a5);
    if (!open_.contains(a5)) return err::notOpenErr;  // what every glue entry answers (8.2)
    switch (selector) {
    case kCloseResolver: return close_resolver(a5);
    case kStrToAddr: return str_to_addr(*pb, a5);
    case kAddrToStr: return addr_to_str(*pb);
    case kEnumCache: return enum_cache(*pb, a5);
    case kAddrToName: return addr_to_name(*pb, a5);
    case kHInfo: return typed_query(*pb, a5, QueryKind::hinfo);
    case kMXInfo: return typed_query(*pb, a5, QueryKind::mx);
    }
    return err::dnrErr;
}

// OPENRESOLVER: the 'dnrp' code has already read the hosts file (if any) into guest memory.
int16_t DnrService::open_resolver(const ParamBlock &pb, uint32_t a5) {
    const uint32_t data = pb.get(call::hostsData);
    const uint32_t length = pb.get(call::hostsLength);
    if (data != 0 && length != 0) {
        if (auto bytes = core_.memory().bytes(data, length)) {
            const std::string text(reinterpret_cast<const char *>(bytes->data()), bytes->size());
            std::size_t seeded = 0;
            for (const HostsRecord &record : parse_hosts_file(text)) {
                if (record.type == kTypeA) {
                    cache_.put_permanent_address(record.name, record.address);
                    names_.remember_permanent(record.name, record.address, core_.now());
                } else
                    cache_.put_permanent_cname(record.name, record.target);
                ++seeded;
            }
            core_.log().info("DNR: {} records from the hosts file", seeded);
        } else {
            core_.log().warning("DNR: hosts file data outside guest RAM ignored");
        }
    }
    open_[a5] = 1;
    resolver_usable();  // the host's resolver is ready before the first lookup
    return err::noErr;
}

// CLOSERESOLVER: the application's pending lookups end silently (DTS: CloseResolver aborts
// outstanding lookups), since its result procedures are about to be disposed of.
int16_t DnrService::close_resolver(uint32_t a5) {
    open_.erase(a5);
    for (auto it = pending_.begin(); it != pending_.end();) {
        if (it->second.a5 == a5) {
            core_.cancel_timer(it->second.timer);
            it = pending_.erase(it);
        } else {
            ++it;
        }
    }
    return err::noErr;
}

std::optional<std::string> DnrService::read_name(uint32_t address) {
    auto length = core_.memory().c_string_length(address, kMaxNameScan);
    if (!length) return std::nullopt;
    std::string name(*length, '\0');
    core_.memory().read(address, name.data(), *length);
    return name;
}

int16_t DnrService::str_to_addr(const ParamBlock &pb, uint32_t a5) {
    const uint32_t name_ptr = pb.get(call::arg1);
    const uint32_t record = pb.get(call::arg2);
    const uint32_t proc = pb.get(call::arg3);
    const uint32_t user_data = pb.get(call::arg4);
    GuestMemory &memory = core_.memory();
    if (!memory.contains(record, host_info::size)) return err::dnrErr;  // nowhere to answer
    auto name = read_name(name_ptr);
    auto answer_now = [&](int16_t code, const std::string &canonical, const std::vector<uint32_t> &addresses) {
        write_host_info(record, code, canonical, addresses);
        return code;
    };
    if (!name || name->empty()) return answer_now(err::nameSyntaxErr, "", {});
    // Dotted quads: no lookup, empty cname (NCSA's inet_addr checks cname[0] == 0).
    if (auto address = parse_dotted_quad(*name)) return answer_now(err::noErr, "", {*address});
    if (!plausible_host_name(*name)) return answer_now(err::nameSyntaxErr, "", {});
    if (auto cached = cache_.find_address(*name, core_.now()))
        return answer_now(err::noErr, with_trailing_dot(cached->canonical), cached->addresses);
    if (proc == 0 || proc % 2 != 0 || !memory.contains(proc, 2)) return answer_now(err::noResultProc, "", {});
    const int16_t code = start_lookup({QueryKind::address, a5, record, proc, user_data, *name, 0, 0});
    write_host_info(record, code, "", {});
    return code;
}

int16_t DnrService::addr_to_str(const ParamBlock &pb) {
    const uint32_t address = pb.get(call::arg1);
    const uint32_t out = pb.get(call::arg2);
    const std::string text = format_ipv4(address);
    if (!core_.memory().write(out, text.c_str(), static_cast<uint32_t>(text.size() + 1))) return err::dnrErr;
    return err::noErr;
}

int16_t DnrService::enum_cache(const ParamBlock &pb, uint32_t a5) {
    const uint32_t proc = pb.get(call::arg1);
    const uint32_t user_data = pb.get(call::arg2);
    if (proc == 0) return err::noErr;  // nothing to report to (no error is documented)
    // A snapshot: the guest's procedure runs between entries and may itself be interrupted.
    const std::vector<DnrCache::Entry> entries = cache_.entries(core_.now());
    const uint32_t base = pb.address();
    for (const DnrCache::Entry &entry : entries) {
        GuestMemory &memory = core_.memory();
        if (!memory.contains(base, call::size)) break;
        const uint32_t record = base + call::entryRecord;
        const uint32_t name = base + call::nameScratch;
        const uint32_t rdata_text = base + call::rdataScratch;
        write_c_string(name, with_trailing_dot(entry.name), call::scratchSize);
        memory.write32(record + cache_entry::cname.offset, name);
        memory.write16(record + cache_entry::type.offset, entry.type);
        memory.write16(record + cache_entry::cacheClass.offset, kClassIN);
        memory.write32(record + cache_entry::ttl.offset, entry.ttl);
        if (entry.type == kTypeA) {
            memory.write32(record + cache_entry::rdata.offset, entry.address);  // the value (UI)
        } else {
            write_c_string(rdata_text, with_trailing_dot(entry.target), call::scratchSize);
            memory.write32(record + cache_entry::rdata.offset, rdata_text);
        }
        // Synchronously, from inside the call (section 8.2): a nested guest call.
        if (!core_.callbacks().pascal_two_longs(memory, proc, record, user_data, a5)) break;
    }
    return err::noErr;
}

int16_t DnrService::addr_to_name(const ParamBlock &pb, uint32_t a5) {
    const uint32_t address = pb.get(call::arg1);
    const uint32_t record = pb.get(call::arg2);
    const uint32_t proc = pb.get(call::arg3);
    const uint32_t user_data = pb.get(call::arg4);
    GuestMemory &memory = core_.memory();
    if (!memory.contains(record, host_info::size)) return err::dnrErr;
    // Never answered from the cache (section 8.2): always a query, so a procedure is needed.
    if (proc == 0 || proc % 2 != 0 || !memory.contains(proc, 2)) {
        write_host_info(record, err::noResultProc, "", {});
        return err::noResultProc;
    }
    Pending pending{QueryKind::name, a5, record, proc, user_data, {}, address, 0};
    // A stand-in for an IPv6 host has no PTR record anywhere: its name is the one looked up.
    if (const auto *mapping = ipv6_pool_.find(address, core_.now())) {
        DnsAnswer answer;
        answer.canonical = mapping->name;
        const int16_t code = answer_locally(std::move(pending), std::move(answer));
        write_host_info(record, code, "", {});
        return code;
    }
    const int16_t code = start_lookup(std::move(pending));
    write_host_info(record, code, "", {});
    return code;
}

int16_t DnrService::typed_query(const ParamBlock &pb, uint32_t a5, QueryKind kind) {
    const uint32_t name_ptr = pb.get(call::arg1);
    const uint32_t record = pb.get(call::arg2);
    const uint32_t proc = pb.get(call::arg3);
    const uint32_t user_data = pb.get(call::arg4);
    GuestMemory &memory = core_.memory();
    if (!memory.contains(record, return_rec::size)) return err::dnrErr;
    auto name = read_name(name_ptr);
    if (!name || !plausible_host_name(*name)) {
        write_return_rec(record, kind, dns_error(err::nameSyntaxErr));
        return err::nameSyntaxErr;
    }
    const auto now = core_.now();
    if (auto cached = kind == QueryKind::hinfo ? cache_.find_hinfo(*name, now) : cache_.find_mx(*name, now)) {
        write_return_rec(record, kind, *cached);
        return err::noErr;
    }
    if (proc == 0 || proc % 2 != 0 || !memory.contains(proc, 2)) {
        write_return_rec(record, kind, dns_error(err::noResultProc));
        return err::noResultProc;
    }
    const int16_t code = start_lookup({kind, a5, record, proc, user_data, *name, 0, 0});
    write_return_rec(record, kind, dns_error(code));
    return code;
}

// Registers the lookup and starts it through the host (HostIo::dns_start); the answer comes as
// an Event{dns}, so the result procedure cannot run before this call has returned cacheFault.
int16_t DnrService::start_lookup(Pending pending) {
    if (!resolver_usable()) return err::noNameServer;
    const uint64_t id = next_id_++;
    stamp_issued(pending);
    pending.timer = core_.schedule(kLookupDeadline, [this, id] { finish(id, dns_error(err::noAnsErr)); });
    const QueryKind kind = pending.kind;
    std::string name = pending.asked;
    const uint32_t address = pending.address;
    pending_.emplace(id, std::move(pending));
    core_.log().debug("DNR: lookup {} started", id);
    core_.io().dns_start(id, kind, name, address);
    return err::cacheFault;
}

int16_t DnrService::answer_locally(Pending pending, DnsAnswer answer) {
    const uint64_t id = next_id_++;
    stamp_issued(pending);
    pending.timer = core_.schedule(kMinCallbackDelay, [this, id, answer = std::move(answer)] { finish(id, answer); });
    pending_.emplace(id, std::move(pending));
    return err::cacheFault;
}

void DnrService::stamp_issued(Pending &pending) {
    pending.issued = core_.now();
    pending.cpu_at_call = core_.io().thread_cpu_time();
}

DriverCore::Clock::duration DnrService::hold_left(Pending &pending) {
    const auto held = core_.now() - pending.issued;
    if (held < kMinCallbackDelay) return kMinCallbackDelay - held;
    if (core_.io().thread_cpu_time() - pending.cpu_at_call >= kMinGuestCpu) return DriverCore::Clock::duration::zero();
    if (++pending.rechecks >= kHoldChances) return DriverCore::Clock::duration::zero();
    return kProgressRecheck;
}

DnsAnswer DnrService::map_ipv6(const std::string &asked, DnsAnswer answer) {
    if (answer.status != err::noErr || !answer.addresses.empty() || answer.ipv6_addresses.empty()) return answer;
    const auto now = core_.now();
    for (const Ipv6Address &ipv6 : answer.ipv6_addresses) {
        if (answer.addresses.size() == host_info::maxAddrs) break;
        if (auto stand_in = ipv6_pool_.map(ipv6, cache_key(asked), answer.ttl, now)) {
            answer.addresses.push_back(*stand_in);
            core_.log().info("DNR: {} has only IPv6 addresses; {} stands for {}", asked, format_ipv4(*stand_in),
                             format_ipv6(ipv6));
        }
    }
    if (answer.addresses.empty()) {
        core_.log().warning("DNR: {} has only IPv6 addresses and the mapping pool is full", asked);
        return dns_error(err::outOfMemory);
    }
    return answer;
}

// Emulation thread, interrupt level: the one completion of lookup `id` (answer, error or
// deadline); later ones find nothing.
void DnrService::finish(uint64_t id, const DnsAnswer &given) {
    auto found = pending_.find(id);
    if (found == pending_.end()) return;
    if (const auto wait = hold_left(found->second); wait > DriverCore::Clock::duration::zero()) {
        // The answer is here and waits only for the guest: the deadline must not replace it by
        // noAnsErr (a hold can outlast it on a starved host). The hold is bounded by its rechecks.
        core_.cancel_timer(found->second.timer);
        core_.schedule(wait, [this, id, given] { finish(id, given); });
        return;
    }
    const Pending p = std::move(found->second);
    pending_.erase(found);
    core_.cancel_timer(p.timer);
    const auto now = core_.now();
    core_.log().debug("DNR: lookup {} answered {} after {} us, {} rechecks", id, given.status,
                      std::chrono::duration_cast<std::chrono::microseconds>(now - p.issued).count(), p.rechecks);
    switch (p.kind) {
    case QueryKind::address: {
        const DnsAnswer answer = map_ipv6(p.asked, given);
        cache_.put_address(p.asked, answer, now);
        if (answer.status == err::noErr) names_.remember(p.asked, answer.addresses, answer.ttl, now);
        std::vector<uint32_t> addresses = answer.addresses;
        if (addresses.size() > host_info::maxAddrs) addresses.resize(host_info::maxAddrs);
        write_host_info(p.record, answer.status, answer.status == err::noErr ? with_trailing_dot(answer.canonical) : "",
                        answer.status == err::noErr ? addresses : std::vector<uint32_t>{});
        break;
    }
    case QueryKind::name:
        write_host_info(p.record, given.status, given.status == err::noErr ? with_trailing_dot(given.canonical) : "",
                        {p.address});
        break;
    case QueryKind::hinfo:
        cache_.put_hinfo(p.asked, given, now);
        write_return_rec(p.record, p.kind, given);
        break;
    case QueryKind::mx:
        cache_.put_mx(p.asked, given, now);
        write_return_rec(p.record, p.kind, given);
        break;
    }
    core_.deliver([this, proc = p.proc, record = p.record, user_data = p.user_data, a5 = p.a5] {
        core_.callbacks().pascal_two_longs(core_.memory(), proc, record, user_data, a5);
    });
}

void DnrService::write_c_string(uint32_t address, const std::string &text, uint32_t capacity) {
    if (capacity == 0) return;
    const uint32_t length = std::min<uint32_t>(static_cast<uint32_t>(text.size()), capacity - 1);
    GuestMemory &memory = core_.memory();
    memory.write(address, text.data(), length);
    memory.write8(address + length, 0);
}

void DnrService::write_host_info(uint32_t record, int16_t code, const std::string &canonical,
                                 const std::vector<uint32_t> &addresses) {
    GuestMemory &memory = core_.memory();
    if (!memory.contains(record, host_info::size)) return;
    memory.write32(record + host_info::rtnCode.offset, static_cast<uint32_t>(static_cast<int32_t>(code)));
    memory.fill(record + host_info::cname, 0, host_info::cnameSize + 1);
    write_c_string(record + host_info::cname, canonical, host_info::cnameSize);
    for (uint32_t i = 0; i < host_info::maxAddrs; ++i)
        memory.write32(record + host_info::addr + 4 * i, i < addresses.size() ? addresses[i] : 0);
}

void DnrService::write_return_rec(uint32_t record, QueryKind kind, const DnsAnswer &answer) {
    GuestMemory &memory = core_.memory();
    if (!memory.contains(record, return_rec::size)) return;
    memory.write32(record + return_rec::rtnCode.offset, static_cast<uint32_t>(static_cast<int32_t>(answer.status)));
    memory.fill(record + return_rec::cname, 0, return_rec::size - return_rec::cname);
    if (answer.status != err::noErr) return;
    write_c_string(record + return_rec::cname, with_trailing_dot(answer.canonical), host_info::cnameSize);
    if (kind == QueryKind::hinfo) {
        write_c_string(record + return_rec::cpuType, answer.hinfo_cpu, return_rec::hinfoFieldSize);
        write_c_string(record + return_rec::osType, answer.hinfo_os, return_rec::hinfoFieldSize);
    } else {
        memory.write16(record + return_rec::mxPreference.offset, answer.mx_preference);
        write_c_string(record + return_rec::mxExchange, with_trailing_dot(answer.mx_exchange), 255);
    }
}

void DnrService::reset() {
    // Touch no guest memory: forget every guest address; in-flight answers find nothing.
    pending_.clear();
    open_.clear();
    cache_.clear();
    names_.clear();
    ipv6_pool_.clear();  // every stream is gone too
    if (resolver_opened_) core_.io().dns_cancel_all();
}

}  // namespace mtb
