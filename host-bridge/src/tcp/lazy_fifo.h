// A first-in first-out queue for a stream's pending requests and loans: nothing allocated until
// the first push, then one contiguous buffer that is reused while the queue drains and refills.
// Why not std::deque: libstdc++'s deque allocates a map and a 512-byte block when it is
// constructed, so every TcpStream (three queues) cost six allocations to create and six frees to
// destroy even when no request was ever queued; with 1,000 streams that was most of
// Bridge::reset()'s CPU (issue 12: reset stays under 1 ms). Streams hold a handful of requests
// at most, so a vector with a moving head is also cheaper on the hot path than deque blocks.
// Like std::vector (unlike std::deque), push_back and pop_front may invalidate references to
// the other elements: take what you need from front() before pushing or popping.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

namespace mtb {

template <typename T>
class LazyFifo {
public:
    using iterator = typename std::vector<T>::iterator;
    using const_iterator = typename std::vector<T>::const_iterator;

    bool empty() const { return head_ == items_.size(); }
    std::size_t size() const { return items_.size() - head_; }
    T &front() { return items_[head_]; }
    const T &front() const { return items_[head_]; }

    void push_back(T value) { items_.push_back(std::move(value)); }

    // Popped elements are destroyed when the queue empties or when they are at least half of the
    // buffer (the live ones move down then): amortised constant time, bounded memory.
    void pop_front() {
        ++head_;
        if (head_ == items_.size()) {
            clear();
        } else if (head_ * 2 >= items_.size()) {
            items_.erase(items_.begin(), items_.begin() + static_cast<std::ptrdiff_t>(head_));
            head_ = 0;
        }
    }
    void clear() {
        items_.clear();  // keeps the capacity: a stream's next request reuses it
        head_ = 0;
    }

    iterator begin() { return items_.begin() + static_cast<std::ptrdiff_t>(head_); }
    iterator end() { return items_.end(); }
    const_iterator begin() const { return items_.begin() + static_cast<std::ptrdiff_t>(head_); }
    const_iterator end() const { return items_.end(); }

private:
    std::vector<T> items_;
    std::size_t head_ = 0;  // index of the front element
};

}  // namespace mtb
