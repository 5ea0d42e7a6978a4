// SPDX-License-Identifier: GPL-2.0-or-later
#include "tcp/listener_pool.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "driver/mactcp_codes.h"
#include "net/host_errors.h"
#include "tcp/host_socket.h"

namespace mtb {

namespace {
// Connections taken per readiness event or retry: bounds one drain; the rest follow at once.
constexpr int kAcceptsPerRound = 32;
// A host out of descriptors: accept again after a pause growing from the first to the last.
constexpr std::chrono::milliseconds kFirstPause{50}, kLongestPause{1000};

bool host_out_of_resources(int error) { return error == EMFILE || error == ENFILE || error == ENOBUFS || error == ENOMEM; }
}  // namespace

int16_t ListenerPool::join(uint16_t &guest_port, ListenWaiter waiter, uint32_t &local_host) {
    if (guest_port != 0) {
        if (auto found = listeners_.find(guest_port); found != listeners_.end()) {
            if (found->second.linger) {
                core_->cancel_timer(*found->second.linger);
                found->second.linger.reset();
            }
            found->second.waiters.push_back(waiter);
            local_host = found->second.address;
            // Connections that arrived while nobody waited are in the backlog: take them once
            // the caller has made its stream an open in progress (next timer round).
            if (!found->second.retry && (core_->io().readiness(found->second.socket) & net::ready::readable))
                retry_later(found->second, guest_port, std::chrono::milliseconds(0));
            return err::noErr;
        }
    }
    net::HostIo &io = core_->io();
    const BindResult bound = bind_tcp_socket(io, config_->address, guest_port, *config_, true,
                                             config_->ipv6 ? net::SocketKind::tcp6 : net::SocketKind::tcp);
    const int error = bound.socket == net::kNoSocket ? bound.error : io.listen(bound.socket);
    if (error != 0) {
        if (bound.socket != net::kNoSocket) io.close(bound.socket, false);
        const int16_t result = mactcp_result_for_errno(error, HostOperation::bind, core_->log());
        core_->log().warning("TCPPassiveOpen: cannot listen on {}:{}: {} -> {}", format_ipv4(config_->address), guest_port,
                             std::strerror(error), result_name(result));
        return result;
    }
    if (guest_port == 0) guest_port = bound.host_port;
    if (listeners_.contains(guest_port)) {  // the kernel picked a port a mapped listener's guest sees
        io.close(bound.socket, false);
        return err::duplicateSocket;
    }
    Listener &listener = listeners_[guest_port];
    listener.host_port = bound.host_port;
    listener.address = config_->address;
    listener.id = next_id_++;
    listener.socket = bound.socket;
    listener.waiters.push_back(waiter);
    by_socket_[bound.socket] = guest_port;
    core_->router().route(bound.socket, *this);
    local_host = listener.address;
    if (bound.mapped)
        core_->log().warning("TCP listener: guest port {} is refused by the host; listening on {}:{} instead (ippportmap)",
                             guest_port, format_ipv4(listener.address), listener.host_port);
    else
        core_->log().info("TCP listener for guest port {} on {}:{}", guest_port, format_ipv4(listener.address), listener.host_port);
    return err::noErr;
}

void ListenerPool::on_socket_event(const net::Event &event) {
    const auto found = by_socket_.find(event.socket);
    if (found == by_socket_.end()) return;
    const auto listener = listeners_.find(found->second);
    if (listener == listeners_.end() || listener->second.retry) return;  // a pause is running
    accept_waiting(found->second, listener->second.id);
}

// Takes the waiting connections while the recorded readiness says there are some. The receiver
// may make guest calls (completions), so the listener is looked up again after each one.
void ListenerPool::accept_waiting(uint16_t guest_port, uint64_t id) {
    net::HostIo &io = core_->io();
    for (int round = 0; round < kAcceptsPerRound; ++round) {
        auto found = listeners_.find(guest_port);
        if (found == listeners_.end() || found->second.id != id) return;
        Listener &listener = found->second;
        if (!(io.readiness(listener.socket) & net::ready::readable)) return;
        // A lingering listener leaves connections in the backlog for the next passive open
        // (join takes them); the linger's end closes the listener and the host resets them.
        if (listener.waiters.empty()) return;
        const net::Accepted accepted = io.accept(listener.socket);
        if (accepted.id == net::kNoSocket) {
            if (accepted.error == EAGAIN || accepted.error == EWOULDBLOCK) return;
            if (host_out_of_resources(accepted.error)) {
                // The connection stays in the backlog; accepting again at once would spin.
                const auto pause = std::clamp(listener.pause * 2, kFirstPause, kLongestPause);
                if (listener.pause == std::chrono::milliseconds(0))
                    core_->log().warning("TCP listener for guest port {}: the host is out of descriptors ({}); "
                                         "accepting again in a moment", guest_port, std::strerror(accepted.error));
                retry_later(listener, guest_port, pause);
                return;
            }
            continue;  // ECONNABORTED and friends concern that one connection only
        }
        listener.pause = std::chrono::milliseconds(0);
        AcceptedConnection c;
        c.socket = accepted.id;
        c.remote_host = accepted.remote.host;
        c.remote_port = accepted.remote.port;
        c.local_host = accepted.local.host;
        c.remote_ipv6 = accepted.remote.ipv6;
        on_accept_(guest_port, c);
    }
    auto found = listeners_.find(guest_port);
    if (found != listeners_.end() && found->second.id == id) retry_later(found->second, guest_port, std::chrono::milliseconds(0));
}

void ListenerPool::retry_later(Listener &listener, uint16_t guest_port, std::chrono::milliseconds after) {
    listener.pause = after;
    const uint64_t id = listener.id;
    listener.retry = core_->schedule(after, [this, guest_port, id] {
        const auto found = listeners_.find(guest_port);
        if (found == listeners_.end() || found->second.id != id) return;
        found->second.retry.reset();
        accept_waiting(guest_port, id);
    });
}

void ListenerPool::leave(uint16_t guest_port, ListenWaiter waiter) {
    const auto found = listeners_.find(guest_port);
    if (found == listeners_.end()) return;
    auto &waiters = found->second.waiters;
    waiters.erase(std::remove_if(waiters.begin(), waiters.end(),
                                 [&](const ListenWaiter &w) {
                                     return w.stream_ptr == waiter.stream_ptr && w.connection == waiter.connection;
                                 }),
                  waiters.end());
    if (waiters.empty() && !found->second.linger) {
        const uint64_t id = found->second.id;
        found->second.linger = core_->schedule(std::chrono::seconds(1), [this, guest_port, id] {
            const auto idle = listeners_.find(guest_port);
            if (idle == listeners_.end() || idle->second.id != id || !idle->second.waiters.empty()) return;
            close(idle->second);
            listeners_.erase(idle);
        });
    }
}

std::deque<ListenWaiter> ListenerPool::waiters(uint16_t guest_port) const {
    const auto found = listeners_.find(guest_port);
    return found == listeners_.end() ? std::deque<ListenWaiter>{} : found->second.waiters;
}

void ListenerPool::close(Listener &listener) {
    core_->log().info("TCP listener for host port {} closed", listener.host_port);
    if (listener.retry) core_->cancel_timer(*listener.retry);
    core_->router().forget(listener.socket);
    by_socket_.erase(listener.socket);
    core_->io().close(listener.socket, false);
}

void ListenerPool::reset() {
    for (auto &[port, listener] : listeners_) close(listener);  // timers are cleared by the core
    listeners_.clear();
}

}  // namespace mtb
