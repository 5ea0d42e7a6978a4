// SPDX-License-Identifier: GPL-2.0-or-later
#include "tls/handshake_worker.h"

#include <algorithm>
#include <cerrno>

namespace mtb::tls {

ssize_t ShuttleTransport::receive(std::span<uint8_t> into) {
    if (input_.empty() && then_) return then_->receive(into);
    if (input_.empty()) {
        if (error_ != 0) {
            errno = error_;
            return -1;
        }
        if (ended_) return 0;
        errno = EAGAIN;
        return -1;
    }
    const std::size_t n = std::min(into.size(), input_.size());
    std::copy_n(input_.begin(), n, into.begin());
    input_.erase(input_.begin(), input_.begin() + static_cast<std::ptrdiff_t>(n));
    return static_cast<ssize_t>(n);
}

ssize_t ShuttleTransport::send(std::span<const uint8_t> bytes) {
    if (then_) return then_->send(bytes);
    output_.insert(output_.end(), bytes.begin(), bytes.end());
    return static_cast<ssize_t>(bytes.size());
}

void HandshakeWorker::post(Step step) {
    std::lock_guard lock(mutex_);
    if (!thread_.joinable() && !stopping_) thread_ = std::thread([this] { run(); });
    todo_.push_back(std::move(step));
    wake_.notify_one();
}

bool HandshakeWorker::take(Step &finished) {
    if (!any_done_.load(std::memory_order_acquire)) return false;
    std::lock_guard lock(mutex_);
    if (done_.empty()) return false;
    finished = std::move(done_.front());
    done_.pop_front();
    any_done_.store(!done_.empty(), std::memory_order_release);
    return true;
}

void HandshakeWorker::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        wake_.notify_one();
    }
    if (thread_.joinable()) thread_.join();
    todo_.clear();
    done_.clear();
    any_done_.store(false);
}

void HandshakeWorker::run() {
    std::unique_lock lock(mutex_);
    for (;;) {
        wake_.wait(lock, [this] { return stopping_ || !todo_.empty(); });
        if (stopping_) return;
        Step step = std::move(todo_.front());
        todo_.pop_front();
        lock.unlock();
        step.state = step.tls->handshake();  // the CPU-heavy part, off the emulation thread
        lock.lock();
        const bool first = done_.empty();
        done_.push_back(std::move(step));
        any_done_.store(true, std::memory_order_release);
        if (first) {
            lock.unlock();
            notify_();  // the host's raise_interrupt (thread-safe: the network thread calls it too)
            lock.lock();
        }
    }
}

}  // namespace mtb::tls
