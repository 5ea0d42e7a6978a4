// The fuzzer's host (net/host_io.h answered from the fuzz input): no sockets, no threads, no real
// clock. Every result the bridge asks for (bytes received, partial sends, would-block, errors,
// connect and accept results, TCP_INFO) is read from the input when asked; readiness, connect
// results, wake-ups and DNS answers become Events when the operation decoder says so. Answers
// stay inside the HostIo contract (never more bytes than the span, readiness cleared by a
// would-block), so what the bridge does with them is the bridge's doing.
//
// It also checks the bridge's side of the contract and aborts (a finding) when it is broken:
// an operation on a socket that is not open (never opened, or already closed).
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <deque>
#include <map>
#include <vector>

#include "fuzz_input.h"
#include "net/host_io.h"

namespace mtb::fuzz {

class ScriptedHostIo final : public net::HostIo {
public:
    explicit ScriptedHostIo(FuzzInput &input) : in_(&input) {}

    // --- what the operation decoder drives ---------------------------------------------------
    // The socket the decoder's `which` names among those open (kNoSocket when none is).
    net::SocketId pick_socket(uint8_t which) const;
    // The socket gains `flags` (Event{ready} when a flag is new).
    void make_ready(net::SocketId id, uint8_t flags);
    // An asynchronous connect of `id` finishes with `error` (only while one is in progress).
    void finish_connect(net::SocketId id, int error);
    // The clock moves on; the armed wake-up fires once passed.
    void advance(net::Clock::duration by);
    // Answers the lookup `which` names among those started, from the input.
    void answer_dns(uint8_t which);
    std::size_t open_sockets() const { return sockets_.size(); }
    std::size_t lookups_in_flight() const { return lookups_.size(); }

    // --- net::HostIo -------------------------------------------------------------------------
    net::Clock::time_point now() override { return now_; }
    void arm_wake_up(std::optional<net::Clock::time_point> deadline) override { wake_ = deadline; }
    bool next_event(net::Event &out) override;
    net::Clock::duration thread_cpu_time() override { return {}; }
    void shutdown() override;
    HostNetworkInfo network_info() override;

    net::Opened open(net::SocketKind kind) override;
    int set_option(net::SocketId id, net::Option option, bool on) override;
    int bind(net::SocketId id, net::Endpoint local) override;
    std::optional<net::Endpoint> local_endpoint(net::SocketId id) override;
    int listen(net::SocketId id) override;
    int connect(net::SocketId id, net::Endpoint remote) override;
    net::Accepted accept(net::SocketId listener) override;
    void close(net::SocketId id, bool abortive) override;

    uint8_t readiness(net::SocketId id) override;
    int socket_error(net::SocketId id) override;

    net::IoResult receive(net::SocketId id, std::span<uint8_t> into) override;
    net::IoResult send(net::SocketId id, std::span<const iovec> parts, bool urgent) override;
    int shutdown_send(net::SocketId id) override;
    bool at_mark(net::SocketId id) override;
    net::TcpInfo tcp_info(net::SocketId id) override;
    uint32_t send_buffer_size(net::SocketId id) override;

    net::Datagram receive_from(net::SocketId id, std::span<uint8_t> into, bool peek) override;
    int send_to(net::SocketId id, std::span<const iovec> parts, net::Endpoint to) override;
    std::optional<net::IcmpError> take_error(net::SocketId id) override;

    std::optional<std::string> dns_open(const dnr::ResolverOptions &options) override;
    void dns_start(uint64_t query, dnr::QueryKind kind, const std::string &name, uint32_t address) override;
    void dns_cancel_all() override { lookups_.clear(); }

private:
    struct Socket {
        net::SocketKind kind = net::SocketKind::tcp;
        uint8_t flags = 0;
        bool connecting = false;
        uint16_t port = 0;
        uint32_t send_buffer = 0;
    };
    struct Lookup {
        uint64_t query = 0;
        dnr::QueryKind kind = dnr::QueryKind::address;
    };

    Socket &socket(net::SocketId id);  // aborts when `id` is not open: a bridge bug
    net::SocketId add(net::SocketKind kind);
    net::Endpoint ipv6_peer();
    void clear(Socket &s, uint8_t flags) { s.flags = static_cast<uint8_t>(s.flags & ~flags); }
    int error_from(uint8_t choice, std::initializer_list<int> errors) const;

    FuzzInput *in_;
    std::map<net::SocketId, Socket> sockets_;
    net::SocketId next_id_ = 1;
    std::deque<net::Event> events_;
    net::Clock::time_point now_ = net::Clock::time_point(std::chrono::hours(1));
    std::optional<net::Clock::time_point> wake_;
    std::vector<Lookup> lookups_;
};

}  // namespace mtb::fuzz
