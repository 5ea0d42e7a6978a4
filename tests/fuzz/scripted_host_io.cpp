// SPDX-License-Identifier: GPL-2.0-or-later
#include "scripted_host_io.h"

#include <cstdlib>
#include <cstring>

namespace mtb::fuzz {

using namespace net;

namespace {
constexpr uint32_t kLoopback = 0x7F000001;
}

// A peer of a udp6 socket: ::1, or one of the 2001:db8:XXYY:: addresses answer_dns hands out
// (so datagrams come from hosts the guest looked up and wrote to), or anything.
Endpoint ScriptedHostIo::ipv6_peer() {
    Ipv6Address address{};
    const uint8_t shape = in_->u8() % 3;
    if (shape == 0) {
        address[15] = 1;
    } else if (shape == 1) {
        address = {0x20, 0x01, 0x0d, 0xb8, in_->u8(), in_->u8()};
    } else {
        in_->bytes(address);
    }
    return Endpoint{0, in_->u16(), address};
}

ScriptedHostIo::Socket &ScriptedHostIo::socket(SocketId id) {
    const auto found = sockets_.find(id);
    if (found == sockets_.end()) std::abort();  // the bridge used a socket it never had or already closed
    return found->second;
}

SocketId ScriptedHostIo::add(SocketKind kind) {
    const SocketId id = next_id_++;
    Socket s;
    s.kind = kind;
    s.flags = ready::writable;  // a fresh socket can be written to once connected
    sockets_[id] = s;
    return id;
}

int ScriptedHostIo::error_from(uint8_t choice, std::initializer_list<int> errors) const {
    return errors.begin()[choice % errors.size()];
}

SocketId ScriptedHostIo::pick_socket(uint8_t which) const {
    if (sockets_.empty()) return kNoSocket;
    auto it = sockets_.begin();
    std::advance(it, which % sockets_.size());
    return it->first;
}

void ScriptedHostIo::make_ready(SocketId id, uint8_t flags) {
    const auto found = sockets_.find(id);
    if (found == sockets_.end()) return;
    Socket &s = found->second;
    const uint8_t gained = static_cast<uint8_t>(flags & ~s.flags);
    s.flags |= flags;
    if (gained == 0) return;
    for (Event &queued : events_) {  // transitions before the next drain coalesce into one event
        if (queued.kind == Event::Kind::ready && queued.socket == id) {
            queued.flags = s.flags;
            return;
        }
    }
    Event event;
    event.kind = Event::Kind::ready;
    event.socket = id;
    event.flags = s.flags;
    events_.push_back(event);
}

void ScriptedHostIo::finish_connect(SocketId id, int error) {
    const auto found = sockets_.find(id);
    if (found == sockets_.end() || !found->second.connecting) return;
    found->second.connecting = false;
    Event event;
    event.kind = Event::Kind::connected;
    event.socket = id;
    event.error = error;
    events_.push_back(event);
}

void ScriptedHostIo::advance(Clock::duration by) {
    now_ += by;
    if (wake_ && *wake_ <= now_) {
        wake_.reset();
        events_.push_back(Event{});  // Kind::wake
    }
}

void ScriptedHostIo::answer_dns(uint8_t which) {
    if (lookups_.empty()) return;
    const auto at = lookups_.begin() + which % lookups_.size();
    Event event;
    event.kind = Event::Kind::dns;
    event.query = at->query;
    dnr::DnsAnswer &answer = event.answer;
    const uint8_t shape = in_->u8();
    if (shape % 4 == 0) {
        static constexpr int16_t kErrors[] = {err::nameSyntaxErr, err::noNameServer, err::authNameErr,
                                              err::noAnsErr, err::dnrErr, err::outOfMemory, err::cacheFault};
        answer.status = kErrors[in_->u8() % std::size(kErrors)];
    } else {
        char name[300];
        const std::size_t length = in_->u8() % 2 == 0 ? in_->u16() % sizeof name : in_->u8() % 40;
        const std::size_t got = in_->bytes(std::span(reinterpret_cast<uint8_t *>(name), length));
        answer.canonical.assign(name, got);
        for (unsigned n = in_->u8() % 6; n > 0; --n) answer.addresses.push_back(in_->u32());
        if (shape & 4) answer.ipv6_addresses.push_back({0x20, 0x01, 0x0d, 0xb8, in_->u8(), in_->u8()});
        answer.ttl = in_->u32();
        if (shape & 8) answer.cnames.push_back({answer.canonical + ".alias", answer.canonical, in_->u16()});
        answer.mx_preference = in_->u16();
        answer.mx_exchange = answer.canonical;
        answer.hinfo_cpu = std::string(in_->u8() % 80, 'C');
        answer.hinfo_os = std::string(in_->u8() % 80, 'O');
    }
    lookups_.erase(at);
    events_.push_back(std::move(event));
}

bool ScriptedHostIo::next_event(Event &out) {
    if (events_.empty()) return false;
    out = std::move(events_.front());
    events_.pop_front();
    return true;
}

void ScriptedHostIo::shutdown() {
    sockets_.clear();
    events_.clear();
    lookups_.clear();
}

HostNetworkInfo ScriptedHostIo::network_info() {
    HostNetworkInfo info;
    info.address = 0x0A000002;
    info.netmask = 0xFFFFFF00;
    info.mtu = 1500;
    info.found_outward_interface = true;
    return info;
}

Opened ScriptedHostIo::open(SocketKind kind) {
    if (in_->u8() % 16 == 1) return {kNoSocket, error_from(in_->u8(), {EMFILE, ENFILE, ENOBUFS, EACCES})};
    return {add(kind), 0};
}

int ScriptedHostIo::set_option(SocketId id, Option, bool) {
    socket(id);
    return in_->u8() % 32 == 1 ? EINVAL : 0;
}

int ScriptedHostIo::bind(SocketId id, Endpoint local) {
    Socket &s = socket(id);
    if (in_->u8() % 8 == 1) return error_from(in_->u8(), {EADDRINUSE, EACCES, EADDRNOTAVAIL});
    s.port = local.port != 0 ? local.port : static_cast<uint16_t>(40000 + id);
    return 0;
}

std::optional<Endpoint> ScriptedHostIo::local_endpoint(SocketId id) {
    const Socket &s = socket(id);
    if (in_->u8() % 32 == 1) return std::nullopt;
    return Endpoint{kLoopback, s.port != 0 ? s.port : static_cast<uint16_t>(40000 + id)};
}

int ScriptedHostIo::listen(SocketId id) {
    socket(id);
    return in_->u8() % 16 == 1 ? EADDRINUSE : 0;
}

int ScriptedHostIo::connect(SocketId id, Endpoint) {
    Socket &s = socket(id);
    switch (in_->u8() % 6) {
    case 0: return 0;
    case 1: return error_from(in_->u8(), {ECONNREFUSED, ENETUNREACH, EHOSTUNREACH, ETIMEDOUT, EADDRNOTAVAIL});
    default: s.connecting = true; return EINPROGRESS;
    }
}

Accepted ScriptedHostIo::accept(SocketId listener) {
    Socket &l = socket(listener);
    const uint8_t choice = in_->u8();
    if (choice % 4 == 0) {
        clear(l, ready::readable);
        return {kNoSocket, EAGAIN, {}, {}};
    }
    if (choice % 4 == 1) return {kNoSocket, error_from(in_->u8(), {EMFILE, ENFILE, ECONNABORTED, ENOBUFS}), {}, {}};
    const uint16_t port = l.port;
    const SocketId id = add(SocketKind::tcp);
    return {id, 0, Endpoint{in_->u8() % 2 ? kLoopback : in_->u32(), in_->u16()}, Endpoint{kLoopback, port}};
}

void ScriptedHostIo::close(SocketId id, bool) {
    socket(id);
    sockets_.erase(id);
    std::erase_if(events_, [id](const Event &e) { return e.socket == id; });
}

uint8_t ScriptedHostIo::readiness(SocketId id) { return socket(id).flags; }

int ScriptedHostIo::socket_error(SocketId id) {
    Socket &s = socket(id);
    clear(s, ready::error);
    const uint8_t choice = in_->u8();
    return choice % 3 == 0 ? 0 : error_from(choice / 3, {ECONNREFUSED, ETIMEDOUT, ECONNRESET, EHOSTUNREACH});
}

IoResult ScriptedHostIo::receive(SocketId id, std::span<uint8_t> into) {
    Socket &s = socket(id);
    const uint8_t choice = in_->u8();
    if (in_->empty() || choice % 8 < 2) {
        clear(s, ready::readable);
        return {-1, EAGAIN};
    }
    if (choice % 8 == 2) return {-1, error_from(in_->u8(), {ECONNRESET, ETIMEDOUT, EPIPE, EHOSTUNREACH})};
    if (choice % 8 == 3 || into.empty()) return {0, 0};  // the peer's FIN
    const std::size_t n = std::min<std::size_t>(into.size(), 1 + in_->u16() % into.size());
    const std::size_t copied = in_->bytes(into.first(n));
    std::memset(into.data() + copied, 0x5A, n - copied);
    if (s.flags & ready::urgent && in_->u8() % 2) clear(s, ready::urgent);
    return {static_cast<int64_t>(n), 0};
}

IoResult ScriptedHostIo::send(SocketId id, std::span<const iovec> parts, bool) {
    Socket &s = socket(id);
    std::size_t total = 0;
    for (const iovec &part : parts) total += part.iov_len;
    const uint8_t choice = in_->u8();
    if (in_->empty() || choice % 8 < 2) {
        clear(s, ready::writable);
        return {-1, EAGAIN};
    }
    if (choice % 8 == 2) return {-1, error_from(in_->u8(), {EPIPE, ECONNRESET, ETIMEDOUT, ENOBUFS})};
    if (choice % 8 == 3 && total > 0) return {static_cast<int64_t>(in_->u16() % total), 0};
    return {static_cast<int64_t>(total), 0};
}

int ScriptedHostIo::shutdown_send(SocketId id) {
    socket(id);
    return in_->u8() % 16 == 1 ? ENOTCONN : 0;
}

bool ScriptedHostIo::at_mark(SocketId id) {
    socket(id);
    return in_->u8() % 2 == 1;
}

TcpInfo ScriptedHostIo::tcp_info(SocketId id) {
    socket(id);
    TcpInfo info;
    if (in_->u8() % 2 == 0) return info;
    info.unacked = in_->u16();
    info.unsent = in_->u16();
    info.rtt_ms = in_->u16();
    info.rtt_var_ms = in_->u16();
    info.mss = in_->u16();
    info.cwnd_bytes = in_->u32();
    info.retransmits = in_->u8();
    info.segs_out = in_->u32();
    info.segs_in = in_->u32();
    info.total_retrans = in_->u16();
    return info;
}

uint32_t ScriptedHostIo::send_buffer_size(SocketId id) {
    Socket &s = socket(id);
    if (s.send_buffer == 0) s.send_buffer = 2048u << (in_->u8() % 6);  // read once per socket, as the live one
    return s.send_buffer;
}

Datagram ScriptedHostIo::receive_from(SocketId id, std::span<uint8_t> into, bool peek) {
    Socket &s = socket(id);
    const uint8_t choice = in_->u8();
    if (in_->empty() || choice % 4 == 0) {
        clear(s, ready::readable);
        return {-1, EAGAIN, {}, 0};
    }
    if (choice % 4 == 1) return {-1, error_from(in_->u8(), {ECONNREFUSED, EHOSTUNREACH, ENOBUFS}), {}, 0};
    const int64_t length = in_->u16() % 2000;  // may exceed the span (MSG_TRUNC)
    const std::size_t n = std::min<std::size_t>(into.size(), static_cast<std::size_t>(length));
    const std::size_t copied = in_->bytes(into.first(n));
    std::memset(into.data() + copied, 0xA5, n - copied);
    const Endpoint from = s.kind == SocketKind::udp6 ? ipv6_peer() : Endpoint{in_->u8() % 2 ? kLoopback : in_->u32(), in_->u16()};
    Datagram d{length, 0, from, s.kind == SocketKind::udp6 ? 0 : kLoopback};
    if (!peek && in_->u8() % 2) clear(s, ready::readable);
    return d;
}

int ScriptedHostIo::send_to(SocketId id, std::span<const iovec>, Endpoint) {
    Socket &s = socket(id);
    const uint8_t choice = in_->u8();
    if (choice % 8 == 1) {
        clear(s, ready::writable);
        return EAGAIN;
    }
    if (choice % 8 == 2) return error_from(in_->u8(), {EMSGSIZE, ENETUNREACH, ECONNREFUSED, EACCES});
    return 0;
}

std::optional<IcmpError> ScriptedHostIo::take_error(SocketId id) {
    Socket &s = socket(id);
    if (in_->u8() % 2 == 0) {
        clear(s, ready::error);
        return std::nullopt;
    }
    IcmpError e;
    const bool v6 = s.kind == SocketKind::udp6;
    e.origin = in_->u8() % 2 ? (v6 ? 3 : 2) : 4;  // SO_EE_ORIGIN_ICMP(6), or another origin
    e.type = in_->u8() % (v6 ? 5 : 20);
    e.code = in_->u8() % 16;
    e.info = in_->u16();
    e.offender = v6 ? ipv6_peer() : Endpoint{in_->u8() % 2 ? kLoopback : in_->u32(), in_->u16()};
    return e;
}

std::optional<std::string> ScriptedHostIo::dns_open(const dnr::ResolverOptions &) {
    if (in_->u8() % 32 == 1) return std::string("no name server (scripted)");
    return std::nullopt;
}

void ScriptedHostIo::dns_start(uint64_t query, dnr::QueryKind kind, const std::string &, uint32_t) {
    lookups_.push_back({query, kind});
}

}  // namespace mtb::fuzz
