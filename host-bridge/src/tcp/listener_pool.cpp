// SPDX-License-Identifier: GPL-2.0-or-later
#include "tcp/listener_pool.h"

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cerrno>
#include <cstring>

#include "driver/mactcp_codes.h"
#include "tcp/host_errors.h"
#include "tcp/host_socket.h"

namespace mtb {

using boost::asio::ip::tcp;

int16_t ListenerPool::join(uint16_t &guest_port, ListenWaiter waiter, uint32_t &local_host) {
    if (guest_port != 0) {
        if (auto found = listeners_.find(guest_port); found != listeners_.end()) {
            if (found->second.linger) {
                core_->cancel_timer(*found->second.linger);
                found->second.linger.reset();
            }
            found->second.waiters.push_back(waiter);
            local_host = found->second.address;
            return err::noErr;
        }
    }
    // bind() and listen() never block; the socket object is then handed to the network thread.
    const BindResult bound = bind_tcp_socket(config_->address, guest_port, *config_, true);
    if (bound.fd < 0 || ::listen(bound.fd, SOMAXCONN) != 0) {
        const int error = bound.fd < 0 ? bound.error : errno;
        if (bound.fd >= 0) ::close(bound.fd);
        const int16_t result = mactcp_result_for(boost::system::error_code(error, boost::system::system_category()),
                                                 HostOperation::bind, core_->log());
        core_->log().warning("TCPPassiveOpen: cannot listen on {}:{}: {} -> {}", format_ipv4(config_->address), guest_port,
                             std::strerror(error), result_name(result));
        return result;
    }
    if (guest_port == 0) guest_port = bound.host_port;
    if (listeners_.contains(guest_port)) {  // the kernel picked a port a mapped listener's guest sees
        ::close(bound.fd);
        return err::duplicateSocket;
    }
    Listener &listener = listeners_[guest_port];
    listener.host_port = bound.host_port;
    listener.address = config_->address;
    listener.id = next_id_++;
    listener.acceptor = std::make_shared<HostAcceptor>(core_->net().context());
    listener.waiters.push_back(waiter);
    local_host = listener.address;
    if (bound.mapped)
        core_->log().warning("TCP listener: guest port {} is refused by the host; listening on {}:{} instead (ippportmap)",
                             guest_port, format_ipv4(listener.address), listener.host_port);
    else
        core_->log().info("TCP listener for guest port {} on {}:{}", guest_port, format_ipv4(listener.address), listener.host_port);
    core_->net().post([this, acceptor = listener.acceptor, fd = bound.fd, guest_port, id = listener.id] {
        boost::system::error_code ec;
        acceptor->acceptor.assign(tcp::v4(), fd, ec);
        if (ec) {
            ::close(fd);
            return;
        }
        accept_next(acceptor, guest_port, id);
    });
    return err::noErr;
}

void ListenerPool::accept_next(std::shared_ptr<HostAcceptor> acceptor, uint16_t guest_port, uint64_t id) {
    acceptor->acceptor.async_accept([this, acceptor, guest_port, id](const boost::system::error_code &ec, tcp::socket socket) {
        if (ec == boost::asio::error::operation_aborted || !acceptor->acceptor.is_open()) return;
        if (!ec) {
            AcceptedConnection c;
            boost::system::error_code ignored;
            const auto remote = socket.remote_endpoint(ignored);
            const auto local = socket.local_endpoint(ignored);
            c.remote_host = remote.address().is_v4() ? remote.address().to_v4().to_uint() : 0;
            c.remote_port = remote.port();
            c.local_host = local.address().is_v4() ? local.address().to_v4().to_uint() : 0;
            c.fd = socket.native_handle();
            c.socket = std::make_shared<HostTcpSocket>(std::move(socket));
            core_->post_event([this, guest_port, id, c] {
                const auto found = listeners_.find(guest_port);
                if (found == listeners_.end() || found->second.id != id) {
                    // The listener went away while this connection was on its way: refuse it.
                    core_->net().post([socket = c.socket] {
                        boost::system::error_code ignored;
                        socket->socket.set_option(boost::asio::socket_base::linger(true, 0), ignored);
                        socket->socket.close(ignored);
                    });
                    return;
                }
                on_accept_(guest_port, c);
            });
        }
        // Errors such as EMFILE are transient for a listener: keep accepting.
        accept_next(acceptor, guest_port, id);
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
    core_->net().post([acceptor = std::move(listener.acceptor)] {
        boost::system::error_code ignored;
        acceptor->acceptor.close(ignored);
    });
}

void ListenerPool::reset() {
    for (auto &[port, listener] : listeners_) close(listener);  // timers are cleared by the core
    listeners_.clear();
}

}  // namespace mtb
