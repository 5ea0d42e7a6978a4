// SPDX-License-Identifier: GPL-2.0-or-later
#include "trace/memory_shadow.h"

namespace mtb {

bool MemoryShadow::matches(uint32_t addr, std::span<const uint8_t> bytes) const {
    const Page *page = nullptr;
    uint32_t page_index = 0;
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        const uint32_t at = addr + static_cast<uint32_t>(i);
        if (page == nullptr || (at >> kPageBits) != page_index) {
            page_index = at >> kPageBits;
            const auto found = pages_.find(page_index);
            if (found == pages_.end()) return false;
            page = found->second.get();
        }
        const uint32_t offset = at & (kPageSize - 1);
        if (!page->known[offset] || page->bytes[offset] != bytes[i]) return false;
    }
    return true;
}

void MemoryShadow::store(uint32_t addr, std::span<const uint8_t> bytes) {
    Page *page = nullptr;
    uint32_t page_index = 0;
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        const uint32_t at = addr + static_cast<uint32_t>(i);
        if (page == nullptr || (at >> kPageBits) != page_index) {
            page_index = at >> kPageBits;
            auto &slot = pages_[page_index];
            if (!slot) slot = std::make_unique<Page>();
            page = slot.get();
        }
        const uint32_t offset = at & (kPageSize - 1);
        page->bytes[offset] = bytes[i];
        page->known[offset] = true;
    }
}

std::optional<uint8_t> MemoryShadow::get(uint32_t addr) const {
    const auto found = pages_.find(addr >> kPageBits);
    if (found == pages_.end()) return std::nullopt;
    const uint32_t offset = addr & (kPageSize - 1);
    if (!found->second->known[offset]) return std::nullopt;
    return found->second->bytes[offset];
}

}  // namespace mtb
