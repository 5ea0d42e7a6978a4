// Host listening sockets for guest passive opens: ONE listener per guest local port, shared by
// every stream with a passive open pending on that port (design.md 5, mactcp-reference 10).
// The listener exists while at least one open waits on it, and lingers one second after the
// last one leaves: servers re-listen on the same port right after each accept (Tcl, DGD,
// Retro68), and closing at once would reset the connections that reach the port in between
// (they wait in the backlog instead, and the next open on the port takes them; when the linger
// ends unused, closing the listener resets them). Accepted connections go to the waiting opens
// in issue order (TcpService applies the remote host/port filters) and a connection no waiting
// open wants is reset, like MacTCP refusing a SYN nobody listens for.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <unordered_map>

#include "driver/driver_core.h"
#include "net/event_router.h"
#include "tcp/listen_config.h"
#include "tcp/tcp_stream.h"

namespace mtb {

struct AcceptedConnection {
    net::SocketId socket = net::kNoSocket;  // the receiver owns it from now on
    uint32_t remote_host = 0, local_host = 0;  // host byte order
    uint16_t remote_port = 0;
    std::optional<net::Ipv6Address> remote_ipv6;  // an IPv6 client (`ipplisten any6`)
};

struct ListenWaiter {
    uint32_t stream_ptr;
    uint64_t connection;
};

// Accepts on the emulation thread when the host reports a listener readable (net/ readiness);
// a host out of descriptors (EMFILE, ENFILE) is retried after a growing pause, never in a loop.
class ListenerPool final : public net::SocketClient {
public:
    // Emulation thread: a connection arrived on the listener of `guest_port`.
    using OnAccept = std::function<void(uint16_t guest_port, AcceptedConnection connection)>;

    ListenerPool(DriverCore &core, const ListenConfig &config, OnAccept on_accept)
        : core_(&core), config_(&config), on_accept_(std::move(on_accept)) {}

    // Adds a waiter on `guest_port`, creating the host listener if there is none. Port 0 picks
    // a free port, returned in `guest_port`. Returns noErr or the MacTCP error for the host's
    // refusal. `local_host` gets the address the guest should see.
    int16_t join(uint16_t &guest_port, ListenWaiter waiter, uint32_t &local_host);
    // Removes the waiter; the last one leaving closes the host listener.
    void leave(uint16_t guest_port, ListenWaiter waiter);
    // The waiters of `guest_port` in issue order (a copy: callers make guest calls after).
    std::deque<ListenWaiter> waiters(uint16_t guest_port) const;
    std::size_t size() const { return listeners_.size(); }
    void reset();  // guest reset: close every listener

    void on_socket_event(const net::Event &event) override;

private:
    struct Listener {
        uint16_t host_port = 0;
        uint32_t address = 0;
        uint64_t id = 0;
        net::SocketId socket = net::kNoSocket;
        std::deque<ListenWaiter> waiters;
        std::optional<TimerQueue::TimerId> linger;  // closes the idle listener
        std::optional<TimerQueue::TimerId> retry;   // accepting again after a pause
        std::chrono::milliseconds pause{0};         // the current pause (grows while the host refuses)
    };
    void accept_waiting(uint16_t guest_port, uint64_t id);
    void retry_later(Listener &listener, uint16_t guest_port, std::chrono::milliseconds after);
    void close(Listener &listener);

    DriverCore *core_;
    const ListenConfig *config_;
    OnAccept on_accept_;
    std::map<uint16_t, Listener> listeners_;  // by guest port
    std::unordered_map<net::SocketId, uint16_t> by_socket_;
    uint64_t next_id_ = 1;
};

}  // namespace mtb
