// SPDX-License-Identifier: GPL-2.0-or-later
#include "trace_replay.h"

#include <sys/mman.h>

#include <deque>
#include <map>
#include <optional>
#include <stdexcept>

#include <fmt/format.h>

#include "mactcp_bridge/bridge.h"
#include "mactcp_bridge/guest_cpu.h"
#include "mactcp_bridge/host_environment.h"
#include "replay_host_io.h"
#include "replay_script.h"
#include "trace/recording_host_io.h"
#include "trace/trace_writer.h"

namespace mtb::trace {

using nlohmann::json;

namespace {

// Guest RAM of the replayed session: zero pages reserved, touched only where the trace says.
class ReplayRam {
public:
    ~ReplayRam() { release(); }
    bool allocate(uint32_t base, uint32_t size) {
        release();
        base_ = base;
        size_ = size;
        if (size == 0) return true;
        void *p = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (p == MAP_FAILED) return false;
        host_ = static_cast<uint8_t *>(p);
        return true;
    }
    GuestMemory memory() const { return host_ ? GuestMemory(host_, base_, size_) : GuestMemory(); }
    void put(uint32_t addr, const std::vector<uint8_t> &bytes) {
        if (host_ && addr >= base_ && uint64_t{addr} - base_ + bytes.size() <= size_)
            std::copy(bytes.begin(), bytes.end(), host_ + (addr - base_));
    }
    std::optional<uint8_t> get(uint32_t addr) const {
        if (!host_ || addr < base_ || addr - base_ >= size_) return std::nullopt;
        return host_[addr - base_];
    }

private:
    void release() {
        if (host_) ::munmap(host_, size_);
        host_ = nullptr;
    }
    uint8_t *host_ = nullptr;
    uint32_t base_ = 0, size_ = 0;
};

std::string hex(uint32_t v) { return fmt::format("{:#010x}", v); }

// Fields shown in reports. The reader checks only the fields replay uses, so a field shown
// here may hold any type in a damaged trace (json's value() would throw, const [] is undefined).
std::string text(const json &j, const char *key) {
    const auto found = j.find(key);
    return found != j.end() && found->is_string() ? found->get<std::string>() : "";
}

uint64_t number(const json &j, const char *key) {
    const auto found = j.find(key);
    return found != j.end() && found->is_number_unsigned() ? found->get<uint64_t>() : 0;
}

std::string brief(const json &j) {
    const std::string k = text(j, "k");
    if (k == "entry") return "entry " + text(j, "e");
    if (k == "ret") return j.contains("result") ? "return " + text(j, "result") : "return";
    if (k == "call") return fmt::format("call {} pb {}", text(j, "name"), hex(static_cast<uint32_t>(number(j, "pb"))));
    if (k == "done")
        return fmt::format("done {} pb {} {}", text(j, "name"), hex(static_cast<uint32_t>(number(j, "pb"))), text(j, "result_name"));
    if (k == "cb") {
        const auto args = j.find("args");
        return fmt::format("callback {} {}", text(j, "cb"), args == j.end() ? "[]" : args->dump());
    }
    if (k == "cb_ret") return "callback return";
    if (k == "data")
        return fmt::format("data {} stream {} {} bytes", text(j, "dir"), hex(static_cast<uint32_t>(number(j, "stream"))), number(j, "len"));
    if (k == "host") return "host " + text(j, "op");
    return k;
}

// Records compared one by one; rd (inputs), ram (the host's RAM), note, end and header are not,
// and wr is compared as memory contents at the next callback or return.
bool compared(const std::string &kind) {
    return kind != "rd" && kind != "wr" && kind != "ram" && kind != "note" && kind != "end" && kind != "header";
}

class Replayer final : public HostEnvironment, public GuestCpu, public TraceSink, public ReplayScript {
public:
    Replayer(const Trace &trace, const Model &model) : trace_(trace), model_(model) {}

