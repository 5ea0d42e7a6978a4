// SPDX-License-Identifier: GPL-2.0-or-later
#include "trace/recording_host_io.h"

#include <arpa/inet.h>
#include <fmt/format.h>

#include "dnr/dns_resolver.h"

namespace mtb {

namespace {

using net::Clock;

int64_t ns(Clock::time_point t) { return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count(); }

const char *kind_name(net::SocketKind kind) {
    switch (kind) {
    case net::SocketKind::tcp: return "tcp";
    case net::SocketKind::udp: return "udp";
    case net::SocketKind::icmp_datagram: return "icmp_datagram";
    case net::SocketKind::icmp_raw: return "icmp_raw";
    case net::SocketKind::tcp6: return "tcp6";
    case net::SocketKind::udp6: return "udp6";
    }
    return "?";
}

const char *query_name(dnr::QueryKind kind) {
    switch (kind) {
    case dnr::QueryKind::address: return "address";
    case dnr::QueryKind::name: return "name";
    case dnr::QueryKind::hinfo: return "hinfo";
    case dnr::QueryKind::mx: return "mx";
    }
    return "?";
}

// `,"KEY":"2001:db8::1"` for an IPv6 endpoint, nothing for an IPv4 one (records stay as before).
std::string ipv6_field(const char *key, const net::Endpoint &endpoint) {
    if (!endpoint.ipv6) return "";
    char text[INET6_ADDRSTRLEN] = "";
    ::inet_ntop(AF_INET6, endpoint.ipv6->data(), text, sizeof text);
    return fmt::format(R"(,"{}":"{}")", key, text);
}

std::size_t total(std::span<const iovec> parts) {
    std::size_t n = 0;
    for (const iovec &part : parts) n += part.iov_len;
    return n;
}

std::string text(std::string_view bytes) {
    std::string out;
    TraceWriter::append_json_string(out, bytes);
    return out;
}

std::string answer_fields(const dnr::DnsAnswer &a) {
    std::string out = fmt::format(R"(,"status":{},"canonical":{},"addresses":[)", a.status, text(a.canonical));
    for (std::size_t i = 0; i < a.addresses.size(); ++i) out += fmt::format("{}{}", i ? "," : "", a.addresses[i]);
    out += "]";
    // AAAA answers of IPv6-only names (issue 15); absent when there are none (records stay as before).
    if (!a.ipv6_addresses.empty()) {
        out += R"(,"addresses6":[)";
        for (std::size_t i = 0; i < a.ipv6_addresses.size(); ++i) {
            char address[INET6_ADDRSTRLEN] = "";
            ::inet_ntop(AF_INET6, a.ipv6_addresses[i].data(), address, sizeof address);
            out += fmt::format(R"({}"{}")", i ? "," : "", address);
        }
        out += "]";
    }
    out += fmt::format(R"(,"ttl":{},"cnames":[)", a.ttl);
    for (std::size_t i = 0; i < a.cnames.size(); ++i)
        out += fmt::format(R"({}[{},{},{}])", i ? "," : "", text(a.cnames[i].alias), text(a.cnames[i].target), a.cnames[i].ttl);
    out += fmt::format(R"(],"mx_preference":{},"mx_exchange":{},"hinfo_cpu":{},"hinfo_os":{})", a.mx_preference,
                       text(a.mx_exchange), text(a.hinfo_cpu), text(a.hinfo_os));
    return out;
}

}  // namespace

Clock::time_point RecordingHostIo::now() {
    const auto t = inner().now();
    if (on()) trace_->host("now", fmt::format(R"(,"ns":{})", ns(t)));
    return t;
}

Clock::duration RecordingHostIo::thread_cpu_time() {
    const auto cpu = inner().thread_cpu_time();
    if (on()) trace_->host("thread_cpu_time", fmt::format(R"(,"ns":{})", std::chrono::duration_cast<std::chrono::nanoseconds>(cpu).count()));
    return cpu;
}

void RecordingHostIo::arm_wake_up(std::optional<Clock::time_point> deadline) {
    inner().arm_wake_up(deadline);
    if (on()) trace_->host("arm_wake_up", deadline ? fmt::format(R"(,"ns":{})", ns(*deadline)) : R"(,"ns":null)");
}

bool RecordingHostIo::next_event(net::Event &out) {
    const bool got = inner().next_event(out);
    if (!on()) return got;
    if (!got) {
        trace_->host("next_event", R"(,"event":null)");
        return got;
    }
    switch (out.kind) {
    case net::Event::Kind::ready:
        trace_->host("next_event", fmt::format(R"(,"event":"ready","id":{},"flags":{})", out.socket, out.flags));
        break;
    case net::Event::Kind::connected:
        trace_->host("next_event", fmt::format(R"(,"event":"connected","id":{},"error":{})", out.socket, out.error));
        break;
    case net::Event::Kind::wake: trace_->host("next_event", R"(,"event":"wake")"); break;
    case net::Event::Kind::dns:
        trace_->host("next_event", fmt::format(R"(,"event":"dns","query":{})", out.query) + answer_fields(out.answer));
        break;
    }
    return got;
}

net::Opened RecordingHostIo::open(net::SocketKind kind) {
    const net::Opened opened = inner().open(kind);
    if (on()) trace_->host("open", fmt::format(R"(,"kind":"{}","id":{},"error":{})", kind_name(kind), opened.id, opened.error));
    return opened;
}

int RecordingHostIo::set_option(net::SocketId id, net::Option option, bool value) {
    const int error = inner().set_option(id, option, value);
    if (on()) trace_->host("set_option", fmt::format(R"(,"id":{},"option":{},"on":{},"error":{})", id, static_cast<int>(option), value, error));
    return error;
}

int RecordingHostIo::bind(net::SocketId id, net::Endpoint local) {
    const int error = inner().bind(id, local);
    if (on()) trace_->host("bind", fmt::format(R"(,"id":{},"host":{},"port":{},"error":{}{})", id, local.host, local.port, error,
                                                ipv6_field("host6", local)));
    return error;
}

std::optional<net::Endpoint> RecordingHostIo::local_endpoint(net::SocketId id) {
    const auto local = inner().local_endpoint(id);
    if (on())
        trace_->host("local_endpoint", local ? fmt::format(R"(,"id":{},"host":{},"port":{}{})", id, local->host, local->port, ipv6_field("host6", *local))
                                             : fmt::format(R"(,"id":{},"host":null)", id));
    return local;
}

int RecordingHostIo::listen(net::SocketId id) {
    const int error = inner().listen(id);
    if (on()) trace_->host("listen", fmt::format(R"(,"id":{},"error":{})", id, error));
    return error;
}

int RecordingHostIo::connect(net::SocketId id, net::Endpoint remote) {
    const int error = inner().connect(id, remote);
    if (on()) trace_->host("connect", fmt::format(R"(,"id":{},"host":{},"port":{},"error":{}{})", id, remote.host, remote.port, error,
                                                   ipv6_field("host6", remote)));
    return error;
}

net::Accepted RecordingHostIo::accept(net::SocketId listener) {
    const net::Accepted a = inner().accept(listener);
    if (on())
        trace_->host("accept", fmt::format(R"(,"id":{},"new":{},"error":{},"rhost":{},"rport":{},"lhost":{},"lport":{}{}{})", listener,
                                           a.id, a.error, a.remote.host, a.remote.port, a.local.host, a.local.port,
                                           ipv6_field("rhost6", a.remote), ipv6_field("lhost6", a.local)));
    return a;
}

void RecordingHostIo::close(net::SocketId id, bool abortive) {
    inner().close(id, abortive);
    if (on()) trace_->host("close", fmt::format(R"(,"id":{},"abortive":{})", id, abortive));
}

uint8_t RecordingHostIo::readiness(net::SocketId id) {
    const uint8_t flags = inner().readiness(id);
    if (on()) trace_->host("readiness", fmt::format(R"(,"id":{},"flags":{})", id, flags));
    return flags;
}

int RecordingHostIo::socket_error(net::SocketId id) {
    const int error = inner().socket_error(id);
    if (on()) trace_->host("socket_error", fmt::format(R"(,"id":{},"error":{})", id, error));
    return error;
}

net::IoResult RecordingHostIo::receive(net::SocketId id, std::span<uint8_t> into) {
    const net::IoResult r = inner().receive(id, into);
    if (on()) {
        std::string fields = fmt::format(R"(,"id":{},"len":{},"bytes":{},"error":{},"b":)", id, into.size(), r.bytes, r.error);
        TraceWriter::append_base64(fields, into.first(r.bytes > 0 ? static_cast<std::size_t>(r.bytes) : 0));
        trace_->host("receive", fields);
    }
    return r;
}

net::IoResult RecordingHostIo::send(net::SocketId id, std::span<const iovec> parts, bool urgent) {
    const net::IoResult r = inner().send(id, parts, urgent);
    // The bytes offered are in the "rd" records of the guest buffers they came from.
    if (on()) trace_->host("send", fmt::format(R"(,"id":{},"len":{},"urgent":{},"bytes":{},"error":{})", id, total(parts), urgent, r.bytes, r.error));
    return r;
}

int RecordingHostIo::shutdown_send(net::SocketId id) {
    const int error = inner().shutdown_send(id);
    if (on()) trace_->host("shutdown_send", fmt::format(R"(,"id":{},"error":{})", id, error));
    return error;
}

bool RecordingHostIo::at_mark(net::SocketId id) {
    const bool mark = inner().at_mark(id);
    if (on()) trace_->host("at_mark", fmt::format(R"(,"id":{},"mark":{})", id, mark));
    return mark;
}

net::TcpInfo RecordingHostIo::tcp_info(net::SocketId id) {
    const net::TcpInfo i = inner().tcp_info(id);
    if (on())
        trace_->host("tcp_info", fmt::format(R"(,"id":{},"v":[{},{},{},{},{},{},{},{},{},{},{},{}])", id, i.unacked, i.unsent, i.rtt_ms,
                                             i.rtt_var_ms, i.mss, i.cwnd_bytes, i.retransmits, i.segs_out, i.segs_in,
                                             i.data_segs_out, i.data_segs_in, i.total_retrans));
    return i;
}

uint32_t RecordingHostIo::send_buffer_size(net::SocketId id) {
    const uint32_t size = inner().send_buffer_size(id);
    if (on()) trace_->host("send_buffer_size", fmt::format(R"(,"id":{},"size":{})", id, size));
    return size;
}

net::Datagram RecordingHostIo::receive_from(net::SocketId id, std::span<uint8_t> into, bool peek) {
    const net::Datagram d = inner().receive_from(id, into, peek);
    if (on()) {
        std::string fields = fmt::format(R"(,"id":{},"len":{},"peek":{},"length":{},"error":{},"fhost":{},"fport":{}{},"lhost":{},"b":)", id,
                                         into.size(), peek, d.length, d.error, d.from.host, d.from.port,
                                         ipv6_field("fhost6", d.from), d.local_host);
        const std::size_t copied = d.length > 0 ? std::min(into.size(), static_cast<std::size_t>(d.length)) : 0;
        TraceWriter::append_base64(fields, into.first(copied));
        trace_->host("receive_from", fields);
    }
    return d;
}

int RecordingHostIo::send_to(net::SocketId id, std::span<const iovec> parts, net::Endpoint to) {
    const int error = inner().send_to(id, parts, to);
    if (on())
        trace_->host("send_to", fmt::format(R"(,"id":{},"len":{},"host":{},"port":{}{},"error":{})", id, total(parts), to.host,
                                            to.port, ipv6_field("host6", to), error));
    return error;
}

std::optional<net::IcmpError> RecordingHostIo::take_error(net::SocketId id) {
    const auto e = inner().take_error(id);
    if (on())
        trace_->host("take_error", e ? fmt::format(R"(,"id":{},"origin":{},"type":{},"code":{},"info":{},"ohost":{},"oport":{}{})", id,
                                                   e->origin, e->type, e->code, e->info, e->offender.host, e->offender.port,
                                                   ipv6_field("ohost6", e->offender))
                                     : fmt::format(R"(,"id":{},"origin":null)", id));
    return e;
}

std::optional<std::string> RecordingHostIo::dns_open(const dnr::ResolverOptions &options) {
    const auto problem = inner().dns_open(options);
    if (on())
        trace_->host("dns_open", fmt::format(R"(,"servers":{},"timeout_ms":{},"tries":{},"problem":{})", text(options.servers),
                                             options.timeout_ms, options.tries, problem ? text(*problem) : "null"));
    return problem;
}

void RecordingHostIo::dns_start(uint64_t query, dnr::QueryKind kind, const std::string &name, uint32_t address) {
    inner().dns_start(query, kind, name, address);
    if (on())
        trace_->host("dns_start", fmt::format(R"(,"query":{},"kind":"{}","name":{},"address":{})", query, query_name(kind), text(name), address));
}

void RecordingHostIo::dns_cancel_all() {
    inner().dns_cancel_all();
    if (on()) trace_->host("dns_cancel_all", "");
}

}  // namespace mtb
