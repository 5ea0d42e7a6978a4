// The host-operations seam: EVERY request the bridge makes of the host OS (sockets, clock,
// timer wake-ups, DNS, the host's network configuration) and EVERY host result it consumes goes
// through one HostIo. The live implementation (live_host_io.h) talks to Linux; a trace recorder
// decorates it, a trace replay and the fuzzer's scripted host answer in its place, with no
// sockets, no threads and no real clock (design.md sections 3 and 6).
//
// CONTRACT
// Threads. Every member is called on the emulation thread only. The live implementation owns
// its network thread internally; that thread never touches guest memory and reaches the
// emulation thread only by queueing typed Events and calling HostEnvironment::raise_interrupt()
// when the queue goes from empty to non-empty (a transition), and at every wake-up whatever the
// queue holds: a drain may stop with events still queued and count on its wake-up to return.
//
// Handles. Sockets are named by SocketIds the HostIo assigns (small integers, 0 = none), never by
// file descriptors. An id is valid from the open that returned it until close(); the HostIo owns
// the socket and closes every socket still open in shutdown() and its destructor, whatever state
// the bridge is in (issue 13 defect 1).
//
// Readiness (edge-triggered, recorded per socket). A socket is registered once, when it is
// opened or accepted. The HostIo keeps, per socket, the readiness flags last seen (Ready bits:
// readable / writable / urgent / hang-up / error). A flag is set when the host reports it and
// cleared when an operation that needs it would block (receive* or accept answering EAGAIN clears
// readable; send* answering EAGAIN clears writable; urgent is cleared once the data has been read
// past the mark; take_error finding the error queue empty clears error). When a socket gains a
// flag it did not have, ONE Event{ready} is queued for it (several transitions before the next
// drain coalesce into one event carrying the flags now recorded). Nothing is queued while the
// flags stay set: a client that does not consume (a full window, no receive pending) looks at
// readiness() when it can consume again, and makes a syscall only when readiness() says it can
// succeed. at_mark() is meant to be called only while `urgent` is set. A datagram socket (UDP,
// ICMP) is writable from its open until a send_to answers EAGAIN; an Event{ready} with writable
// says when room is back (the live one watches a datagram socket for room only in between: each
// datagram sent would otherwise wake its network thread). Nothing waits for it today: UDPWrite
// answers insufficientResources at once, an echo request its timeout result.
//
// Events (typed data, drained by DriverCore::interrupt() through next_event()):
//   ready      a socket gained readiness flags (listeners: `readable` = connections to accept)
//   connected  an asynchronous connect() finished: error 0 or the errno (SO_ERROR)
//   wake       the deadline given to arm_wake_up() passed
//   dns        an answer to dns_start(query) (exactly one per started query unless cancelled)
// A recorder logs each Event when next_event() returns it, and each call with its arguments
// and results (bytes received into a span are copied into the log); a replay returns the same
// results and Events in the same order. Data moves by value or into caller-provided spans only.
//
// Overriding connected-socket operations per socket (TLS, issue 15). Write a decorator: derive
// from ForwardingHostIo (forwarding_host_io.h), which forwards to an inner HostIo, and intercept the connected-socket operations
// (receive, send, shutdown_send, at_mark, readiness, tcp_info, close) for the SocketIds it
// chose, e.g. after tls::wrap(id). It turns readiness of the underlying socket into readiness of
// the plaintext stream (queueing its own Event{ready} from next_event() when the TLS engine has
// plaintext or room) so the TCP service cannot tell the difference. DriverCore/Bridge take any
// HostIo (Bridge::with_host_io), so the decorator sits between the bridge and the live one.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <sys/uio.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "dnr/dns_answer.h"
#include "ip/host_network_info.h"

namespace mtb::dnr {
struct ResolverOptions;
}

