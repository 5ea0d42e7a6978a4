// SPDX-License-Identifier: GPL-2.0-or-later
#include "trace_model.h"

#include <algorithm>
#include <span>
#include <string>
#include <vector>

#include "trace/memory_shadow.h"

namespace mtb::trace {

namespace {

std::string hex(uint32_t value) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out = "0x";
    for (int shift = 28; shift >= 0; shift -= 4) out += kDigits[(value >> shift) & 15];
    return out;
}

struct Frame {
    char kind;  // 'E' entry, 'C' callback
    std::size_t line;
    std::size_t index;  // into Trace::records
};

}  // namespace

std::variant<Model, ReadError> check_model(const Trace &trace) {
    Model model;
    model.ram_base = trace.header["ram"]["base"].get<uint32_t>();
    model.ram_size = trace.header["ram"]["size"].get<uint32_t>();
    uint32_t ram_base = model.ram_base, ram_size = model.ram_size;
    std::vector<Frame> stack;
    MemoryShadow known;  // what the trace has shown of guest RAM so far
    std::optional<Segment> segment;
    // The open segment's input bytes: by address (paged, not a node per byte: a segment can read
    // megabytes), and as runs of adjacent bytes in reading order (each byte in one run), sorted
    // by address when the segment closes.
    MemoryShadow inputs;
    struct Run {
        uint32_t first;
        std::vector<uint8_t> bytes;
        bool operator<(const Run &other) const { return first < other.first; }
    };
    std::vector<Run> input_runs;
    std::vector<uint8_t> shown;  // scratch: the bytes of a read by length

    auto open_segment = [&](std::size_t index) {
        segment.emplace();
        segment->start = index;
        inputs.clear();
        input_runs.clear();
    };
    auto close_segment = [&](std::size_t index) {
        segment->end = index;
        // Adjacent input bytes become one range, so replay writes few, large pieces.
        std::sort(input_runs.begin(), input_runs.end());
        auto &list = segment->inputs;
        for (Run &run : input_runs) {
            if (!list.empty() && list.back().first + list.back().second.size() == run.first)
                list.back().second.insert(list.back().second.end(), run.bytes.begin(), run.bytes.end());
            else
                list.push_back({run.first, std::move(run.bytes)});
        }
        const std::size_t number = model.segments.size();
        model.segment_at_start[segment->start] = number;
        model.segment_at_end[index] = number;
        model.segments.push_back(std::move(*segment));
        segment.reset();
    };

    for (std::size_t i = 0; i < trace.records.size(); ++i) {
        const Record &r = trace.records[i];
        auto error = [&](std::string message) { return ReadError{r.line, std::move(message)}; };
        if (model.end_record) return error("a record after the \"end\" record");
        const std::string &k = r.kind;
        if (k == "entry") {
            if (!stack.empty() && stack.back().kind != 'C')
                return error("an entry inside the entry of line " + std::to_string(stack.back().line) +
                             " without a callback between them");
            stack.push_back({'E', r.line, i});
            open_segment(i);
        } else if (k == "ret") {
            if (stack.empty() || stack.back().kind != 'E')
                return error(stack.empty() ? "a return with no entry open" : "a return inside the callback of line " +
                                                                                 std::to_string(stack.back().line));
            stack.pop_back();
            close_segment(i);
        } else if (k == "cb") {
            if (stack.empty() || stack.back().kind != 'E') return error("a callback outside any entry");
            close_segment(i);
            stack.push_back({'C', r.line, i});
        } else if (k == "cb_ret") {
            if (stack.empty() || stack.back().kind != 'C') return error("a callback return with no callback open");
            stack.pop_back();
            open_segment(i);
        } else if (k == "end") {
            model.end_record = i;
        } else if (k == "note") {
            // anywhere
        } else if (!segment) {
            return error("a \"" + k + "\" record outside any entry (only entries touch guest memory or the host)");
        } else if (k == "ram") {
            ram_base = u32(r.json, "base");
            ram_size = u32(r.json, "size");
            segment->new_ram = std::pair(ram_base, ram_size);
            known.clear();
        } else if (k == "rd" || k == "wr") {
            if (r.address < ram_base || uint64_t{r.address} + r.length > uint64_t{ram_base} + ram_size)
                return error("memory " + hex(r.address) + "+" + std::to_string(r.length) + " lies outside the recorded RAM");
            if (k == "wr") {
                for (uint32_t j = 0; j < r.length; ++j) segment->writes[r.address + j] = {r.bytes[j], i};
                known.store(r.address, r.bytes);
                continue;
            }
            // The bytes read: recorded, or (a read by length) what earlier records showed.
            const uint8_t *values = r.bytes.data();
            if (!r.has_bytes) {
                shown.resize(r.length);
                for (uint32_t j = 0; j < r.length; ++j) {
                    const std::optional<uint8_t> byte = known.get(r.address + j);
                    if (!byte) return error("a read without bytes of " + hex(r.address + j) + ", which no earlier record showed");
                    shown[j] = *byte;
                }
                values = shown.data();
            }
            const std::size_t runs_before = input_runs.size();
            for (uint32_t j = 0; j < r.length; ++j) {
                const uint32_t addr = r.address + j;
                const uint8_t value = values[j];
                if (!segment->writes.empty())
                    if (const auto written = segment->writes.find(addr); written != segment->writes.end()) {
                        if (written->second.first != value)
                            return error("recorded memory contradicts itself: " + hex(addr) + " read as " +
                                         std::to_string(value) + " right after the bridge wrote " +
                                         std::to_string(written->second.first) + " (line " +
                                         std::to_string(trace.records[written->second.second].line) + ")");
                        continue;
                    }
                if (const auto earlier = inputs.get(addr)) {
                    if (*earlier != value)
                        return error("recorded memory contradicts itself: " + hex(addr) + " read as " +
                                     std::to_string(value) + " and as " + std::to_string(*earlier) +
                                     " with no guest code run between");
                    continue;
                }
                if (input_runs.size() > runs_before && input_runs.back().first + input_runs.back().bytes.size() == addr)
                    input_runs.back().bytes.push_back(value);
                else
                    input_runs.push_back({addr, {value}});
            }
            // This record's new inputs, a run at a time (a record never names an address twice).
            for (std::size_t k = runs_before; k < input_runs.size(); ++k) inputs.store(input_runs[k].first, input_runs[k].bytes);
            if (r.has_bytes) known.store(r.address, r.bytes);
        }
        // call, done, data, host: checked by their schema; replay compares them.
    }
    if (model.end_record) {
        // An "end" inside an entry cut that entry (the size cap after a flush inside it); the
        // record says which, when the writer knew.
        const Record &end = trace.records[*model.end_record];
        const auto named = end.json.find("incomplete");
        if (!stack.empty()) {
            const Record &cut = trace.records[stack.front().index];
            if (named != end.json.end() && named->get<uint64_t>() != cut.json["n"].get<uint64_t>())
                return ReadError{end.line, "the \"end\" record names record " + std::to_string(named->get<uint64_t>()) +
                                               " as incomplete, but the entry it cuts is record " +
                                               std::to_string(cut.json["n"].get<uint64_t>()) + " (line " +
                                               std::to_string(cut.line) + ")"};
            model.incomplete_entry = stack.front().index;
        } else if (named != end.json.end()) {
            return ReadError{end.line, "the \"end\" record names record " + std::to_string(named->get<uint64_t>()) +
                                           " as incomplete, but it ends outside every entry"};
        }
    }
    if (!stack.empty() && !model.end_record) {
        const std::size_t last = trace.records.empty() ? 1 : trace.records.back().line;
        return ReadError{last, std::string("the file ends inside the ") + (stack.back().kind == 'E' ? "entry" : "callback") +
                                   " opened at line " + std::to_string(stack.back().line) + " (truncated?)"};
    }
    model.ram_base = trace.header["ram"]["base"].get<uint32_t>();
    model.ram_size = trace.header["ram"]["size"].get<uint32_t>();
    return model;
}

}  // namespace mtb::trace
