// Who consumes each host Event: sockets are routed to the service that opened them, DNS answers
// to the DNR. Emulation thread only.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstdint>
#include <unordered_map>

#include "net/host_io.h"

namespace mtb::net {

// A service that owns host sockets: gets Event{ready} and Event{connected} for them.
class SocketClient {
public:
    virtual ~SocketClient() = default;
    virtual void on_socket_event(const Event &event) = 0;
};

// The DNR: gets Event{dns}.
class DnsClient {
public:
    virtual ~DnsClient() = default;
    virtual void on_dns_answer(uint64_t query, dnr::DnsAnswer &answer) = 0;
};

class EventRouter {
public:
    // Events of `socket` go to `client` until forget(socket). Call right after open/accept.
    void route(SocketId socket, SocketClient &client) { sockets_[socket] = &client; }
    void forget(SocketId socket) { sockets_.erase(socket); }
    void set_dns_client(DnsClient *client) { dns_ = client; }
    void clear() { sockets_.clear(); }

    // Hands the event to its consumer (an event for a socket nobody owns any more is dropped).
    void dispatch(Event &event) {
        switch (event.kind) {
        case Event::Kind::ready:
        case Event::Kind::connected:
            if (const auto found = sockets_.find(event.socket); found != sockets_.end()) found->second->on_socket_event(event);
            break;
        case Event::Kind::dns:
            if (dns_ != nullptr) dns_->on_dns_answer(event.query, event.answer);
            break;
        case Event::Kind::wake: break;  // the timers run at every interrupt anyway
        }
    }

private:
    std::unordered_map<SocketId, SocketClient *> sockets_;
    DnsClient *dns_ = nullptr;
};

}  // namespace mtb::net
