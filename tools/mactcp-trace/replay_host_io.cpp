// SPDX-License-Identifier: GPL-2.0-or-later
#include "replay_host_io.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cerrno>

#include "trace_reader.h"

namespace mtb::trace {

using nlohmann::json;

namespace {

// The field `key` of a recorded answer, or null when the record lacks it. The reader checks only
// a host record's "op"; a damaged answer then diverges where today's request is compared, and
// is never read past (json's const operator[] on a missing key is undefined behaviour).
const json &member(const json &r, const char *key) {
    static const json kNone;
    const auto found = r.find(key);
    return found != r.end() ? *found : kNone;
}

int64_t field(const json &r, const char *key, int64_t fallback = 0) {
    const auto found = r.find(key);
    return found != r.end() && found->is_number_integer() ? found->get<int64_t>() : fallback;
}

std::string text(const json &r, const char *key) {
    const auto found = r.find(key);
    return found != r.end() ? bytes_of(*found).value_or("") : "";
}

std::vector<uint8_t> payload(const json &r) {
    const auto found = r.find("b");
    if (found == r.end() || !found->is_string()) return {};
    static constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::vector<uint8_t> out;
    uint32_t buffer = 0;
    int bits = 0;
    for (const char c : found->get_ref<const std::string &>()) {
        const auto index = kAlphabet.find(c);
        if (index == std::string_view::npos) break;
        buffer = (buffer << 6) | static_cast<uint32_t>(index);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<uint8_t>(buffer >> bits));
        }
    }
    return out;
}

// The IPv6 address of an endpoint ("host6", "rhost6", "lhost6"), absent for IPv4 ones.
std::optional<net::Ipv6Address> ipv6_field(const json &r, const char *key) {
    const auto found = r.find(key);
    if (found == r.end() || !found->is_string()) return std::nullopt;
    net::Ipv6Address address{};
    if (::inet_pton(AF_INET6, found->get_ref<const std::string &>().c_str(), address.data()) != 1) return std::nullopt;
    return address;
}

void copy_into(const json &r, std::span<uint8_t> into) {
    const std::vector<uint8_t> bytes = payload(r);
    std::copy_n(bytes.begin(), std::min(bytes.size(), into.size()), into.begin());
}

}  // namespace

int64_t ReplayHostIo::number(std::string_view op, const char *key, int64_t fallback) {
    const json *r = script_->expect_host(op);
    return r ? field(*r, key, fallback) : fallback;
}

net::Clock::time_point ReplayHostIo::now() {
    if (const json *r = script_->expect_host("now")) last_now_ = net::Clock::time_point(std::chrono::nanoseconds(field(*r, "ns")));
    return last_now_;
}

net::Clock::duration ReplayHostIo::thread_cpu_time() { return std::chrono::nanoseconds(number("thread_cpu_time", "ns")); }

bool ReplayHostIo::next_event(net::Event &out) {
    const json *r = script_->expect_host("next_event");
    if (r == nullptr || !member(*r, "event").is_string()) return false;
    const std::string kind = member(*r, "event").get<std::string>();
    out = net::Event{};
    if (kind == "ready") {
        out.kind = net::Event::Kind::ready;
        out.socket = static_cast<net::SocketId>(field(*r, "id"));
        out.flags = static_cast<uint8_t>(field(*r, "flags"));
    } else if (kind == "connected") {
        out.kind = net::Event::Kind::connected;
        out.socket = static_cast<net::SocketId>(field(*r, "id"));
        out.error = static_cast<int>(field(*r, "error"));
    } else if (kind == "dns") {
        out.kind = net::Event::Kind::dns;
        out.query = static_cast<uint64_t>(field(*r, "query"));
        dnr::DnsAnswer &a = out.answer;
        a.status = static_cast<int16_t>(field(*r, "status"));
        a.canonical = text(*r, "canonical");
        if (const auto list = r->find("addresses"); list != r->end() && list->is_array())
            for (const json &address : *list)
                if (address.is_number_unsigned()) a.addresses.push_back(address.get<uint32_t>());
        if (const auto list = r->find("addresses6"); list != r->end() && list->is_array()) {
            for (const json &address : *list) {
                net::Ipv6Address bytes{};
                if (address.is_string() && ::inet_pton(AF_INET6, address.get_ref<const std::string &>().c_str(), bytes.data()) == 1)
                    a.ipv6_addresses.push_back(bytes);
            }
        }
        a.ttl = static_cast<uint32_t>(field(*r, "ttl"));
        if (const auto list = r->find("cnames"); list != r->end() && list->is_array())
            for (const json &link : *list)
                if (link.is_array() && link.size() == 3 && link[2].is_number_unsigned())
                    a.cnames.push_back({bytes_of(link[0]).value_or(""), bytes_of(link[1]).value_or(""), link[2].get<uint32_t>()});
        a.mx_preference = static_cast<uint16_t>(field(*r, "mx_preference"));
        a.mx_exchange = text(*r, "mx_exchange");
        a.hinfo_cpu = text(*r, "hinfo_cpu");
        a.hinfo_os = text(*r, "hinfo_os");
    } else {
        out.kind = net::Event::Kind::wake;
    }
    return true;
}

HostNetworkInfo ReplayHostIo::network_info() {
    const json &host = (*header_)["host"];
    HostNetworkInfo info;
    info.address = host["address"].get<uint32_t>();
    info.netmask = host["netmask"].get<uint32_t>();
    info.mtu = host["mtu"].get<uint32_t>();
    info.found_outward_interface = host["outward"].get<bool>();
    return info;
}

net::Opened ReplayHostIo::open(net::SocketKind) {
    const json *r = script_->expect_host("open");
    if (r == nullptr) return {net::kNoSocket, EMFILE};
    return {static_cast<net::SocketId>(field(*r, "id")), static_cast<int>(field(*r, "error"))};
}

