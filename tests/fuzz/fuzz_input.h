// The fuzzer's input read front to back: operations and the host's answers are taken from the
// same bytes in the order the bridge asks for them, so an input replays exactly. Once the bytes
// run out every read answers 0 (the scripted host then answers "would block"), so a run ends.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

namespace mtb::fuzz {

class FuzzInput {
public:
    FuzzInput(const uint8_t *data, std::size_t size) : data_(data), size_(size) {}

    bool empty() const { return at_ >= size_; }
    uint8_t u8() { return empty() ? 0 : data_[at_++]; }
    uint16_t u16() { return static_cast<uint16_t>((u8() << 8) | u8()); }
    uint32_t u32() { return (uint32_t{u16()} << 16) | u16(); }
    // Copies up to into.size() bytes; the rest is left as it is. Returns the bytes copied.
    std::size_t bytes(std::span<uint8_t> into) {
        const std::size_t n = std::min(into.size(), size_ - std::min(at_, size_));
        if (n > 0) std::memcpy(into.data(), data_ + at_, n);
        at_ += n;
        return n;
    }

private:
    const uint8_t *data_;
    std::size_t size_;
    std::size_t at_ = 0;
};

}  // namespace mtb::fuzz
