// libFuzzer target: the `ipptrace` reader and structure check (tools/mactcp-trace trace_reader,
// trace_model, trace_show) on arbitrary bytes, as a hand-edited, truncated or hostile trace
// file reaches `mactcp-trace`. Seeds: the committed traces (tests/traces/*.jsonl).
// Checks, beyond "no crash, no exception, no sanitizer report": the reader's promises
// (records in file order, an error names a line inside the text, "rd"/"wr" lengths match
// their bytes) and that a trace the reader accepted can be checked and shown.
// SPDX-License-Identifier: GPL-2.0-or-later
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string_view>
#include <variant>

#include "trace_model.h"
#include "trace_reader.h"
#include "trace_show.h"

namespace {
void check(bool condition) {
    if (!condition) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    using namespace mtb::trace;
    const std::string_view text(reinterpret_cast<const char *>(data), size);
    const ReadResult read = parse_trace(text);
    if (const auto *error = std::get_if<ReadError>(&read)) {
        std::size_t lines = 1;
        for (char c : text) lines += c == '\n';
        check(error->line <= lines);
        check(!error->message.empty());
        return 0;
    }
    const Trace &trace = std::get<Trace>(read);
    std::size_t previous_line = 0;
    for (const Record &record : trace.records) {
        check(record.line > previous_line);
        previous_line = record.line;
        if (record.has_bytes) check(record.bytes.size() == record.length);
    }
    const auto model = check_model(trace);
    if (const auto *checked = std::get_if<Model>(&model)) {
        for (const Segment &segment : checked->segments) {
            check(segment.start <= segment.end && segment.end < trace.records.size());
        }
    }
    std::ostringstream out;
    show_summary(trace, out);
    show_timeline(trace, out);
    return 0;
}
