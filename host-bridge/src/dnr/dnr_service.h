// The DNR's host half: answers the private _Control calls of our 'dnrp' code (one per selector,
// section 8.2), starts lookups through the host-operations seam (HostIo::dns_start; the answers
// come back as Event{dns}), calls result procedures later on the interrupt path, and keeps the
// cache. Its clock is the seam's too, so a trace replays it. Registered for the csCodes CsCode::dnrFirst..dnrLast.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "driver/call.h"
#include "driver/driver_core.h"
#include "dnr/dnr_cache.h"
#include "dnr/dns_resolver.h"
#include "dnr/ipv6_mapping_pool.h"
#include "dnr/looked_up_names.h"
#include "net/event_router.h"

namespace mtb {

class DnrService final : public Service, public net::DnsClient {
public:
    // A lookup gives up after this if c-ares has not answered (MacTCP's hard-coded per-query
    // timeout, section 8.5), so a result procedure is always called.
    static constexpr auto kLookupDeadline = std::chrono::seconds(37);
    // A result procedure is called no sooner than this after the call returned cacheFault. The
    // host may answer within microseconds, and the first interrupt after the trap would then
    // run the procedure before the application's next statement, which is where MacPython
    // marks the request as waiting (mactcp-reference 8.5; a callback before that is discarded
    // and the request waits forever). Real MacTCP needed a network round trip; one tick of
    // latency is invisible next to that.
    static constexpr auto kMinCallbackDelay = std::chrono::milliseconds(20);
    // Wall time alone does not prove the guest ran: on a loaded host the emulation thread can
    // be preempted right after the trap for longer than kMinCallbackDelay (seen under ASan at
    // load 20: MacPython's macdnr pattern lost its answer). So the procedure also waits until
    // the emulation thread has used kMinGuestCpu since the call. An idle emulator (a guest
    // sleeping in WaitNextEvent) uses little CPU, so the hold also ends after kHoldChances
    // rechecks kProgressRecheck apart: about kLongestHold on such a host. Counted in rechecks,
    // not wall time: each recheck is an interrupt the guest then returns to, while a thread kept
    // off the CPU takes none. A wall-clock limit ran out unseen while the thread waited for the
    // CPU, and the first interrupt after it ran the procedure before the guest's next statement
    // (issue 13 item 5: 662 ms after the call, MacPython's request then waited forever).
    static constexpr auto kMinGuestCpu = std::chrono::milliseconds(2);
    static constexpr auto kLongestHold = std::chrono::milliseconds(250);
    static constexpr auto kProgressRecheck = std::chrono::milliseconds(5);
    static constexpr int kHoldChances = kLongestHold / kProgressRecheck;

    explicit DnrService(DriverCore &core);
    ~DnrService() override;

    Outcome handle(Call &call) override;
    void reset() override;
    void on_dns_answer(uint64_t query, dnr::DnsAnswer &answer) override;

    std::size_t pending_lookups() const { return pending_.size(); }
    dnr::DnrCache &cache() { return cache_; }
    // For the TCP and UDP services: the name behind an address the guest looked up (SNI,
    // certificate checks, ipptls host limits), and the IPv6 host behind a pool address.
    dnr::LookedUpNames &looked_up_names() { return names_; }
    dnr::Ipv6MappingPool &ipv6_pool() { return ipv6_pool_; }

private:
    struct Pending {
        dnr::QueryKind kind;
        uint32_t a5;
        uint32_t record;     // hostInfo or returnRec
        uint32_t proc;       // Pascal result procedure
        uint32_t user_data;
        std::string asked;   // the name (or, for ADDRTONAME, nothing)
        uint32_t address;    // ADDRTONAME
        TimerQueue::TimerId timer;
        DriverCore::Clock::time_point issued{};       // when the call returned cacheFault
        DriverCore::Clock::duration cpu_at_call{};    // the emulation thread's CPU time then
        int rechecks = 0;  // holds decided after kMinCallbackDelay (hold_left)
    };
    // Stamps a lookup with the time and the emulation thread's CPU time of its call.
    void stamp_issued(Pending &pending);
    // How long the result procedure of `pending` must still wait (kMinCallbackDelay and the
    // guest-progress rule above); zero when it may run now. Counts the recheck.
    DriverCore::Clock::duration hold_left(Pending &pending);

    int16_t open_resolver(const ParamBlock &pb, uint32_t a5);
    int16_t close_resolver(uint32_t a5);
    int16_t str_to_addr(const ParamBlock &pb, uint32_t a5);
    int16_t addr_to_str(const ParamBlock &pb);
    int16_t enum_cache(const ParamBlock &pb, uint32_t a5);
    int16_t addr_to_name(const ParamBlock &pb, uint32_t a5);
    int16_t typed_query(const ParamBlock &pb, uint32_t a5, dnr::QueryKind kind);

    // Reads the NUL-terminated host name at `address`; nullopt if it does not end within RAM.
    std::optional<std::string> read_name(uint32_t address);
    // Opens the host's resolver once (HostIo::dns_open); false when it cannot work.
    bool resolver_usable();
    int16_t start_lookup(Pending pending);
    void finish(uint64_t id, const dnr::DnsAnswer &answer);
    // An IPv6-only answer becomes one with pool addresses (mactcp-reference knows only IPv4).
    dnr::DnsAnswer map_ipv6(const std::string &asked, dnr::DnsAnswer answer);
    // ADDRTONAME of a pool address: answered from the mapping, still through the result proc.
    int16_t answer_locally(Pending pending, dnr::DnsAnswer answer);
    void write_host_info(uint32_t record, int16_t code, const std::string &canonical,
                         const std::vector<uint32_t> &addresses);
    void write_return_rec(uint32_t record, dnr::QueryKind kind, const dnr::DnsAnswer &answer);
    void write_c_string(uint32_t address, const std::string &text, uint32_t capacity);

    DriverCore &core_;
    dnr::ResolverOptions options_;  // from `ippdns`
    bool resolver_opened_ = false;
    std::optional<std::string> resolver_problem_;
    dnr::DnrCache cache_;
    dnr::LookedUpNames names_;
    dnr::Ipv6MappingPool ipv6_pool_;
    std::map<uint32_t, int> open_;  // A5 of each application with the resolver open -> opens
    std::map<uint64_t, Pending> pending_;
    uint64_t next_id_ = 1;
};

}  // namespace mtb
