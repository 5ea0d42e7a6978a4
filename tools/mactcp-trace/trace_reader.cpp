// SPDX-License-Identifier: GPL-2.0-or-later
#include "trace_reader.h"

#include <array>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <sstream>

namespace mtb::trace {

using nlohmann::json;

namespace {

// Keeps the parser's message and byte position instead of throwing them.
class Sax : public nlohmann::detail::json_sax_dom_parser<json> {
public:
    explicit Sax(json &result) : json_sax_dom_parser(result, false) {}
    bool parse_error(std::size_t position, const std::string &, const nlohmann::detail::exception &ex) {
        position_ = position;
        message_ = ex.what();
        return false;
    }
    std::size_t position_ = 0;
    std::string message_;
};

bool is_u32(const json &value) { return value.is_number_unsigned() && value.get<uint64_t>() <= UINT32_MAX; }

std::optional<std::vector<uint8_t>> decode_base64(const std::string &text) {
    static const std::array<int8_t, 256> table = [] {
        std::array<int8_t, 256> t{};
        t.fill(-1);
        const char *alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (int i = 0; i < 64; ++i) t[static_cast<uint8_t>(alphabet[i])] = static_cast<int8_t>(i);
        return t;
    }();
    if (text.size() % 4 != 0) return std::nullopt;
    std::vector<uint8_t> out;
    out.reserve(text.size() / 4 * 3);
    for (std::size_t i = 0; i < text.size(); i += 4) {
        const bool last = i + 4 == text.size();
        int pad = 0;
        uint32_t v = 0;
        for (std::size_t j = 0; j < 4; ++j) {
            const auto c = static_cast<uint8_t>(text[i + j]);
            if (c == '=' && last && j >= 2) {
                ++pad;
                v <<= 6;
                continue;
            }
            if (pad != 0 || table[c] < 0) return std::nullopt;
            v = (v << 6) | static_cast<uint32_t>(table[c]);
        }
        out.push_back(static_cast<uint8_t>(v >> 16));
        if (pad < 2) out.push_back(static_cast<uint8_t>(v >> 8));
        if (pad < 1) out.push_back(static_cast<uint8_t>(v));
    }
    return out;
}

// The schema of each kind: which fields, of which types (tests/traces/README.md).
enum class Type { u32, u64, i16, boolean, string, bytes_string, u32_array, optional_u32 };
struct Field {
    const char *name;
    Type type;
};

std::optional<std::string> check_field(const json &object, const Field &field) {
    const auto found = object.find(field.name);
    if (found == object.end()) {
        if (field.type == Type::optional_u32) return std::nullopt;
        return std::string("missing field \"") + field.name + "\"";
    }
    const json &value = *found;
    bool ok = false;
    switch (field.type) {
    case Type::u32:
    case Type::optional_u32: ok = is_u32(value); break;
    case Type::u64: ok = value.is_number_unsigned(); break;
    case Type::i16: ok = value.is_number_integer() && value.get<int64_t>() >= -32768 && value.get<int64_t>() <= 32767; break;
    case Type::boolean: ok = value.is_boolean(); break;
    case Type::string: ok = value.is_string(); break;
    case Type::bytes_string: ok = value.is_string() && bytes_of(value).has_value(); break;
    case Type::u32_array:
        ok = value.is_array() && value.size() <= 16;
        for (const json &item : value) ok = ok && is_u32(item);
        break;
    }
    if (!ok) return std::string("field \"") + field.name + "\" has the wrong type";
    return std::nullopt;
}

std::optional<std::string> check_fields(const json &object, std::initializer_list<Field> fields) {
    for (const Field &field : fields)
        if (auto problem = check_field(object, field)) return problem;
    return std::nullopt;
}

bool is_one_of(const std::string &value, std::initializer_list<const char *> allowed) {
    for (const char *a : allowed)
        if (value == a) return true;
    return false;
}

std::optional<std::string> check_header(const json &header) {
    if (!header.is_object()) return "the first line is not a trace header object";
    // Not value("trace", ""): it throws when the field is there with another type.
    const auto trace = header.find("trace");
    if (trace == header.end() || !trace->is_string() || *trace != "mactcp-bridge") return "not a MacTCP Bridge trace (no \"trace\":\"mactcp-bridge\")";
    const auto format = header.find("format");
    if (format == header.end()) {
        if (header.contains("version")) return "format 1 (before header records): re-record it with this bridge";
        return "missing field \"format\"";
    }
    if (!format->is_number_unsigned()) return "field \"format\" has the wrong type";
    if (format->get<uint64_t>() > static_cast<uint64_t>(kFormatVersion))
        return "format " + std::to_string(format->get<uint64_t>()) + " is newer than this tool reads (" +
               std::to_string(kFormatVersion) + "): use a newer mactcp-trace";
    if (format->get<uint64_t>() != static_cast<uint64_t>(kFormatVersion))
        return "format " + std::to_string(format->get<uint64_t>()) + " is not " + std::to_string(kFormatVersion);
    if (auto problem = check_fields(header, {{"k", Type::string}, {"bridge", Type::string}, {"emulator", Type::bytes_string}}))
        return problem;
    const auto prefs = header.find("prefs");
    if (prefs == header.end() || !prefs->is_object()) return "missing object \"prefs\"";
    for (const auto &[name, value] : prefs->items())
        if (!value.is_null() && !(value.is_string() && bytes_of(value))) return "pref \"" + name + "\" has the wrong type";
    const auto host = header.find("host");
    if (host == header.end() || !host->is_object()) return "missing object \"host\"";
    if (auto problem = check_fields(*host, {{"address", Type::u32}, {"netmask", Type::u32}, {"mtu", Type::u32}, {"outward", Type::boolean}}))
        return "host: " + *problem;
    const auto ram = header.find("ram");
    if (ram == header.end() || !ram->is_object()) return "missing object \"ram\"";
    if (auto problem = check_fields(*ram, {{"base", Type::u32}, {"size", Type::u32}})) return "ram: " + *problem;
    return std::nullopt;
}

std::optional<std::string> check_record(Record &record) {
    const json &j = record.json;
    if (!j.is_object()) return "a record must be a JSON object";
    if (j.value("k", json()) == "header") return "a second header: two traces in one file?";
    if (auto problem = check_fields(j, {{"n", Type::u64}, {"t", Type::u64}, {"k", Type::string}})) return problem;
    record.kind = j["k"].get<std::string>();
    const std::string &k = record.kind;
    if (k == "entry") {
        if (auto problem = check_fields(j, {{"e", Type::string}})) return problem;
        const std::string e = j["e"].get<std::string>();
        if (is_one_of(e, {"open", "prime", "control", "status", "close", "unknown"}))
            return check_fields(j, {{"d0", Type::u32}, {"a0", Type::u32}, {"a1", Type::u32}, {"a5", Type::u32}});
        if (is_one_of(e, {"interrupt", "reset", "shutdown"})) return std::nullopt;
        return "unknown entry \"" + e + "\"";
    }
    if (k == "ret") return check_fields(j, {{"d0", Type::optional_u32}});
    if (k == "call")
        return check_fields(j, {{"cs", Type::u32}, {"name", Type::string}, {"pb", Type::u32}, {"async", Type::boolean}, {"completion", Type::u32}});
    if (k == "done") return check_fields(j, {{"cs", Type::u32}, {"name", Type::string}, {"pb", Type::u32}, {"result", Type::i16}});
    if (k == "cb") {
        if (auto problem = check_fields(j, {{"cb", Type::string}, {"routine", Type::u32}, {"args", Type::u32_array}})) return problem;
        if (!is_one_of(j["cb"].get<std::string>(), {"completion", "tcp_asr", "udp_asr", "pascal_proc"}))
            return "unknown callback \"" + j["cb"].get<std::string>() + "\"";
        return std::nullopt;
    }
    if (k == "cb_ret") return check_fields(j, {{"ran", Type::boolean}});
    if (k == "data") return check_fields(j, {{"dir", Type::string}, {"stream", Type::u32}, {"len", Type::u32}});
    if (k == "host") return check_fields(j, {{"op", Type::string}});
    if (k == "ram") return check_fields(j, {{"base", Type::u32}, {"size", Type::u32}});
    if (k == "note") return check_fields(j, {{"text", Type::bytes_string}});
    if (k == "end") return check_fields(j, {{"reason", Type::bytes_string}});
    if (k == "rd" || k == "wr") {
        if (auto problem = check_fields(j, {{"a", Type::u32}})) return problem;
        record.address = j["a"].get<uint32_t>();
        const auto b = j.find("b");
        if (b != j.end()) {
            if (!b->is_string()) return "field \"b\" has the wrong type";
            auto bytes = decode_base64(b->get<std::string>());
            if (!bytes) return "field \"b\" is not base64";
            record.bytes = std::move(*bytes);
            record.has_bytes = true;
            record.length = static_cast<uint32_t>(std::min<std::size_t>(record.bytes.size(), UINT32_MAX));
        } else if (k == "rd" && j.contains("len") && is_u32(j["len"])) {
            record.length = j["len"].get<uint32_t>();
        } else {
            return k == "rd" ? "a \"rd\" record needs \"b\" or \"len\"" : "missing field \"b\"";
        }
        if (record.length == 0) return "an empty memory range";
        if (uint64_t{record.address} + record.length > (uint64_t{1} << 32)) return "the range runs past 4 GB";
        return std::nullopt;
    }
    return "unknown record kind \"" + k + "\"";
}

}  // namespace

std::optional<std::string> bytes_of(const json &string) {
    if (!string.is_string()) return std::nullopt;
    const std::string &text = string.get_ref<const std::string &>();
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<uint8_t>(text[i]);
        if (c < 0x80) {
            out += static_cast<char>(c);
        } else if ((c & 0xE0) == 0xC0 && i + 1 < text.size()) {
            const uint32_t cp = ((c & 0x1Fu) << 6) | (static_cast<uint8_t>(text[++i]) & 0x3Fu);
            if (cp > 0xFF) return std::nullopt;
            out += static_cast<char>(cp);
        } else {
            return std::nullopt;  // a code point above U+00FF: not one byte
        }
    }
    return out;
}

