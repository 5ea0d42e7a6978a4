// The `ipptrace` recorder of host results: a HostIo decorator that forwards every request to
// the host it wraps and records each one, with its arguments and what the host answered, as a
// "host" record (tests/traces/README.md). Replay wraps its scripted host in the same recorder,
// so both sides write the same records and a difference in any argument or answer shows.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include "net/forwarding_host_io.h"
#include "trace/trace_writer.h"

namespace mtb {

class RecordingHostIo final : public net::ForwardingHostIo {
public:
    // `trace` may come later (replay builds the bridge, whose writer it is, around this).
    RecordingHostIo(net::HostIo &inner, TraceWriter *trace) : ForwardingHostIo(inner), trace_(trace) {}
    void record_into(TraceWriter &trace) { trace_ = &trace; }

    // Not recorded: shutdown (teardown), network_info (read once, before recording starts; the
    // header holds it).
    net::Clock::time_point now() override;
    net::Clock::duration thread_cpu_time() override;  // the slow-call warning's CPU samples
    void arm_wake_up(std::optional<net::Clock::time_point> deadline) override;
    bool next_event(net::Event &out) override;

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
    void dns_cancel_all() override;

private:
    bool on() const { return trace_ != nullptr && trace_->enabled(); }
    TraceWriter *trace_;
};

}  // namespace mtb
