// The plugin's interrupt request line: raised from any thread (mtb_host_api.raise_interrupt),
// taken on the emulation thread. Raises coalesce. The condition variable lets host-side waits
// (synchronous _Control, IDLE, Delay, STOP) sleep instead of spinning.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>

namespace mtb::machine {

class InterruptLine {
 public:
  void raise() {
    {
      std::lock_guard lock(mutex_);
      pending_.store(true, std::memory_order_release);
    }
    cv_.notify_all();
  }
  bool pending() const { return pending_.load(std::memory_order_acquire); }
  // Clears the request; true if one was pending.
  bool take() { return pending_.exchange(false, std::memory_order_acq_rel); }
  // Sleeps until a raise(), a wake() or `max` elapses.
  void wait_for(std::chrono::microseconds max) {
    std::unique_lock lock(mutex_);
    cv_.wait_for(lock, max, [&] { return pending() || woken_; });
    woken_ = false;
  }
  // Ends a wait_for early without raising (the watchdog's stop).
  void wake() {
    {
      std::lock_guard lock(mutex_);
      woken_ = true;
    }
    cv_.notify_all();
  }

 private:
  std::atomic<bool> pending_{false};
  bool woken_ = false;
  std::mutex mutex_;
  std::condition_variable cv_;
};

}  // namespace mtb::machine
