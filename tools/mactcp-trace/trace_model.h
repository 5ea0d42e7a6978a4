// The structure of a trace, checked: entries and callbacks properly nested, memory records only
// where the bridge runs, and recorded guest memory that never contradicts itself. What replay
// needs comes out of the same pass: per stretch of bridge execution ("segment", from an entry or
// a callback's return to the next callback or return), the guest bytes to put in place first
// and the bytes the bridge must have written by its end.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <variant>
#include <vector>

#include "trace_reader.h"

namespace mtb::trace {

struct Segment {
    std::size_t start = 0;  // index into Trace::records of the "entry" or "cb_ret" record
    std::size_t end = 0;    // index of the "cb" or "ret" record that ends it
    std::optional<std::pair<uint32_t, uint32_t>> new_ram;  // a "ram" record inside: base, size
    std::vector<std::pair<uint32_t, std::vector<uint8_t>>> inputs;  // guest bytes the bridge read
    std::map<uint32_t, std::pair<uint8_t, std::size_t>> writes;    // byte -> final value, record index
};

struct Model {
    std::vector<Segment> segments;
    std::map<std::size_t, std::size_t> segment_at_start;  // record index -> segment index
    std::map<std::size_t, std::size_t> segment_at_end;
    uint32_t ram_base = 0, ram_size = 0;
    std::optional<std::size_t> end_record;  // index of the "end" record, if any
    // Index of the outermost entry the "end" record cut (a size cap reached after a flush inside
    // it): its first records are in the file, the rest is not. Replay stops before it.
    std::optional<std::size_t> incomplete_entry;
};

std::variant<Model, ReadError> check_model(const Trace &trace);

}  // namespace mtb::trace