    ReplayResult run() {
        ReplayResult result;
        if (!ram_.allocate(model_.ram_base, model_.ram_size)) {
            result.report = "cannot reserve the recorded RAM";
            return result;
        }
        {
            // The scripted host, wrapped in the same recorder as a live session's host, so that
            // today's requests are recorded and compared like everything else.
            ReplayHostIo host_io(*this, trace_.header);
            RecordingHostIo recorder(host_io, nullptr);
            Bridge bridge(*this, *this, recorder);
            recorder.record_into(bridge.trace_writer());
            bridge_ = &bridge;
            TraceHeader header;
            bridge.trace_writer().open(*this, header);
            skip_uncompared();
            while (pos_ < trace_.records.size() && !diverged_) {
                if (model_.incomplete_entry && pos_ == *model_.incomplete_entry) break;  // cut by the size cap
                const Record &r = trace_.records[pos_];
                if (r.kind != "entry") {
                    diverge(r.json, "k", "entry (the guest's next call into the driver)", json(r.kind),
                            "the recording has a \"" + r.kind + "\" here, outside any entry");
                    break;
                }
                make_entry();
                skip_uncompared();
            }
            stopping_ = true;
            bridge_ = nullptr;
        }
        result.identical = !diverged_;
        result.records_matched = matched_;
        result.warnings = std::move(warnings_);
        result.warnings_dropped = warnings_dropped_;
        result.report = diverged_ ? report_ : fmt::format("identical: {} records replayed{}", matched_, how_it_ended());
        return result;
    }

    // --- HostEnvironment ------------------------------------------------------------------
    GuestMemory memory() override { return ram_.memory(); }
    void raise_interrupt() override {}  // the recording says when interrupts came
    std::optional<std::string> pref(std::string_view name) override {
        if (name == "ipptrace") return std::nullopt;  // the replay records into itself
        // TLS sits below the recorder: the trace holds the guest's plaintext, replayed without it.
        if (name == "ipptls" || name == "ipptlsca") return std::nullopt;
        const auto &prefs = trace_.header["prefs"];
        const auto found = prefs.find(std::string(name));
        if (found == prefs.end() || found->is_null()) return std::nullopt;
        return bytes_of(*found);
    }
    void log(LogLevel level, std::string_view line) override {
        if (level <= LogLevel::warning) {
            if (warnings_.size() < ReplayResult::kMaxWarnings)
                warnings_.emplace_back(line);
            else
                ++warnings_dropped_;
        }
        logs_.emplace_back(line);
        if (logs_.size() > 8) logs_.pop_front();
    }
    std::optional<uint32_t> read_low_memory32(uint32_t address) override {
        const json *r = expect_host("low_memory32");
        if (r == nullptr || r->value("addr", 0u) != address) return std::nullopt;
        return r->value("value", 0u);
    }
    std::string emulator_name() const override { return bytes_of(trace_.header["emulator"]).value_or(""); }

    // --- GuestCpu: the guest's side of a callback -------------------------------------------
    bool call(uint32_t, GuestRegs &) override {
        // The bridge has just recorded the "cb" (compared already); the guest now makes the
        // entries recorded inside the callback, then returns.
        for (;;) {
            if (stopping_) return false;  // diverged: the guest runs no more
            skip_uncompared();
            if (pos_ >= trace_.records.size()) {
                diverge(json::object(), "k", "cb_ret", json("end of trace"), "the recording ends inside a callback");
                return false;
            }
            const Record &r = trace_.records[pos_];
            if (r.kind == "cb_ret") {
                // The guest ran: the bytes the bridge reads after the return go in place now.
                apply_inputs(pos_);
                return r.json["ran"].get<bool>();
            }
            if (r.kind != "entry") {
                diverge(r.json, "k", "entry or cb_ret", json(r.kind), "unexpected record inside a callback");
                return false;
            }
            make_entry();
        }
    }

    // --- TraceSink: every record today's bridge writes, compared as it comes -----------------
    bool write(std::string_view lines) override {
        if (stopping_) return true;
        while (!lines.empty() && !stopping_) {
            const auto end = lines.find('\n');
            const std::string_view line = lines.substr(0, end);
            lines.remove_prefix(end == std::string_view::npos ? lines.size() : end + 1);
            json got = json::parse(line, nullptr, false);
            if (got.is_discarded() || !got.is_object()) continue;
            take(got);
        }
        return true;
    }

