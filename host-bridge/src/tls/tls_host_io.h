// The TLS decorator of the host-operations layer (net/host_io.h, "Overriding connected-socket
// operations per socket"). A TCP connect() that an `ipptls` rule matches goes to the rule's TLS
// port instead, and from then on the connected-socket operations of that SocketId carry
// plaintext and its readiness is that of the plaintext stream, so the TCP service cannot tell a
// TLS connection from a plain one:
//   - the handshake runs between the TCP connect and the Event{connected} the service sees, its
//     steps on a worker thread (tls/handshake_worker.h: the 1 ms rule); a failed handshake
//     (certificate refused, server gone) is an Event{connected} with an error (openFailed to
//     the guest) after ONE log line naming host, port and reason;
//   - shutdown_send() is close_notify, then FIN; close(abortive) drops the engine and resets
//     (no close_notify); TLS has no urgent data (at_mark is false, `urgent` never set);
//   - tcp_info() counts ciphertext still queued in the engine as unsent.
// The bridge puts this decorator BELOW the trace recorder, so a trace records the plaintext the
// guest exchanged and replays without TLS. Every other socket and call passes straight through.
// Emulation thread only, like every HostIo.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "driver/logger.h"
#include "mactcp_bridge/host_environment.h"
#include "net/forwarding_host_io.h"
#include "tls/handshake_worker.h"
#include "tls/tls_socket.h"
#include "tls/tls_upstream.h"

namespace mtb::dnr {
class LookedUpNames;
}

namespace mtb::tls {

class TlsHostIo final : public net::ForwardingHostIo {
public:
    // `upstream` (the rules) and `names` (what the guest looked up, for SNI and verification)
    // must outlive every call but shutdown().
    TlsHostIo(net::HostIo &inner, HostEnvironment &host, Logger &log, const TlsUpstream &upstream,
              const dnr::LookedUpNames &names);

    net::Opened open(net::SocketKind kind) override;
    int connect(net::SocketId id, net::Endpoint remote) override;
    bool next_event(net::Event &out) override;
    void close(net::SocketId id, bool abortive) override;
    void shutdown() override;

    uint8_t readiness(net::SocketId id) override;
    net::IoResult receive(net::SocketId id, std::span<uint8_t> into) override;
    net::IoResult send(net::SocketId id, std::span<const iovec> parts, bool urgent) override;
    int shutdown_send(net::SocketId id) override;
    bool at_mark(net::SocketId id) override;
    net::TcpInfo tcp_info(net::SocketId id) override;

    std::size_t wrapped_count() const { return wrapped_.size(); }

private:
    struct Wrapped {
        std::unique_ptr<TlsSocket> tls;  // null while a handshake step is on the worker
        ShuttleTransport *shuttle = nullptr;  // tls's transport (the handshake's, then handed over)
        uint64_t serial = 0;
        TlsUpstream::Plan plan;
        uint32_t address = 0;
        bool handshaking = true;
        bool tcp_connected = false;  // the TCP connect finished: the handshake is running
        bool stepping = false;       // a handshake step is on the worker
        std::optional<TlsEngine::State> ended;  // the handshake's end, told once its last flight left
        bool close_owed = false;     // shutdown_send() could not queue close_notify + FIN yet
    };
    Wrapped *find(net::SocketId id);
    // Handshake (tls_handshake.cpp): the ciphertext that arrived goes to the worker with the
    // TlsSocket; what a step wrote is sent when it comes back. progress() returns true (and
    // `out` = Event{connected}) once the handshake ended and its last flight left.
    void start_step(net::SocketId id, Wrapped &w, bool first);
    bool finish_step(HandshakeWorker::Step &step, net::Event &out);
    bool progress(net::SocketId id, Wrapped &w, net::Event &out);
    bool conclude(net::SocketId id, Wrapped &w, net::Event &out);
    // Moves queued ciphertext (and an owed close_notify + FIN) to the socket when it has room.
    void flush(Wrapped &w);
    uint8_t plaintext_readiness(net::SocketId id, Wrapped &w);
    void queue_own(const net::Event &event);

    HostEnvironment *host_;
    Logger *log_;
    const TlsUpstream *upstream_;
    const dnr::LookedUpNames *names_;
    std::unordered_set<net::SocketId> tcp_sockets_;  // opened as TCP, not yet connected or closed
    std::unordered_map<net::SocketId, Wrapped> wrapped_;
    std::deque<net::Event> own_events_;  // ours, returned before the inner layer's
    uint64_t next_serial_ = 1;
    HandshakeWorker worker_;  // last: stopped (joined) before the rest goes
};

}  // namespace mtb::tls
