// The host side of a replay: every HostIo request answered from the recording, with no
// sockets, no threads and no real clock. Replay wraps it in the trace recorder, whose records
// are compared with the recorded ones, so a request with other arguments is a divergence.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <nlohmann/json.hpp>

#include "net/host_io.h"
#include "replay_script.h"

namespace mtb::trace {

class ReplayHostIo final : public net::HostIo {
public:
    ReplayHostIo(ReplayScript &script, const nlohmann::json &header) : script_(&script), header_(&header) {}

    net::Clock::time_point now() override;
    void arm_wake_up(std::optional<net::Clock::time_point>) override {}
    bool next_event(net::Event &out) override;
    net::Clock::duration thread_cpu_time() override;  // the slow-call warning's recorded samples
    void shutdown() override {}
    HostNetworkInfo network_info() override;

    net::Opened open(net::SocketKind kind) override;
    int set_option(net::SocketId id, net::Option option, bool on) override;
    int bind(net::SocketId id, net::Endpoint local) override;
    std::optional<net::Endpoint> local_endpoint(net::SocketId id) override;
    int listen(net::SocketId id) override;
    int connect(net::SocketId id, net::Endpoint remote) override;
    net::Accepted accept(net::SocketId listener) override;
    void close(net::SocketId, bool) override {}

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
    void dns_start(uint64_t, dnr::QueryKind, const std::string &, uint32_t) override {}
    void dns_cancel_all() override {}

private:
    // The recorded answer's field `key`, or `fallback` when the replay is stopping.
    int64_t number(std::string_view op, const char *key, int64_t fallback = 0);

    ReplayScript *script_;
    const nlohmann::json *header_;
    net::Clock::time_point last_now_{};
};

}  // namespace mtb::trace
