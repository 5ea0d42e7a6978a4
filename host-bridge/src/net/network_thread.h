// An Asio thread of its own: LiveHostIo runs the c-ares resolver on it (net/live_host_io.cpp).
// It waits on the resolver's sockets and timers, never on the guest.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <optional>
#include <thread>
#include <utility>

namespace mtb {

class NetworkThread {
public:
    NetworkThread();
    ~NetworkThread();
    NetworkThread(const NetworkThread &) = delete;
    NetworkThread &operator=(const NetworkThread &) = delete;

    boost::asio::io_context &context() { return io_; }

    template <typename Fn>
    void post(Fn &&fn) { boost::asio::post(io_, std::forward<Fn>(fn)); }

    bool on_network_thread() const { return std::this_thread::get_id() == thread_.get_id(); }

    // Joins the thread; pending handlers are dropped. Idempotent.
    void stop();

private:
    boost::asio::io_context io_;
    std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
    std::thread thread_;
};

}  // namespace mtb
