// Bounds a run in wall-clock time: after the deadline it calls `expire` once from its own thread
// (the machine then stops the CPU from that thread). Disarmed by destruction.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace mtb::machine {

class Watchdog {
 public:
  Watchdog(std::chrono::milliseconds timeout, std::function<void()> expire)
      : thread_([this, timeout, expire = std::move(expire)] {
          std::unique_lock lock(mutex_);
          if (!cv_.wait_for(lock, timeout, [&] { return disarmed_; })) expire();
        }) {}
  ~Watchdog() {
    {
      std::lock_guard lock(mutex_);
      disarmed_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  Watchdog(const Watchdog &) = delete;
  Watchdog &operator=(const Watchdog &) = delete;

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool disarmed_ = false;
  std::thread thread_;  // last: starts after the members it uses exist
};

}  // namespace mtb::machine
