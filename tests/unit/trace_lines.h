// Reading back a trace in unit tests: every line through the real JSON reader (nlohmann).
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <variant>
#include <vector>

#include "trace/trace_writer.h"
#include "trace_model.h"
#include "trace_reader.h"

namespace mtb::test {

// Reads `path` (then deletes it); fails the test unless it parses and checks cleanly.
inline trace::Trace read_checked_trace(const std::string &path) {
    trace::ReadResult read = trace::read_trace_file(path);
    ::unlink(path.c_str());
    if (auto *error = std::get_if<trace::ReadError>(&read)) {
        ADD_FAILURE() << path << ": " << error->text();
        return {};
    }
    auto model = trace::check_model(std::get<trace::Trace>(read));
    if (auto *error = std::get_if<trace::ReadError>(&model)) ADD_FAILURE() << path << ": " << error->text();
    return std::move(std::get<trace::Trace>(read));
}

// The records of one kind, in order.
inline std::vector<const trace::Record *> records_of(const trace::Trace &t, const std::string &kind) {
    std::vector<const trace::Record *> out;
    for (const auto &r : t.records)
        if (r.kind == kind) out.push_back(&r);
    return out;
}

// True when some memory record of `kind` ("rd" or "wr") holds exactly `bytes`.
inline bool has_memory(const trace::Trace &t, const std::string &kind, const std::string &bytes) {
    for (const auto *r : records_of(t, kind))
        if (r->has_bytes && std::string(r->bytes.begin(), r->bytes.end()) == bytes) return true;
    return false;
}

// A sink keeping lines in memory.
struct StringSink final : TraceSink {
    bool write(std::string_view lines) override {
        text += lines;
        return true;
    }
    std::string text;
};

}  // namespace mtb::test