    // --- ReplayScript: host results for ReplayHostIo ----------------------------------------
    const json *expect_host(std::string_view op) override {
        // Outside entries (building and tearing down the bridge) nothing is recorded either.
        if (stopping_ || entry_depth_ == 0) return nullptr;
        skip_uncompared();
        if (pos_ >= trace_.records.size() || trace_.records[pos_].kind != "host") {
            // Expected: what the recording holds here; got: what the bridge asked for.
            diverge(pos_ < trace_.records.size() ? trace_.records[pos_].json : json::object(), "op",
                    json(pos_ < trace_.records.size() ? brief(trace_.records[pos_].json) : "end"), json(std::string(op)),
                    "the bridge asked the host for something the recording does not have here");
            return nullptr;
        }
        const json &r = trace_.records[pos_].json;
        if (r.value("op", "") != op) {
            diverge(r, "op", r["op"], json(std::string(op)), "the bridge asked the host for something else");
            return nullptr;
        }
        // The bridge records the same host record after the answer; it is compared then.
        return &r;
    }

private:
    // After "identical": where the recording stopped, when that was not the session's end.
    std::string how_it_ended() const {
        if (!model_.end_record) return "";
        const json &end = trace_.records[*model_.end_record].json;
        const std::string reason = bytes_of(end["reason"]).value_or("");
        if (model_.incomplete_entry) {
            const Record &cut = trace_.records[*model_.incomplete_entry];
            return fmt::format(", up to the entry of record #{} (line {}, {}), which the recording holds only in part "
                               "and replay leaves out (the recording ended: {})",
                               cut.json.value("n", 0ull), cut.line, brief(cut.json), reason);
        }
        return reason == "shutdown" ? "" : fmt::format(", up to the recording's end ({})", reason);
    }

    // The entry at pos_: put the guest's bytes in place, then call the bridge.
    void make_entry() {
        const Record &r = trace_.records[pos_];
        apply_inputs(pos_);
        const std::string e = r.json["e"].get<std::string>();
        ++entry_depth_;
        struct Leave {
            int &depth;
            ~Leave() { --depth; }
        } leave{entry_depth_};
        if (e == "interrupt") {
            bridge_->interrupt();
        } else if (e == "reset") {
            bridge_->reset();
        } else if (e == "shutdown") {
            bridge_->shutdown();
        } else {
            GuestRegs regs;
            regs.d[0] = u32(r.json, "d0");
            regs.a[0] = u32(r.json, "a0");
            regs.a[1] = u32(r.json, "a1");
            regs.a[5] = u32(r.json, "a5");
            bridge_->emul_op(regs);
        }
    }

    void apply_inputs(std::size_t start) {
        const auto found = model_.segment_at_start.find(start);
        if (found == model_.segment_at_start.end()) return;
        const Segment &segment = model_.segments[found->second];
        if (segment.new_ram) ram_.allocate(segment.new_ram->first, segment.new_ram->second);
        for (const auto &[addr, bytes] : segment.inputs) ram_.put(addr, bytes);
        produced_writes_.clear();
    }

    void skip_uncompared() {
        while (pos_ < trace_.records.size() && !compared(trace_.records[pos_].kind)) ++pos_;
    }

    // One record from today's bridge.
    void take(const json &got) {
        const std::string kind = got.value("k", "");
        if (kind == "wr") {
            const uint32_t addr = got.value("a", 0u);
            for (std::size_t i = 0; const uint8_t b : decode(got.value("b", ""))) produced_writes_[addr + i++] = b;
            return;
        }
        if (!compared(kind)) return;
        skip_uncompared();
        if (pos_ >= trace_.records.size()) {
            diverge(json::object(), "k", json("(end of the recording)"), json(kind), "today's bridge did more than was recorded");
            return;
        }
        const Record &expected = trace_.records[pos_];
        if (!same_fields(expected.json, got)) return;
        if ((kind == "cb" || kind == "ret") && !same_memory(pos_)) return;
        if (kind == "call") current_call_ = expected.json;
        if (kind == "entry") current_call_.reset();
        history_.push_back(fmt::format("#{:<6} line {:<6} {:>10} ms  {}", expected.json.value("n", 0ull), expected.line,
                                       ms(expected.json), brief(expected.json)));
        if (history_.size() > 5) history_.pop_front();
        ++matched_;
        ++pos_;
    }

    // False (and the divergence reported) at the first field that differs.
    bool same_fields(const json &expected, const json &got) {
        if (expected.value("k", "") != got.value("k", "")) return diverge(expected, "k", expected["k"], got["k"], "a different record");
        for (const auto &[key, value] : expected.items()) {
            if (key == "n" || key == "t") continue;
            const auto other = got.find(key);
            if (other == got.end()) return diverge(expected, key, value, json("(missing)"), "");
            if (*other != value) return diverge(expected, key, value, *other, "");
        }
        for (const auto &[key, value] : got.items())
            if (!expected.contains(key)) return diverge(expected, key, json("(missing)"), value, "");
        return true;
    }

