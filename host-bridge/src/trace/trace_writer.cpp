// SPDX-License-Identifier: GPL-2.0-or-later
#include "trace/trace_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>

#include <fmt/format.h>

#include "driver/mactcp_codes.h"

namespace mtb {

namespace {

// A huge interrupt drain still reaches the file in bounded pieces. A size cap reached after such
// a flush ends the file inside that entry, with an "end" record naming it as incomplete.
constexpr std::size_t kFlushAt = 4u << 20;

class FileSink final : public TraceSink {
public:
    explicit FileSink(int fd) : fd_(fd) {}
    ~FileSink() override { ::close(fd_); }
    bool write(std::string_view lines) override {
        while (!lines.empty()) {
            const ssize_t n = ::write(fd_, lines.data(), lines.size());
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) return false;
            lines.remove_prefix(static_cast<std::size_t>(n));
        }
        return true;
    }

private:
    int fd_;
};

void append_regs(std::string &line, const GuestRegs &regs) {
    line += fmt::format(R"(,"d0":{},"a0":{},"a1":{},"a5":{})", regs.d[0], regs.a[0], regs.a[1], regs.a[5]);
}

}  // namespace

std::optional<TraceSpec> parse_trace_spec(std::string_view text) {
    TraceSpec spec;
    const auto space = text.find_last_of(' ');
    if (space != std::string_view::npos && text.substr(space + 1).starts_with("max=")) {
        std::string_view size = text.substr(space + 5);
        uint64_t unit = 1;
        if (!size.empty()) {
            switch (size.back()) {
            case 'K': case 'k': unit = 1ull << 10; break;
            case 'M': case 'm': unit = 1ull << 20; break;
            case 'G': case 'g': unit = 1ull << 30; break;
            default: break;
            }
            if (unit != 1) size.remove_suffix(1);
        }
        uint64_t value = 0;
        const auto [end, ec] = std::from_chars(size.data(), size.data() + size.size(), value);
        if (ec != std::errc() || end != size.data() + size.size() || value == 0 || value > (1ull << 50) / unit)
            return std::nullopt;
        spec.max_bytes = value * unit;
        text = text.substr(0, space);
        while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
    }
    if (text.empty()) return std::nullopt;
    spec.path = std::string(text);
    return spec;
}

TraceWriter::TraceWriter() = default;
TraceWriter::~TraceWriter() { close("the bridge went away"); }

bool TraceWriter::open(const TraceSpec &spec, const TraceHeader &header) {
    const int fd = ::open(spec.path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return false;
    owned_sink_ = std::make_unique<FileSink>(fd);
    open(*owned_sink_, header);
    max_bytes_ = spec.max_bytes;
    immediate_ = false;
    return true;
}

void TraceWriter::open(TraceSink &sink, const TraceHeader &header) {
    sink_ = &sink;
    immediate_ = true;
    started_ = std::chrono::steady_clock::now();
    sequence_ = 0;
    written_sequence_ = 0;
    written_ = 0;
    max_bytes_ = 0;
    depth_ = 0;
    outermost_entry_ = 0;
    entry_in_file_ = false;
    shadow_.clear();
    buffer_ = fmt::format(R"({{"k":"header","trace":"mactcp-bridge","format":{},"bridge":"{}","emulator":)",
                          kTraceFormatVersion, MTB_BRIDGE_VERSION);
    append_json_string(buffer_, header.emulator);
    buffer_ += R"(,"prefs":{)";
    bool first = true;
    for (const auto &[name, value] : header.prefs) {
        if (!first) buffer_ += ',';
        first = false;
        append_json_string(buffer_, name);
        buffer_ += ':';
        if (value)
            append_json_string(buffer_, *value);
        else
            buffer_ += "null";
    }
    buffer_ += fmt::format(R"(}},"host":{{"address":{},"netmask":{},"mtu":{},"outward":{}}},"ram":{{"base":{},"size":{}}}}})",
                           header.host_address, header.host_netmask, header.host_mtu, header.host_outward,
                           header.ram_base, header.ram_size);
    buffer_ += '\n';
    flush();
}

void TraceWriter::close(std::string_view reason, std::optional<uint64_t> incomplete_entry) {
    if (!enabled()) return;
    begin_record("end");
    buffer_ += R"(,"reason":)";
    append_json_string(buffer_, reason);
    if (incomplete_entry) fmt::format_to(std::back_inserter(buffer_), R"(,"incomplete":{})", *incomplete_entry);
    end_record();
    flush();
    sink_ = nullptr;
    owned_sink_.reset();
    shadow_.clear();
}

void TraceWriter::flush() {
    if (sink_ == nullptr || buffer_.empty()) return;
    if (!sink_->write(buffer_)) {
        sink_ = nullptr;  // nowhere to write: stop rather than fail every call
        owned_sink_.reset();
    }
    written_ += buffer_.size();
    written_sequence_ = sequence_;
    buffer_.clear();
}

void TraceWriter::begin_record(std::string_view kind) {
    const auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started_);
    fmt::format_to(std::back_inserter(buffer_), R"({{"n":{},"t":{},"k":")", ++sequence_, elapsed.count());
    buffer_ += kind;
    buffer_ += '"';
}