uint32_t u32(const json &object, const char *key) { return object.at(key).get<uint32_t>(); }
int64_t i64(const json &object, const char *key) { return object.at(key).get<int64_t>(); }
std::string str(const json &object, const char *key) { return object.at(key).get<std::string>(); }

ReadResult parse_trace(std::string_view text) {
    Trace trace;
    std::size_t line_number = 0;
    while (!text.empty()) {
        ++line_number;
        const std::size_t end = text.find('\n');
        if (end == std::string_view::npos)
            return ReadError{line_number, "the last line is cut short (no newline): the file is truncated"};
        const std::string_view line = text.substr(0, end);
        text.remove_prefix(end + 1);
        json value;
        Sax sax(value);
        if (!json::sax_parse(line, &sax, json::input_format_t::json, true) || sax.is_errored()) {
            std::string message = sax.message_.empty() ? "not valid JSON" : sax.message_;
            if (const auto cut = message.find("] "); message.starts_with("[json.exception") && cut != std::string::npos)
                message = message.substr(cut + 2);
            if (message.starts_with("parse error at line 1, column ")) message = message.substr(23);  // one line per record
            return ReadError{line_number, "corrupt line: " + message};
        }
        if (line_number == 1) {
            if (auto problem = check_header(value)) return ReadError{1, *problem};
            trace.header = std::move(value);
            continue;
        }
        Record record;
        record.line = line_number;
        record.json = std::move(value);
        if (auto problem = check_record(record)) return ReadError{line_number, *problem};
        // Numbered 1, 2, 3... after the header: a gap or a repeat is a line lost, duplicated or
        // moved, and replay would compare the wrong records.
        if (const uint64_t n = record.json["n"].get<uint64_t>(); n != trace.records.size() + 1)
            return ReadError{line_number, "record number " + std::to_string(n) + " where " +
                                              std::to_string(trace.records.size() + 1) +
                                              " was expected (a line lost, repeated or moved)"};
        if (record.kind == "rd" || record.kind == "wr") record.json.erase("b");  // decoded into bytes
        trace.records.push_back(std::move(record));
    }
    if (line_number == 0) return ReadError{1, "the file is empty"};
    return trace;
}

ReadResult read_trace_file(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return ReadError{0, "cannot open " + path};
    std::ostringstream text;
    text << in.rdbuf();
    return parse_trace(text.str());
}

}  // namespace mtb::trace