    // By a callback or a return, every byte the recording wrote since the guest last ran holds
    // what it held then, and today's bridge wrote no other byte.
    // False (and the divergence reported) at the first byte that differs.
    bool same_memory(std::size_t end) {
        const auto found = model_.segment_at_end.find(end);
        if (found == model_.segment_at_end.end()) return true;
        const Segment &segment = model_.segments[found->second];
        for (const auto &[addr, value_at] : segment.writes) {
            const auto got = produced_writes_.find(addr);
            if (got == produced_writes_.end())
                return diverge(trace_.records[value_at.second].json, memory_field(addr), json(value_at.first),
                               json("(not written)"), "today's bridge did not write this byte");
            if (got->second != value_at.first)
                return diverge(trace_.records[value_at.second].json, memory_field(addr), json(value_at.first), json(got->second), "");
        }
        for (const auto &[addr, value] : produced_writes_)
            if (!segment.writes.contains(addr))
                return diverge(trace_.records[end].json, memory_field(addr), json("(not written)"), json(value),
                               "today's bridge wrote a byte the recording did not");
        produced_writes_.clear();
        return true;
    }

    std::string memory_field(uint32_t addr) const {
        if (current_call_) {
            const uint32_t pb = current_call_->value("pb", 0u);
            if (addr >= pb && addr - pb < 128) return fmt::format("memory {} (pb+{})", hex(addr), addr - pb);
        }
        return "memory " + hex(addr);
    }

    static std::string ms(const json &j) {
        const uint64_t t = j.value("t", 0ull);
        return fmt::format("{}.{:03}", t / 1000, t % 1000);
    }

    static std::vector<uint8_t> decode(const std::string &base64) {
        // Reuse the reader's decoder through a one-record parse would be heavier; decode here.
        static constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        std::vector<uint8_t> out;
        uint32_t buffer = 0;
        int bits = 0;
        for (const char c : base64) {
            const auto index = kAlphabet.find(c);
            if (index == std::string_view::npos) break;
            buffer = (buffer << 6) | static_cast<uint32_t>(index);
            bits += 6;
            if (bits >= 8) {
                bits -= 8;
                out.push_back(static_cast<uint8_t>(buffer >> bits));
            }
        }
        return out;
    }

    // Reports the first divergence and stops comparing. Nothing is thrown: the divergence may
    // be found inside a destructor of the bridge (an Outbox flushing its callbacks), where an
    // exception would end the process. The bridge finishes the entry it is in with neutral host
    // answers (expect_host: nullptr), guest callbacks that do not run, and no more comparisons;
    // the replay then makes no further entry. Returns false, for the callers' convenience.
    bool diverge(const json &expected, const std::string &field, const json &want, const json &got,
                              const std::string &why) {
        if (!diverged_) {
            diverged_ = true;
            const std::size_t line = pos_ < trace_.records.size() ? trace_.records[pos_].line : 0;
            std::string call = "(none)";
            if (current_call_) {
                const uint32_t pb = current_call_->value("pb", 0u);
                uint32_t stream = 0;
                for (uint32_t i = 0; i < 4; ++i) stream = (stream << 8) | ram_.get(pb + 28 + i).value_or(0);
                const uint16_t cs = static_cast<uint16_t>(current_call_->value("cs", 0u));
                call = fmt::format("{} pb {}{}", current_call_->value("name", ""), hex(pb),
                                   cs >= 20 && cs <= 49 ? " stream " + hex(stream) : "");
            }
            report_ = fmt::format("replay diverged at record #{} (line {}, t {} ms): {}\n", expected.value("n", 0ull), line,
                                  ms(expected), brief(expected));
            report_ += fmt::format("  call:     {}\n  field:    {}\n  expected: {}\n  got:      {}\n", call, field,
                                   want.dump(), got.dump());
            if (!why.empty()) report_ += "  (" + why + ")\n";
            report_ += "  before it:\n";
            for (const auto &h : history_) report_ += "    " + h + "\n";
            if (!logs_.empty()) {
                report_ += "  bridge log:\n";
                for (const auto &l : logs_) report_ += "    " + l + "\n";
            }
        }
        stopping_ = true;  // what the bridge does to finish the entry is not compared
        return false;
    }

    const Trace &trace_;
    const Model &model_;
    ReplayRam ram_;
    Bridge *bridge_ = nullptr;
    std::size_t pos_ = 0;
    std::size_t matched_ = 0;
    int entry_depth_ = 0;
    bool diverged_ = false;
    bool stopping_ = false;
    std::string report_;
    std::map<uint32_t, uint8_t> produced_writes_;
    std::optional<json> current_call_;
    std::deque<std::string> history_;
    std::deque<std::string> logs_;
    std::vector<std::string> warnings_;
    std::size_t warnings_dropped_ = 0;
};

}  // namespace

ReplayResult replay(const Trace &trace, const Model &model) {
    Replayer replayer(trace, model);
    return replayer.run();
}

}  // namespace mtb::trace
