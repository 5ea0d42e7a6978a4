// SPDX-License-Identifier: GPL-2.0-or-later
#include "net/network_thread.h"

#include <csignal>
#include <pthread.h>

#include <boost/asio/steady_timer.hpp>

namespace mtb {

NetworkThread::NetworkThread() : work_(boost::asio::make_work_guard(io_)) {
    // Asio makes its reactor (an epoll, an eventfd and a timerfd descriptor) for the first
    // timer or socket: make it now, so that the descriptors a service opens later are its own
    // (UdpMulti.RangesAreBounded counts them) whichever service happens to come first.
    boost::asio::steady_timer{io_};
    // The emulators handle signals on their own threads (Basilisk II's SIGSEGV handler, timer
    // signals); ours must never receive them.
    sigset_t all, previous;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &previous);
    thread_ = std::thread([this] { io_.run(); });
    pthread_sigmask(SIG_SETMASK, &previous, nullptr);
}

NetworkThread::~NetworkThread() { stop(); }

void NetworkThread::stop() {
    if (!thread_.joinable()) return;
    work_.reset();
    io_.stop();
    thread_.join();
}

}  // namespace mtb
