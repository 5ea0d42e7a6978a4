// SPDX-License-Identifier: GPL-2.0-or-later
#include "tls/tls_host_io.h"

#include <cerrno>

#include "dnr/looked_up_names.h"
#include "tcp/listen_config.h"

namespace mtb::tls {

TlsHostIo::TlsHostIo(net::HostIo &inner, HostEnvironment &host, Logger &log, const TlsUpstream &upstream,
                     const dnr::LookedUpNames &names)
    : ForwardingHostIo(inner), host_(&host), log_(&log), upstream_(&upstream), names_(&names),
      worker_([&host] { host.raise_interrupt(); }) {}

TlsHostIo::Wrapped *TlsHostIo::find(net::SocketId id) {
    if (wrapped_.empty()) [[likely]] return nullptr;  // no TLS connection: one branch per call
    const auto found = wrapped_.find(id);
    return found == wrapped_.end() ? nullptr : &found->second;
}

net::Opened TlsHostIo::open(net::SocketKind kind) {
    const net::Opened opened = inner().open(kind);
    if (opened.id != net::kNoSocket && (kind == net::SocketKind::tcp || kind == net::SocketKind::tcp6))
        tcp_sockets_.insert(opened.id);
    return opened;
}

int TlsHostIo::connect(net::SocketId id, net::Endpoint remote) {
    if (tcp_sockets_.erase(id) == 0) return inner().connect(id, remote);
    // The DNR stamps names with the seam's clock.
    const std::string name = names_->name_for(remote.host, inner().now()).value_or("");
    const auto plan = upstream_->plan(remote.host, remote.port, name);
    if (!plan) return inner().connect(id, remote);

    std::string problem;
    auto engine = upstream_->engine(*plan, problem);
    if (!engine) {
        // Never plaintext where a rule asks for TLS.
        log_->error("{}", TlsUpstream::failure_line(*plan, remote.host, problem));
        return ECONNREFUSED;
    }
    Wrapped &w = wrapped_[id];
    auto shuttle = std::make_unique<ShuttleTransport>();
    w.shuttle = shuttle.get();
    w.tls = std::make_unique<TlsSocket>(std::move(shuttle), std::move(engine));
    w.serial = next_serial_++;
    w.plan = *plan;
    w.address = remote.host;
    log_->info("TCP to {} port {} goes over TLS to port {} (ipptls rule '{}')",
               name.empty() ? format_ipv4(remote.host) : name, remote.port, plan->tls_port, plan->rule);

    net::Endpoint tls_port = remote;  // the same host (an IPv6 one behind a stand-in too)
    tls_port.port = plan->tls_port;
    const int started = inner().connect(id, tls_port);
    if (started == EINPROGRESS) return EINPROGRESS;
    if (started != 0) {
        wrapped_.erase(id);
        return started;
    }
    // Connected at once (loopback may): the handshake still has to run before the service
    // may see a connection, so the service is told EINPROGRESS and Event{connected} follows.
    w.tcp_connected = true;
    start_step(id, w, true);
    return EINPROGRESS;
}

void TlsHostIo::queue_own(const net::Event &event) {
    const bool was_empty = own_events_.empty();
    own_events_.push_back(event);
    if (was_empty) host_->raise_interrupt();
}

void TlsHostIo::flush(Wrapped &w) {
    if (w.close_owed) {
        errno = 0;
        if (w.tls->shutdown_write() == 0 || errno != EAGAIN) w.close_owed = false;
        return;
    }
    w.tls->flush_pending();  // a failure shows again at the next receive or send
}

bool TlsHostIo::next_event(net::Event &out) {
    if (!own_events_.empty()) {
        out = own_events_.front();
        own_events_.pop_front();
        if (out.kind == net::Event::Kind::ready)
            if (Wrapped *w = find(out.socket)) out.flags = plaintext_readiness(out.socket, *w);  // as now
        return true;
    }
    HandshakeWorker::Step step;
    while (worker_.take(step))
        if (finish_step(step, out)) return true;
    while (inner().next_event(out)) {
        if (out.kind != net::Event::Kind::ready && out.kind != net::Event::Kind::connected) return true;
        Wrapped *w = find(out.socket);
        if (w == nullptr) return true;
        if (out.kind == net::Event::Kind::connected) {
            if (out.error != 0) return true;  // the TCP connect itself failed
            w->tcp_connected = true;
            start_step(out.socket, *w, true);  // the ClientHello
            continue;                    // waiting for the server's answer
        }
        if (w->handshaking) {
            // A step on the worker looks at the socket again when it comes back.
            if (w->tcp_connected && !w->stepping && progress(out.socket, *w, out)) return true;
            continue;
        }
        flush(*w);
        out.flags = plaintext_readiness(out.socket, *w);
        return true;
    }
    return false;
}

uint8_t TlsHostIo::plaintext_readiness(net::SocketId id, Wrapped &w) {
    const uint8_t below = inner().readiness(id);
    uint8_t flags = below & (net::ready::hangup | net::ready::error);
    // Bytes the engine holds count until a receive found they are not a whole record yet, and
    // so do bytes read during the handshake that the engine had no room for yet.
    if ((below & net::ready::readable) || (w.tls->has_input() && !w.tls->wants_readable()) || w.shuttle->has_input())
        flags |= net::ready::readable;
    // Writable once the ciphertext queued so far has left: the guest's data then waits in the
    // guest (as for a plain socket whose send queue is full), not in the engine.
    if ((below & net::ready::writable) && !w.tls->wants_writable()) flags |= net::ready::writable;
    return flags;  // never `urgent`: TLS carries no urgent data
}

uint8_t TlsHostIo::readiness(net::SocketId id) {
    Wrapped *w = find(id);
    if (w == nullptr) return inner().readiness(id);
    if (w->handshaking) return 0;
    return plaintext_readiness(id, *w);
}

net::IoResult TlsHostIo::receive(net::SocketId id, std::span<uint8_t> into) {
    Wrapped *w = find(id);
    if (w == nullptr) return inner().receive(id, into);
    if (w->handshaking) return {-1, EAGAIN};
    const ssize_t got = w->tls->recv(into.data(), into.size());
    if (got >= 0) return {got, 0};
    // A TLS protocol error ends the connection like a reset; its reason goes to the log.
    if (errno == EPROTO) {
        log_->warning("TLS to {} port {}: {}", format_ipv4(w->address), w->plan.tls_port, w->tls->engine().failure());
        return {-1, ECONNRESET};
    }
    return {-1, errno};
}

net::IoResult TlsHostIo::send(net::SocketId id, std::span<const iovec> parts, bool urgent) {
    Wrapped *w = find(id);
    if (w == nullptr) return inner().send(id, parts, urgent);
    if (w->handshaking) return {-1, EAGAIN};
    // `urgent`: TLS has no urgent pointer; the bytes go in order like the rest.
    int64_t total = 0;
    for (const iovec &part : parts) {
        if (part.iov_len == 0) continue;
        const ssize_t sent = w->tls->send(part.iov_base, part.iov_len);
        if (sent < 0) {
            if (total > 0) break;
            if (errno == EPROTO) {
                log_->warning("TLS to {} port {}: {}", format_ipv4(w->address), w->plan.tls_port, w->tls->engine().failure());
                return {-1, ECONNRESET};
            }
            return {-1, errno};
        }
        total += sent;
        if (static_cast<std::size_t>(sent) < part.iov_len) break;
    }
    return {total, 0};
}

int TlsHostIo::shutdown_send(net::SocketId id) {
    Wrapped *w = find(id);
    if (w == nullptr) return inner().shutdown_send(id);
    if (w->handshaking) return ENOTCONN;  // the service sees no connection before Event{connected}
    errno = 0;
    if (w->tls->shutdown_write() == 0) return 0;
    if (errno != EAGAIN) return errno;
    w->close_owed = true;  // close_notify and FIN follow when the socket has room
    return 0;
}

bool TlsHostIo::at_mark(net::SocketId id) { return find(id) != nullptr ? false : inner().at_mark(id); }

net::TcpInfo TlsHostIo::tcp_info(net::SocketId id) {
    net::TcpInfo info = inner().tcp_info(id);
    if (Wrapped *w = find(id); w != nullptr && w->tls) info.unsent += static_cast<uint32_t>(w->tls->unsent());
    return info;
}

void TlsHostIo::close(net::SocketId id, bool abortive) {
    tcp_sockets_.erase(id);
    if (Wrapped *w = find(id)) {
        // Graceful: what the engine still holds (the end of the data, close_notify) gets one
        // last chance to reach the socket. Abortive: the engine simply goes, no close_notify.
        if (!abortive && !w->handshaking) flush(*w);
        wrapped_.erase(id);
        std::erase_if(own_events_, [id](const net::Event &e) { return e.socket == id; });
    }
    inner().close(id, abortive);
}

void TlsHostIo::shutdown() {
    worker_.stop();
    wrapped_.clear();
    tcp_sockets_.clear();
    own_events_.clear();
    inner().shutdown();
}

}  // namespace mtb::tls
