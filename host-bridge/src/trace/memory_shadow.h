// What a trace has said about guest RAM so far: bytes known from earlier records, sparse.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <unordered_map>

namespace mtb {

class MemoryShadow {
public:
    // True when every byte of the range is known and equal to `bytes`.
    bool matches(uint32_t addr, std::span<const uint8_t> bytes) const;
    void store(uint32_t addr, std::span<const uint8_t> bytes);
    std::optional<uint8_t> get(uint32_t addr) const;
    void clear() { pages_.clear(); }

private:
    static constexpr uint32_t kPageBits = 12;
    static constexpr uint32_t kPageSize = 1u << kPageBits;
    struct Page {
        std::array<uint8_t, kPageSize> bytes{};
        std::array<uint8_t, kPageSize> known{};  // 1: the byte is known (memchr-able, unlike a bitset)
    };
    // Calls fn(page or nullptr, offset in page, index into the range, length) per page piece.
    template <typename Fn>
    static void pieces(uint32_t addr, std::size_t length, Fn &&fn);
    std::unordered_map<uint32_t, std::unique_ptr<Page>> pages_;
};

}  // namespace mtb