namespace mtb::net {

using Clock = std::chrono::steady_clock;
using SocketId = uint32_t;
inline constexpr SocketId kNoSocket = 0;

using Ipv6Address = std::array<uint8_t, 16>;  // network byte order

// Addresses and ports in host byte order, IPv4 (MacTCP has nothing else) unless `ipv6` is set:
// then the endpoint is that IPv6 address (on sockets opened as tcp6 or udp6), and `host` is only
// the IPv4 stand-in the guest knows it by (dnr/ipv6_mapping_pool.h), for logs and rules; in what
// the host reports (accept, receive_from, take_error) `host` is 0 for an IPv6 address.
struct Endpoint {
    Endpoint() = default;
    Endpoint(uint32_t host_, uint16_t port_, std::optional<Ipv6Address> ipv6_ = std::nullopt)
        : host(host_), port(port_), ipv6(ipv6_) {}
    uint32_t host = 0;
    uint16_t port = 0;
    std::optional<Ipv6Address> ipv6;
    bool operator==(const Endpoint &) const = default;
};

// Recorded readiness flags of one socket.
namespace ready {
inline constexpr uint8_t readable = 1;
inline constexpr uint8_t writable = 2;
inline constexpr uint8_t urgent = 4;   // TCP urgent data (SO_OOBINLINE: marked in the stream)
inline constexpr uint8_t hangup = 8;   // the peer closed or reset, or the socket is shut down
inline constexpr uint8_t error = 16;   // a pending socket error (socket_error() reads it)
}  // namespace ready

enum class SocketKind : uint8_t {
    tcp,            // IPv4 stream socket
    udp,            // IPv4 datagram socket
    icmp_datagram,  // unprivileged ICMP echo socket (net.ipv4.ping_group_range)
    icmp_raw,       // raw ICMP socket (CAP_NET_RAW)
    tcp6,           // IPv6 stream socket (issue 15: IPv6-only hosts behind pool stand-ins)
    udp6,           // IPv6-only datagram socket (IPV6_V6ONLY): a UDP stream's way to IPv6 hosts
};

enum class Option : uint8_t {
    reuse_address,   // SO_REUSEADDR
    no_delay,        // TCP_NODELAY
    oob_inline,      // SO_OOBINLINE
    broadcast,       // SO_BROADCAST
    receive_errors,  // IP_RECVERR (IPV6_RECVERR on udp6): ICMP errors queued on the socket (take_error)
    packet_info,     // IP_PKTINFO: receive_from reports the local address (IPv4 sockets)
    no_checksum,     // SO_NO_CHECK (UDP without checksum; IPv6 has none: ENOPROTOOPT on udp6)
    echo_reply_only, // raw ICMP: filter everything but echo replies
};

// Bytes moved, or a host errno (EAGAIN/EWOULDBLOCK when it would block).
struct IoResult {
    int64_t bytes = 0;
    int error = 0;
    bool ok() const { return error == 0; }
    bool would_block() const { return error == EAGAIN || error == EWOULDBLOCK; }
};

struct Opened {
    SocketId id = kNoSocket;
    int error = 0;
};

struct Accepted {
    SocketId id = kNoSocket;  // kNoSocket with `error` (EAGAIN: nothing waiting)
    int error = 0;
    Endpoint remote, local;
};

// One datagram from receive_from: its full length (MSG_TRUNC: may exceed the span), its source,
// and the local address it arrived on (IP_PKTINFO).
struct Datagram {
    int64_t length = -1;  // -1 with `error`
    int error = 0;
    Endpoint from;
    uint32_t local_host = 0;
};

// One ICMP error queued by IP_RECVERR (ICMPv6 ones by IPV6_RECVERR on udp6 sockets).
struct IcmpError {
    uint8_t origin = 0;  // SO_EE_ORIGIN_* (2 = ICMP, 3 = ICMPv6: type and code are ICMPv6's)
    uint8_t type = 0, code = 0;
    uint32_t info = 0;
    Endpoint offender;  // destination of the datagram that provoked it
};

// One TCP_INFO read: everything TCPStatus and TCPConnectionStats need.
struct TcpInfo {
    uint32_t unacked = 0;  // bytes sent and not yet acknowledged
    uint32_t unsent = 0;   // bytes queued and not yet sent
    uint32_t rtt_ms = 0, rtt_var_ms = 0, mss = 0, cwnd_bytes = 0, retransmits = 0;
    uint32_t segs_out = 0, segs_in = 0, data_segs_out = 0, data_segs_in = 0, total_retrans = 0;
};

struct Event {
    enum class Kind : uint8_t { ready, connected, wake, dns };
    Kind kind = Kind::wake;
    SocketId socket = kNoSocket;  // ready, connected
    uint8_t flags = 0;            // ready: the socket's readiness flags now
    int error = 0;                // connected: 0 or errno
    uint64_t query = 0;           // dns
    dnr::DnsAnswer answer;        // dns
};

class HostIo {
public:
    virtual ~HostIo() = default;

