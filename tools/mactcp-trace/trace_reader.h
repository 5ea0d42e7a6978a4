// Reads an `ipptrace` file (format: tests/traces/README.md) into checked records, with
// nlohmann::json (Debian nlohmann-json3-dev) and never an exception or a crash on bad input.
//
// Fuzzing (engineer "reliab"): parse_trace() is the entry point to fuzz. It takes any bytes and
// returns either every record, each checked against its kind's schema (so later code may use
// the fields without re-checking), or the first error with its line number. It does no I/O.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

namespace mtb::trace {

inline constexpr int kFormatVersion = 2;

struct Record {
    std::size_t line = 0;     // 1-based line in the file
    std::string kind;         // "k"
    nlohmann::json json;      // the whole object, schema-checked
    std::vector<uint8_t> bytes;  // "rd"/"wr": the decoded "b" (empty for a "rd" with "len")
    uint32_t address = 0;     // "rd"/"wr": "a"
    uint32_t length = 0;      // "rd"/"wr": bytes covered
    bool has_bytes = false;   // "rd"/"wr": "b" present
};

struct Trace {
    nlohmann::json header;
    std::vector<Record> records;  // every record after the header, in file order
};

struct ReadError {
    std::size_t line = 0;
    std::string message;
    std::string text() const { return "line " + std::to_string(line) + ": " + message; }
};

using ReadResult = std::variant<Trace, ReadError>;

ReadResult parse_trace(std::string_view text);
ReadResult read_trace_file(const std::string &path);

// Field helpers for schema-checked records.
uint32_t u32(const nlohmann::json &object, const char *key);
int64_t i64(const nlohmann::json &object, const char *key);
std::string str(const nlohmann::json &object, const char *key);
// A string field back to the bytes it was written from (each byte one code point <= 0xFF).
std::optional<std::string> bytes_of(const nlohmann::json &string);

}  // namespace mtb::trace