int ReplayHostIo::set_option(net::SocketId, net::Option, bool) { return static_cast<int>(number("set_option", "error")); }
int ReplayHostIo::bind(net::SocketId, net::Endpoint) { return static_cast<int>(number("bind", "error", EINVAL)); }

std::optional<net::Endpoint> ReplayHostIo::local_endpoint(net::SocketId) {
    const json *r = script_->expect_host("local_endpoint");
    if (r == nullptr || !member(*r, "host").is_number()) return std::nullopt;
    return net::Endpoint{static_cast<uint32_t>(field(*r, "host")), static_cast<uint16_t>(field(*r, "port")), ipv6_field(*r, "host6")};
}

int ReplayHostIo::listen(net::SocketId) { return static_cast<int>(number("listen", "error", EINVAL)); }
int ReplayHostIo::connect(net::SocketId, net::Endpoint) { return static_cast<int>(number("connect", "error", ECONNREFUSED)); }

net::Accepted ReplayHostIo::accept(net::SocketId) {
    const json *r = script_->expect_host("accept");
    net::Accepted a;
    if (r == nullptr) {
        a.error = EAGAIN;
        return a;
    }
    a.id = static_cast<net::SocketId>(field(*r, "new"));
    a.error = static_cast<int>(field(*r, "error"));
    a.remote = {static_cast<uint32_t>(field(*r, "rhost")), static_cast<uint16_t>(field(*r, "rport")), ipv6_field(*r, "rhost6")};
    a.local = {static_cast<uint32_t>(field(*r, "lhost")), static_cast<uint16_t>(field(*r, "lport")), ipv6_field(*r, "lhost6")};
    return a;
}

uint8_t ReplayHostIo::readiness(net::SocketId) { return static_cast<uint8_t>(number("readiness", "flags")); }
int ReplayHostIo::socket_error(net::SocketId) { return static_cast<int>(number("socket_error", "error")); }

net::IoResult ReplayHostIo::receive(net::SocketId, std::span<uint8_t> into) {
    const json *r = script_->expect_host("receive");
    if (r == nullptr) return {0, EAGAIN};
    copy_into(*r, into);
    return {field(*r, "bytes"), static_cast<int>(field(*r, "error"))};
}

net::IoResult ReplayHostIo::send(net::SocketId, std::span<const iovec>, bool) {
    const json *r = script_->expect_host("send");
    if (r == nullptr) return {0, EAGAIN};
    return {field(*r, "bytes"), static_cast<int>(field(*r, "error"))};
}

int ReplayHostIo::shutdown_send(net::SocketId) { return static_cast<int>(number("shutdown_send", "error")); }

bool ReplayHostIo::at_mark(net::SocketId) {
    const json *r = script_->expect_host("at_mark");
    return r != nullptr && member(*r, "mark").is_boolean() && member(*r, "mark").get<bool>();
}

net::TcpInfo ReplayHostIo::tcp_info(net::SocketId) {
    net::TcpInfo i;
    const json *r = script_->expect_host("tcp_info");
    if (r == nullptr) return i;
    uint32_t *fields[] = {&i.unacked, &i.unsent, &i.rtt_ms, &i.rtt_var_ms, &i.mss, &i.cwnd_bytes,
                          &i.retransmits, &i.segs_out, &i.segs_in, &i.data_segs_out, &i.data_segs_in, &i.total_retrans};
    const json &v = member(*r, "v");
    for (std::size_t k = 0; k < std::size(fields) && v.is_array() && k < v.size(); ++k)
        if (v[k].is_number_unsigned()) *fields[k] = v[k].get<uint32_t>();
    return i;
}

uint32_t ReplayHostIo::send_buffer_size(net::SocketId) { return static_cast<uint32_t>(number("send_buffer_size", "size", 65536)); }

net::Datagram ReplayHostIo::receive_from(net::SocketId, std::span<uint8_t> into, bool) {
    const json *r = script_->expect_host("receive_from");
    net::Datagram d;
    if (r == nullptr) {
        d.error = EAGAIN;
        return d;
    }
    copy_into(*r, into);
    d.length = field(*r, "length", -1);
    d.error = static_cast<int>(field(*r, "error"));
    d.from = {static_cast<uint32_t>(field(*r, "fhost")), static_cast<uint16_t>(field(*r, "fport")), ipv6_field(*r, "fhost6")};
    d.local_host = static_cast<uint32_t>(field(*r, "lhost"));
    return d;
}

int ReplayHostIo::send_to(net::SocketId, std::span<const iovec>, net::Endpoint) { return static_cast<int>(number("send_to", "error")); }

std::optional<net::IcmpError> ReplayHostIo::take_error(net::SocketId) {
    const json *r = script_->expect_host("take_error");
    if (r == nullptr || !member(*r, "origin").is_number()) return std::nullopt;
    net::IcmpError e;
    e.origin = static_cast<uint8_t>(field(*r, "origin"));
    e.type = static_cast<uint8_t>(field(*r, "type"));
    e.code = static_cast<uint8_t>(field(*r, "code"));
    e.info = static_cast<uint32_t>(field(*r, "info"));
    e.offender = {static_cast<uint32_t>(field(*r, "ohost")), static_cast<uint16_t>(field(*r, "oport")), ipv6_field(*r, "ohost6")};
    return e;
}

std::optional<std::string> ReplayHostIo::dns_open(const dnr::ResolverOptions &) {
    const json *r = script_->expect_host("dns_open");
    if (r == nullptr || !member(*r, "problem").is_string()) return std::nullopt;
    return text(*r, "problem");
}

}  // namespace mtb::trace
