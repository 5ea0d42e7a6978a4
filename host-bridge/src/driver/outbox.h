// The re-entrancy discipline of the services (TCP, UDP): guest-visible effects (completions,
// ASRs) are collected while a stream's state is being changed and run only afterwards. A
// completion routine or ASR may re-enter the service (new calls, even the release of this very
// stream), so no reference into a stream table may live across one: code that changes state
// takes an Outbox and adds to it; the Outbox runs its actions when it is flushed or destroyed,
// after the state is consistent.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <functional>
#include <vector>

namespace mtb {

class Outbox {
public:
    Outbox() = default;
    Outbox(const Outbox &) = delete;
    Outbox &operator=(const Outbox &) = delete;
    ~Outbox() { flush(); }

    void add(std::function<void()> action) { actions_.push_back(std::move(action)); }

    // Actions may add nothing to this outbox (re-entrant calls use their own), but take them
    // out first anyway so that a throw-free, re-entrant flush sees a consistent vector.
    void flush() {
        while (!actions_.empty()) {
            std::vector<std::function<void()>> now;
            now.swap(actions_);
            for (auto &action : now) action();
        }
    }

private:
    std::vector<std::function<void()>> actions_;
};

}  // namespace mtb