    // --- clock, wake-ups, events -----------------------------------------------------------
    virtual Clock::time_point now() = 0;
    // One wake-up at `deadline` (replacing any earlier request); Event{wake} once it passes.
    // std::nullopt cancels it.
    virtual void arm_wake_up(std::optional<Clock::time_point> deadline) = 0;
    // The next queued event, oldest first; false when none is queued.
    virtual bool next_event(Event &out) = 0;
    // CPU time the calling (emulation) thread has used: for the slow-call warning.
    virtual Clock::duration thread_cpu_time() = 0;
    // Stops the network thread and closes every socket. Idempotent; nothing is queued after.
    virtual void shutdown() = 0;

    // --- host configuration ---------------------------------------------------------------
    virtual HostNetworkInfo network_info() = 0;

    // --- sockets: lifetime and setup ------------------------------------------------------
    virtual Opened open(SocketKind kind) = 0;  // non-blocking, close-on-exec, registered
    // 0 or errno. Options are set before bind/connect where they matter.
    virtual int set_option(SocketId id, Option option, bool on) = 0;
    virtual int bind(SocketId id, Endpoint local) = 0;
    virtual std::optional<Endpoint> local_endpoint(SocketId id) = 0;  // getsockname
    virtual int listen(SocketId id) = 0;
    // 0 when connected at once; EINPROGRESS: Event{connected} follows; else the errno.
    virtual int connect(SocketId id, Endpoint remote) = 0;
    virtual Accepted accept(SocketId listener) = 0;  // registers the new socket
    // Closes and forgets the socket; `abortive` resets a TCP connection (SO_LINGER 0).
    virtual void close(SocketId id, bool abortive) = 0;

    // --- readiness ---------------------------------------------------------------------------
    virtual uint8_t readiness(SocketId id) = 0;  // ready:: flags as recorded now
    virtual int socket_error(SocketId id) = 0;   // SO_ERROR (reading it clears it)

    // --- connected TCP sockets ------------------------------------------------------------
    virtual IoResult receive(SocketId id, std::span<uint8_t> into) = 0;
    // sendmsg of the gathered parts; `urgent` = MSG_OOB (urgent pointer at the last byte).
    virtual IoResult send(SocketId id, std::span<const iovec> parts, bool urgent) = 0;
    virtual int shutdown_send(SocketId id) = 0;  // SHUT_WR: our FIN
    virtual bool at_mark(SocketId id) = 0;       // sockatmark: the next byte is the urgent mark
    virtual TcpInfo tcp_info(SocketId id) = 0;   // one TCP_INFO read
    // Usable size of the send queue (SO_SNDBUF halved: Linux doubles it for bookkeeping), read
    // once per socket and cached.
    virtual uint32_t send_buffer_size(SocketId id) = 0;

    // --- datagram sockets (UDP, ICMP) ----------------------------------------------------
    virtual Datagram receive_from(SocketId id, std::span<uint8_t> into, bool peek) = 0;
    virtual int send_to(SocketId id, std::span<const iovec> parts, Endpoint to) = 0;  // 0 or errno
    // The next ICMP error queued by IP_RECVERR, if any (an error without details: an empty
    // IcmpError with origin 0).
    virtual std::optional<IcmpError> take_error(SocketId id) = 0;

    // --- DNS (c-ares in the live implementation) ------------------------------------------
    // Configures the resolver; returns the problem when it cannot work (every lookup then
    // answers noNameServer without calling dns_start).
    virtual std::optional<std::string> dns_open(const dnr::ResolverOptions &options) = 0;
    // Event{dns, query} follows with the answer.
    virtual void dns_start(uint64_t query, dnr::QueryKind kind, const std::string &name, uint32_t address) = 0;
    // Abandons every lookup in flight: their events are not queued.
    virtual void dns_cancel_all() = 0;
};

}  // namespace mtb::net
