// SPDX-License-Identifier: GPL-2.0-or-later
#include "trace/trace_writer.h"

#include <fmt/format.h>

#include "driver/mactcp_codes.h"

namespace mtb {

namespace {

void append_hex(std::string &line, std::span<const uint8_t> bytes) {
    static constexpr char kDigits[] = "0123456789abcdef";
    line += '"';
    for (uint8_t b : bytes) {
        line += kDigits[b >> 4];
        line += kDigits[b & 15];
    }
    line += '"';
}

void append_json_string(std::string &line, std::string_view text) {
    line += '"';
    for (char c : text) {
        if (c == '"' || c == '\\') {
            line += '\\';
            line += c;
        } else if (static_cast<unsigned char>(c) < 0x20) {
            line += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
        } else {
            line += c;
        }
    }
    line += '"';
}

}  // namespace

bool TraceWriter::open(const std::string &path, std::string_view emulator) {
    auto out = std::make_unique<std::ofstream>(path, std::ios::out | std::ios::trunc);
    if (!*out) return false;
    out_ = std::move(out);
    started_ = std::chrono::steady_clock::now();
    line_ = fmt::format(R"({{"trace":"mactcp-bridge","version":{},"emulator":)", kTraceFormatVersion);
    append_json_string(line_, emulator);
    line_ += "}\n";
    *out_ << line_ << std::flush;
    return true;
}

void TraceWriter::close() { out_.reset(); }

void TraceWriter::begin_record(std::string_view kind) {
    const auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started_);
    line_ = fmt::format(R"({{"seq":{},"t_us":{},"kind":")", ++sequence_, elapsed.count());
    line_ += kind;
    line_ += '"';
}

// One flushed line per record, so a trace survives the emulator crashing.
void TraceWriter::end_record() {
    line_ += "}\n";
    *out_ << line_ << std::flush;
}

void TraceWriter::call(uint16_t cs_code, uint32_t pb, bool async, std::span<const uint8_t> before,
                       std::span<const uint8_t> after, int16_t result) {
    if (!enabled()) return;
    begin_record("call");
    line_ += fmt::format(R"(,"cs":{},"name":"{}","pb":{},"async":{},"before":)", cs_code, cs_code_name(cs_code), pb,
                         async ? "true" : "false");
    append_hex(line_, before);
    line_ += R"(,"after":)";
    append_hex(line_, after);
    line_ += fmt::format(R"(,"result":{})", result);
    end_record();
}

void TraceWriter::complete(uint16_t cs_code, uint32_t pb, int16_t result, std::span<const uint8_t> after) {
    if (!enabled()) return;
    begin_record("complete");
    line_ += fmt::format(R"(,"cs":{},"name":"{}","pb":{},"result":{},"after":)", cs_code, cs_code_name(cs_code), pb, result);
    append_hex(line_, after);
    end_record();
}

void TraceWriter::callback(std::string_view kind, uint32_t routine, std::initializer_list<uint32_t> arguments) {
    if (!enabled()) return;
    begin_record("callback");
    line_ += R"(,"callback":)";
    append_json_string(line_, kind);
    line_ += fmt::format(R"(,"routine":{},"args":[)", routine);
    bool first = true;
    for (uint32_t argument : arguments) {
        if (!first) line_ += ',';
        first = false;
        line_ += fmt::format("{}", argument);
    }
    line_ += ']';
    end_record();
}

void TraceWriter::data(std::string_view direction, uint32_t stream, std::span<const uint8_t> bytes) {
    if (!enabled()) return;
    begin_record("data");
    line_ += R"(,"direction":)";
    append_json_string(line_, direction);
    line_ += fmt::format(R"(,"stream":{},"bytes":)", stream);
    append_hex(line_, bytes);
    end_record();
}

void TraceWriter::note(std::string_view text) {
    if (!enabled()) return;
    begin_record("note");
    line_ += R"(,"text":)";
    append_json_string(line_, text);
    end_record();
}

}  // namespace mtb
