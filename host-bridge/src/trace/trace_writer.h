// The `ipptrace` recording: every host->plugin entry, every guest byte the bridge read and
// wrote, every callback and completion, as versioned JSON Lines. The format, field by field,
// is tests/traces/README.md; trace_reader.h reads it back.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mactcp_bridge/guest_cpu.h"
#include "mactcp_bridge/guest_memory.h"
#include "trace/memory_shadow.h"

namespace mtb {

inline constexpr int kTraceFormatVersion = 2;

// Where finished lines go: a file, or the replay's comparator (one line at a time).
class TraceSink {
public:
    virtual ~TraceSink() = default;
    // False when the line could not be stored (disk full): recording stops.
    virtual bool write(std::string_view lines) = 0;
};

// What the header record says about the session (see tests/traces/README.md, "header").
struct TraceHeader {
    std::string emulator;
    std::vector<std::pair<std::string, std::optional<std::string>>> prefs;  // every ipp* pref
    uint32_t host_address = 0, host_netmask = 0, host_mtu = 0;
    bool host_outward = false;
    uint32_t ram_base = 0, ram_size = 0;  // 0/0: the host had no RAM yet
};

// `ipptrace` value: "FILE" or "FILE max=SIZE" (SIZE in bytes, or with K, M or G).
struct TraceSpec {
    std::string path;
    uint64_t max_bytes = 0;  // 0: no cap
};
std::optional<TraceSpec> parse_trace_spec(std::string_view text);

// Emulation thread only. Disabled (every call a no-op) unless opened. Lines are buffered and
// handed to the sink when the outermost entry returns, so a crash loses at most one entry.
class TraceWriter final : public GuestMemoryObserver {
public:
    TraceWriter();
    ~TraceWriter() override;
    TraceWriter(const TraceWriter &) = delete;
    TraceWriter &operator=(const TraceWriter &) = delete;

    bool open(const TraceSpec &spec, const TraceHeader &header);
    // Replay: every line goes to `sink` at once (no buffering, no cap).
    void open(TraceSink &sink, const TraceHeader &header);
    bool enabled() const { return sink_ != nullptr; }
    // Writes an "end" record with `reason` and stops recording. `incomplete_entry`: the record
    // number of an outermost entry whose first records are in the file and whose rest is not
    // (the size cap reached after a flush inside it); replay stops before it.
    void close(std::string_view reason, std::optional<uint64_t> incomplete_entry = std::nullopt);

    // A host->plugin entry (emul_op selector name, "interrupt", "reset", "shutdown") and its
    // return; entries nest when guest code called from a callback re-enters the driver.
    void entry(std::string_view name, const GuestRegs *regs);
    void entry_return(const GuestRegs *regs);
    // Inside a Control entry: what the guest asked for.
    void control(uint16_t cs_code, uint32_t pb, bool async, uint32_t completion);
    // A pending request finished (its pb writes are the "wr" records before this one).
    void complete(uint16_t cs_code, uint32_t pb, int16_t result);
    // A guest callback: kind is "completion", "tcp_asr", "udp_asr" or "pascal_proc"; the guest
    // runs between this record and callback_return.
    void callback(std::string_view kind, uint32_t routine, std::initializer_list<uint32_t> arguments);
    void callback_return(bool ran);
    // Payload crossing the boundary, by stream: direction "to_guest" or "to_host". The bytes
    // themselves are in the memory records.
    void data(std::string_view direction, uint32_t stream, uint32_t length);
    // A host result the bridge consumed: `fields` is the rest of a JSON object, starting with ','.
    void host(std::string_view op, std::string_view fields);
    void ram(uint32_t base, uint32_t size);
    void note(std::string_view text);

    // GuestMemoryObserver: "rd" and "wr" records.
    void read(uint32_t addr, std::span<const uint8_t> bytes) override;
    void wrote(uint32_t addr, std::span<const uint8_t> bytes) override;

    // JSON string of arbitrary bytes (Mac Roman names): each byte is the code point of the same
    // value, escaped so the line is valid UTF-8 JSON whatever the bytes are.
    static void append_json_string(std::string &out, std::string_view bytes);
    static void append_base64(std::string &out, std::span<const uint8_t> bytes);

private:
    void begin_record(std::string_view kind);
    void end_record();
    void flush();

    std::unique_ptr<TraceSink> owned_sink_;
    TraceSink *sink_ = nullptr;
    std::chrono::steady_clock::time_point started_;
    uint64_t sequence_ = 0;
    uint64_t written_sequence_ = 0;  // the number of the last record handed to the sink
    uint64_t written_ = 0;
    uint64_t max_bytes_ = 0;
    int depth_ = 0;
    uint64_t outermost_entry_ = 0;  // the record number of the outermost entry being recorded
    bool entry_in_file_ = false;    // part of it has reached the sink (a flush inside it)
    bool immediate_ = false;
    std::string buffer_;
    MemoryShadow shadow_;  // lets a read of bytes the trace already holds omit them
};

}  // namespace mtb
