// A HostIo that forwards every call to another one: the base of decorators (trace recorder,
// TLS over chosen sockets, counters in tests). Override what you intercept, forward the rest.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include "net/host_io.h"

namespace mtb::net {

class ForwardingHostIo : public HostIo {
public:
    explicit ForwardingHostIo(HostIo &inner) : inner_(&inner) {}
    HostIo &inner() { return *inner_; }

    Clock::time_point now() override { return inner_->now(); }
    void arm_wake_up(std::optional<Clock::time_point> deadline) override { inner_->arm_wake_up(deadline); }
    bool next_event(Event &out) override { return inner_->next_event(out); }
    Clock::duration thread_cpu_time() override { return inner_->thread_cpu_time(); }
    void shutdown() override { inner_->shutdown(); }
    HostNetworkInfo network_info() override { return inner_->network_info(); }

    Opened open(SocketKind kind) override { return inner_->open(kind); }
    int set_option(SocketId id, Option option, bool on) override { return inner_->set_option(id, option, on); }
    int bind(SocketId id, Endpoint local) override { return inner_->bind(id, local); }
    std::optional<Endpoint> local_endpoint(SocketId id) override { return inner_->local_endpoint(id); }
    int listen(SocketId id) override { return inner_->listen(id); }
    int connect(SocketId id, Endpoint remote) override { return inner_->connect(id, remote); }
    Accepted accept(SocketId listener) override { return inner_->accept(listener); }
    void close(SocketId id, bool abortive) override { inner_->close(id, abortive); }

    uint8_t readiness(SocketId id) override { return inner_->readiness(id); }
    int socket_error(SocketId id) override { return inner_->socket_error(id); }

    IoResult receive(SocketId id, std::span<uint8_t> into) override { return inner_->receive(id, into); }
    IoResult send(SocketId id, std::span<const iovec> parts, bool urgent) override { return inner_->send(id, parts, urgent); }
    int shutdown_send(SocketId id) override { return inner_->shutdown_send(id); }
    bool at_mark(SocketId id) override { return inner_->at_mark(id); }
    TcpInfo tcp_info(SocketId id) override { return inner_->tcp_info(id); }
    uint32_t send_buffer_size(SocketId id) override { return inner_->send_buffer_size(id); }

    Datagram receive_from(SocketId id, std::span<uint8_t> into, bool peek) override {
        return inner_->receive_from(id, into, peek);
    }
    int send_to(SocketId id, std::span<const iovec> parts, Endpoint to) override { return inner_->send_to(id, parts, to); }
    std::optional<IcmpError> take_error(SocketId id) override { return inner_->take_error(id); }

    std::optional<std::string> dns_open(const dnr::ResolverOptions &options) override { return inner_->dns_open(options); }
    void dns_start(uint64_t query, dnr::QueryKind kind, const std::string &name, uint32_t address) override {
        inner_->dns_start(query, kind, name, address);
    }
    void dns_cancel_all() override { inner_->dns_cancel_all(); }

private:
    HostIo *inner_;
};

}  // namespace mtb::net
