// The `ipptrace` recording: every guest call, completion, callback and the data crossing the
// boundary, as versioned JSON Lines (format described in tests/traces/README.md).
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <chrono>
#include <cstdint>
#include <fstream>
#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>

namespace mtb {

inline constexpr int kTraceFormatVersion = 1;

// Emulation thread only. Disabled (every call a no-op) unless opened.
class TraceWriter {
public:
    bool open(const std::string &path, std::string_view emulator);
    bool enabled() const { return out_ != nullptr; }
    void close();

    void call(uint16_t cs_code, uint32_t pb, bool async, std::span<const uint8_t> before,
              std::span<const uint8_t> after, int16_t result);
    void complete(uint16_t cs_code, uint32_t pb, int16_t result, std::span<const uint8_t> after);
    // A guest callback: kind is "completion", "tcp_asr", "udp_asr" or "pascal_proc".
    void callback(std::string_view kind, uint32_t routine, std::initializer_list<uint32_t> arguments);
    // Payload crossing the boundary: direction "to_guest" or "to_host".
    void data(std::string_view direction, uint32_t stream, std::span<const uint8_t> bytes);
    void note(std::string_view text);

private:
    void begin_record(std::string_view kind);
    void end_record();

    std::unique_ptr<std::ofstream> out_;
    std::chrono::steady_clock::time_point started_;
    uint64_t sequence_ = 0;
    std::string line_;
};

}  // namespace mtb
