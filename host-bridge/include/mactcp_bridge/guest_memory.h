// Bounds-checked, big-endian view of guest RAM.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>

namespace mtb {

// Sees every guest byte the bridge reads or writes (the `ipptrace` recorder, trace replay).
// Every accessor of GuestMemory reports here, so no caller can leave a range out of a trace.
class GuestMemoryObserver {
public:
    virtual ~GuestMemoryObserver() = default;
    virtual void read(uint32_t addr, std::span<const uint8_t> bytes) = 0;
    virtual void wrote(uint32_t addr, std::span<const uint8_t> bytes) = 0;
};

// One contiguous range of guest RAM seen through a host pointer. Every access of a guest range
// goes through contains(), which is overflow-safe: the guest picks every address and length.
class GuestMemory {
public:
    GuestMemory() = default;
    GuestMemory(uint8_t *host, uint32_t guest_base, uint32_t size)
        : host_(host), base_(guest_base), size_(size) {}

    bool valid() const { return host_ != nullptr && size_ != 0; }
    uint32_t base() const { return base_; }
    uint32_t size() const { return size_; }

    // Null when nobody watches: then each accessor costs one predictable branch more.
    void set_observer(GuestMemoryObserver *observer) { observer_ = observer; }
    GuestMemoryObserver *observer() const { return observer_; }

    // True when every byte of [addr, addr + len) is RAM. A zero-length range must still start
    // inside RAM or at its end.
    bool contains(uint32_t addr, uint32_t len) const {
        if (host_ == nullptr || addr < base_) return false;
        const uint64_t offset = uint64_t{addr} - base_;
        return offset + len <= size_;
    }

    // Read-only host view of a checked range (reported as read in full); empty optional when
    // any byte is outside RAM.
    std::optional<std::span<const uint8_t>> bytes(uint32_t addr, uint32_t len) const {
        if (!contains(addr, len)) return std::nullopt;
        const std::span<const uint8_t> view(host_ + (addr - base_), len);
        if (observer_ != nullptr) [[unlikely]] observer_->read(addr, view);
        return view;
    }

    // A guest range the host fills in place (recv() straight into a guest buffer). Only what
    // commit() covers is reported as written; a span dropped without commit() reports all of
    // it, so a forgotten commit over-reports rather than hides a write.
    class WriteSpan {
    public:
        WriteSpan(const GuestMemory &memory, uint32_t addr, std::span<uint8_t> span)
            : observer_(memory.observer_), addr_(addr), span_(span) {}
        WriteSpan(WriteSpan &&other) noexcept
            : observer_(other.observer_), addr_(other.addr_), span_(other.span_), committed_(other.committed_) {
            other.committed_ = true;
        }
        WriteSpan(const WriteSpan &) = delete;
        WriteSpan &operator=(const WriteSpan &) = delete;
        WriteSpan &operator=(WriteSpan &&) = delete;
        ~WriteSpan() {
            if (!committed_) commit(static_cast<uint32_t>(span_.size()));
        }
        uint8_t *data() const { return span_.data(); }
        std::size_t size() const { return span_.size(); }
        // The first `written` bytes now hold what the host put there.
        void commit(uint32_t written) {
            committed_ = true;
            written = std::min<uint32_t>(written, static_cast<uint32_t>(span_.size()));
            if (observer_ != nullptr && written != 0) [[unlikely]] observer_->wrote(addr_, span_.first(written));
        }

    private:
        GuestMemoryObserver *observer_;
        uint32_t addr_;
        std::span<uint8_t> span_;
        bool committed_ = false;
    };
    std::optional<WriteSpan> writable(uint32_t addr, uint32_t len) {
        if (!contains(addr, len)) return std::nullopt;
        return WriteSpan(*this, addr, std::span<uint8_t>(host_ + (addr - base_), len));
    }

    bool read(uint32_t addr, void *dst, uint32_t len) const {
        if (!contains(addr, len)) return false;
        std::memcpy(dst, host_ + (addr - base_), len);
        if (observer_ != nullptr) [[unlikely]] observer_->read(addr, {host_ + (addr - base_), len});
        return true;
    }
    bool write(uint32_t addr, const void *src, uint32_t len) {
        if (!contains(addr, len)) return false;
        std::memmove(host_ + (addr - base_), src, len);  // src may be guest RAM too
        if (observer_ != nullptr) [[unlikely]] observer_->wrote(addr, {host_ + (addr - base_), len});
        return true;
    }
    bool fill(uint32_t addr, uint8_t value, uint32_t len) {
        if (!contains(addr, len)) return false;
        std::memset(host_ + (addr - base_), value, len);
        if (observer_ != nullptr) [[unlikely]] observer_->wrote(addr, {host_ + (addr - base_), len});
        return true;
    }

    std::optional<uint8_t> read8(uint32_t addr) const {
        if (!contains(addr, 1)) return std::nullopt;
        if (observer_ != nullptr) [[unlikely]] observer_->read(addr, {host_ + (addr - base_), 1});
        return host_[addr - base_];
    }
    std::optional<uint16_t> read16(uint32_t addr) const {
        if (!contains(addr, 2)) return std::nullopt;
        const uint8_t *p = host_ + (addr - base_);
        if (observer_ != nullptr) [[unlikely]] observer_->read(addr, {p, 2});
        return static_cast<uint16_t>((p[0] << 8) | p[1]);
    }
    std::optional<uint32_t> read32(uint32_t addr) const {
        if (!contains(addr, 4)) return std::nullopt;
        const uint8_t *p = host_ + (addr - base_);
        if (observer_ != nullptr) [[unlikely]] observer_->read(addr, {p, 4});
        return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
    }
    bool write8(uint32_t addr, uint8_t v) { return write(addr, &v, 1); }
    bool write16(uint32_t addr, uint16_t v) {
        const uint8_t b[2] = {static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v)};
        return write(addr, b, 2);
    }
    bool write32(uint32_t addr, uint32_t v) {
        const uint8_t b[4] = {static_cast<uint8_t>(v >> 24), static_cast<uint8_t>(v >> 16),
                              static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v)};
        return write(addr, b, 4);
    }

    // Length of the NUL-terminated string at addr (without the NUL), searching at most
    // max_len bytes; empty optional if no NUL lies within RAM and max_len. Reports the bytes
    // searched (the string and its NUL) as read.
    std::optional<uint32_t> c_string_length(uint32_t addr, uint32_t max_len) const {
        if (!contains(addr, 0)) return std::nullopt;
        const uint64_t available = uint64_t{size_} - (addr - base_);
        const uint32_t limit = static_cast<uint32_t>(std::min<uint64_t>(available, max_len));
        const uint8_t *start = host_ + (addr - base_);
        const void *nul = std::memchr(start, 0, limit);
        const uint32_t searched = nul == nullptr ? limit : static_cast<uint32_t>(static_cast<const uint8_t *>(nul) - start) + 1;
        if (observer_ != nullptr && searched != 0) [[unlikely]] observer_->read(addr, {start, searched});
        if (nul == nullptr) return std::nullopt;
        return searched - 1;
    }

private:
    uint8_t *host_ = nullptr;
    uint32_t base_ = 0;
    uint32_t size_ = 0;
    GuestMemoryObserver *observer_ = nullptr;
};

}  // namespace mtb