void TraceWriter::end_record() {
    buffer_ += "}\n";
    if (immediate_) {
        flush();
        return;
    }
    // Room is kept for the end record itself, so the file never passes the cap.
    constexpr uint64_t kEndRecordRoom = 256;
    if (max_bytes_ != 0 && written_ + buffer_.size() + kEndRecordRoom > max_bytes_) {
        // The cap: drop the unfinished outermost entry so the file ends on a whole one. The end
        // record follows the last record written, so the numbers run without a gap. When part
        // of that entry is in the file already (over kFlushAt of records), the end record says
        // the entry is incomplete.
        buffer_.clear();
        sequence_ = written_sequence_;
        const uint64_t cap = max_bytes_;
        max_bytes_ = 0;
        if (entry_in_file_)
            close(fmt::format("size cap of {} bytes reached inside the entry of record {} (over {} MB of records): "
                              "that entry is incomplete, nothing after record {} recorded",
                              cap, outermost_entry_, kFlushAt >> 20, sequence_),
                  outermost_entry_);
        else
            close(fmt::format("size cap of {} bytes reached: entries after record {} not recorded", cap, sequence_));
        return;
    }
    if (depth_ == 0 || buffer_.size() >= kFlushAt) {
        entry_in_file_ = depth_ > 0;
        flush();
    }
}

void TraceWriter::entry(std::string_view name, const GuestRegs *regs) {
    if (!enabled()) return;
    begin_record("entry");
    buffer_ += R"(,"e":")";
    buffer_ += name;
    buffer_ += '"';
    if (regs != nullptr) append_regs(buffer_, *regs);
    if (depth_++ == 0) outermost_entry_ = sequence_;
    end_record();
}

void TraceWriter::entry_return(const GuestRegs *regs) {
    if (!enabled()) return;
    begin_record("ret");
    if (regs != nullptr) {
        const auto result = static_cast<int16_t>(regs->d[0]);
        buffer_ += fmt::format(R"(,"d0":{},"result":"{}")", regs->d[0], result_name(result));
    }
    if (depth_ > 0) --depth_;
    end_record();
}

void TraceWriter::control(uint16_t cs_code, uint32_t pb, bool async, uint32_t completion) {
    if (!enabled()) return;
    begin_record("call");
    fmt::format_to(std::back_inserter(buffer_), R"(,"cs":{},"name":"{}","pb":{},"async":{},"completion":{})", cs_code,
                   cs_code_name(cs_code), pb, async, completion);
    end_record();
}

void TraceWriter::complete(uint16_t cs_code, uint32_t pb, int16_t result) {
    if (!enabled()) return;
    begin_record("done");
    fmt::format_to(std::back_inserter(buffer_), R"(,"cs":{},"name":"{}","pb":{},"result":{},"result_name":"{}")", cs_code,
                   cs_code_name(cs_code), pb, result, result_name(result));
    end_record();
}

void TraceWriter::callback(std::string_view kind, uint32_t routine, std::initializer_list<uint32_t> arguments) {
    if (!enabled()) return;
    begin_record("cb");
    buffer_ += R"(,"cb":)";
    append_json_string(buffer_, kind);
    fmt::format_to(std::back_inserter(buffer_), R"(,"routine":{},"args":[)", routine);
    bool first = true;
    for (uint32_t argument : arguments) {
        if (!first) buffer_ += ',';
        first = false;
        fmt::format_to(std::back_inserter(buffer_), "{}", argument);
    }
    buffer_ += ']';
    end_record();
}

