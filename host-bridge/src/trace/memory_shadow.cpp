// SPDX-License-Identifier: GPL-2.0-or-later
#include "trace/memory_shadow.h"

#include <algorithm>
#include <cstring>

namespace mtb {

template <typename Fn>
void MemoryShadow::pieces(uint32_t addr, std::size_t length, Fn &&fn) {
    std::size_t done = 0;
    while (done < length) {
        const uint32_t at = addr + static_cast<uint32_t>(done);
        const uint32_t offset = at & (kPageSize - 1);
        const std::size_t piece = std::min<std::size_t>(length - done, kPageSize - offset);
        if (!fn(at >> kPageBits, offset, done, piece)) return;
        done += piece;
    }
}

bool MemoryShadow::matches(uint32_t addr, std::span<const uint8_t> bytes) const {
    bool all = true;
    pieces(addr, bytes.size(), [&](uint32_t page_index, uint32_t offset, std::size_t index, std::size_t length) {
        const auto found = pages_.find(page_index);
        const Page *page = found == pages_.end() ? nullptr : found->second.get();
        all = page != nullptr && std::memchr(page->known.data() + offset, 0, length) == nullptr &&
              std::memcmp(page->bytes.data() + offset, bytes.data() + index, length) == 0;
        return all;
    });
    return all;
}

void MemoryShadow::store(uint32_t addr, std::span<const uint8_t> bytes) {
    pieces(addr, bytes.size(), [&](uint32_t page_index, uint32_t offset, std::size_t index, std::size_t length) {
        auto &slot = pages_[page_index];
        if (!slot) slot = std::make_unique<Page>();
        std::memcpy(slot->bytes.data() + offset, bytes.data() + index, length);
        std::memset(slot->known.data() + offset, 1, length);
        return true;
    });
}

std::optional<uint8_t> MemoryShadow::get(uint32_t addr) const {
    const auto found = pages_.find(addr >> kPageBits);
    if (found == pages_.end()) return std::nullopt;
    const uint32_t offset = addr & (kPageSize - 1);
    if (found->second->known[offset] == 0) return std::nullopt;
    return found->second->bytes[offset];
}

}  // namespace mtb