void TraceWriter::callback_return(bool ran) {
    if (!enabled()) return;
    begin_record("cb_ret");
    buffer_ += ran ? R"(,"ran":true)" : R"(,"ran":false)";
    end_record();
}

void TraceWriter::data(std::string_view direction, uint32_t stream, uint32_t length) {
    if (!enabled()) return;
    begin_record("data");
    buffer_ += R"(,"dir":)";
    append_json_string(buffer_, direction);
    fmt::format_to(std::back_inserter(buffer_), R"(,"stream":{},"len":{})", stream, length);
    end_record();
}

void TraceWriter::host(std::string_view op, std::string_view fields) {
    if (!enabled() || depth_ == 0) return;  // host work outside entries (teardown) is not the guest's
    begin_record("host");
    buffer_ += R"(,"op":)";
    append_json_string(buffer_, op);
    buffer_ += fields;
    end_record();
}

void TraceWriter::ram(uint32_t base, uint32_t size) {
    if (!enabled()) return;
    shadow_.clear();  // new RAM: nothing known about it
    begin_record("ram");
    fmt::format_to(std::back_inserter(buffer_), R"(,"base":{},"size":{})", base, size);
    end_record();
}

void TraceWriter::note(std::string_view text) {
    if (!enabled()) return;
    begin_record("note");
    buffer_ += R"(,"text":)";
    append_json_string(buffer_, text);
    end_record();
}

void TraceWriter::read(uint32_t addr, std::span<const uint8_t> bytes) {
    if (!enabled() || bytes.empty()) return;
    begin_record("rd");
    if (shadow_.matches(addr, bytes)) {
        fmt::format_to(std::back_inserter(buffer_), R"(,"a":{},"len":{})", addr, bytes.size());
    } else {
        fmt::format_to(std::back_inserter(buffer_), R"(,"a":{},"b":)", addr);
        append_base64(buffer_, bytes);
        shadow_.store(addr, bytes);
    }
    end_record();
}

void TraceWriter::wrote(uint32_t addr, std::span<const uint8_t> bytes) {
    if (!enabled() || bytes.empty()) return;
    begin_record("wr");
    fmt::format_to(std::back_inserter(buffer_), R"(,"a":{},"b":)", addr);
    append_base64(buffer_, bytes);
    shadow_.store(addr, bytes);
    end_record();
}

void TraceWriter::append_json_string(std::string &out, std::string_view bytes) {
    static constexpr char kHex[] = "0123456789abcdef";
    out += '"';
    for (char c : bytes) {
        const auto b = static_cast<unsigned char>(c);
        if (b == '"' || b == '\\') {
            out += '\\';
            out += c;
        } else if (b < 0x20 || b >= 0x7F) {
            out += "\\u00";
            out += kHex[b >> 4];
            out += kHex[b & 15];
        } else {
            out += c;
        }
    }
    out += '"';
}

void TraceWriter::append_base64(std::string &out, std::span<const uint8_t> bytes) {
    static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    out += '"';
    std::size_t i = 0;
    for (; i + 3 <= bytes.size(); i += 3) {
        const uint32_t v = (uint32_t{bytes[i]} << 16) | (uint32_t{bytes[i + 1]} << 8) | bytes[i + 2];
        out += kAlphabet[v >> 18];
        out += kAlphabet[(v >> 12) & 63];
        out += kAlphabet[(v >> 6) & 63];
        out += kAlphabet[v & 63];
    }
    if (const std::size_t rest = bytes.size() - i; rest != 0) {
        const uint32_t v = (uint32_t{bytes[i]} << 16) | (rest == 2 ? uint32_t{bytes[i + 1]} << 8 : 0);
        out += kAlphabet[v >> 18];
        out += kAlphabet[(v >> 12) & 63];
        out += rest == 2 ? kAlphabet[(v >> 6) & 63] : '=';
        out += '=';
    }
    out += '"';
}

}  // namespace mtb
