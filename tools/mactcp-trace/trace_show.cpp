// SPDX-License-Identifier: GPL-2.0-or-later
#include "trace_show.h"

#include <fmt/format.h>
#include <fmt/ostream.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "driver/mactcp_codes.h"
#include "trace/memory_shadow.h"

namespace mtb::trace {

namespace {

constexpr uint32_t kStreamOffset = 28;  // tcpStream / udpStream in every TCP and UDP pb

struct Line {
    uint64_t t_us;
    std::size_t line;
    std::string text;
};

struct StreamInfo {
    std::vector<Line> lines;
    uint64_t first_us = 0, last_us = 0;
    uint64_t calls = 0, errors = 0, to_host = 0, to_guest = 0, callbacks = 0;
};

struct PendingCall {
    uint32_t stream;
    uint64_t issued_us;
};

std::string_view tcp_event_name(uint32_t event) {
    switch (event) {
    case 1: return "TCPClosing";
    case 2: return "TCPULPTimeout";
    case 3: return "TCPTerminate";
    case 4: return "TCPDataArrival";
    case 5: return "TCPUrgent";
    case 6: return "TCPICMPReceived";
    default: return "?";
    }
}

std::string ms(uint64_t us) { return fmt::format("{}.{:03}", us / 1000, us % 1000); }

// Walks the records once, filing each call, completion, callback and payload under its stream.
class Timeline {
public:
    explicit Timeline(const Trace &trace) {
        for (const Record &r : trace.records) take(r);
    }
    std::map<uint32_t, StreamInfo> streams;  // 0: calls without a stream (IP, DNR, driver)
    uint64_t end_us = 0;
    std::size_t entries = 0, interrupts = 0;
    std::string end_reason;

private:
    void take(const Record &r) {
        const auto &j = r.json;
        const uint64_t t = j["t"].get<uint64_t>();
        end_us = t;
        if (r.kind == "rd" || r.kind == "wr") {
            if (r.has_bytes) memory_.store(r.address, r.bytes);
        } else if (r.kind == "ram") {
            memory_.clear();
        } else if (r.kind == "entry") {
            ++entries;
            if (j["e"] == "interrupt") ++interrupts;
            entry_us_.push_back(t);
            entry_call_.push_back(std::nullopt);
        } else if (r.kind == "call") {
            const uint16_t cs = static_cast<uint16_t>(u32(j, "cs"));
            if (!entry_call_.empty()) entry_call_.back() = {u32(j, "pb"), cs};
        } else if (r.kind == "ret") {
            if (entry_us_.empty()) return;
            const uint64_t began = entry_us_.back();
            const auto call = entry_call_.back();
            entry_us_.pop_back();
            entry_call_.pop_back();
            if (!call || !j.contains("d0")) return;
            const auto [pb, cs] = *call;
            const uint32_t stream = stream_of(cs, pb);
            const auto result = static_cast<int16_t>(u32(j, "d0"));
            StreamInfo &s = at(stream, began);
            ++s.calls;
            if (result == err::inProgress) {
                pending_[pb] = {stream, began};
                add(s, began, r.line, fmt::format("{:<22} pb {:#x}{}", call_name(cs, pb), pb, " … pending"));
            } else {
                if (result != err::noErr) ++s.errors;
                add(s, began, r.line, fmt::format("{:<22} {:<24} {:>9} ms", call_name(cs, pb), result_name(result), ms(t - began)));
            }
        } else if (r.kind == "done") {
            const uint32_t pb = u32(j, "pb");
            const auto found = pending_.find(pb);
            // Completed inside the call that issued it: not registered as pending yet.
            const uint32_t stream = found != pending_.end() ? found->second.stream : stream_of(static_cast<uint16_t>(u32(j, "cs")), pb);
            const uint64_t issued = found != pending_.end() ? found->second.issued_us : entry_us_.empty() ? t : entry_us_.back();
            if (found != pending_.end()) pending_.erase(found);
            completed_on_[pb] = stream;
            const auto result = static_cast<int16_t>(i64(j, "result"));
            StreamInfo &s = at(stream, t);
            if (result != err::noErr) ++s.errors;
            add(s, t, r.line, fmt::format("{:<22} {:<24} {:>9} ms  (completed)", call_name(static_cast<uint16_t>(u32(j, "cs")), pb),
                                          result_name(result), ms(t - issued)));
        } else if (r.kind == "cb") {
            const std::string kind = str(j, "cb");
            const auto &args = j["args"];
            uint32_t stream = 0;
            std::string text;
            if (kind == "tcp_asr" && args.size() >= 4) {
                stream = args[0].get<uint32_t>();
                text = fmt::format("ASR {}{}", tcp_event_name(args[1].get<uint32_t>()),
                                   args[1].get<uint32_t>() == 3 ? fmt::format(" reason {}", args[3].get<uint32_t>()) : "");
            } else if (kind == "udp_asr" && args.size() >= 2) {
                stream = args[0].get<uint32_t>();
                text = fmt::format("ASR {}", args[1].get<uint32_t>() == 1 ? "UDPDataArrival" : "UDPICMPReceived");
            } else if (kind == "completion" && !args.empty()) {
                const auto found = completed_on_.find(args[0].get<uint32_t>());
                stream = found != completed_on_.end() ? found->second : 0;
                text = fmt::format("completion routine {:#x} (pb {:#x})", u32(j, "routine"), args[0].get<uint32_t>());
            } else {
                text = fmt::format("{} {:#x}", kind, u32(j, "routine"));
            }
            StreamInfo &s = at(stream, t);
            ++s.callbacks;
            add(s, t, r.line, "  → " + text);
        } else if (r.kind == "data") {
            const uint32_t stream = u32(j, "stream");
            StreamInfo &s = at(stream, t);
            const bool to_host = str(j, "dir") == "to_host";
            (to_host ? s.to_host : s.to_guest) += u32(j, "len");
            add(s, t, r.line, fmt::format("  {} {} bytes", to_host ? "sent" : "received", u32(j, "len")));
        } else if (r.kind == "end") {
            end_reason = bytes_of(j["reason"]).value_or("");
        }
    }

    // DNR calls by selector (the 'dnrp' code's private block holds it where streams are).
    std::string call_name(uint16_t cs, uint32_t pb) {
        if (cs != static_cast<uint16_t>(CsCode::dnrCall)) return std::string(cs_code_name(cs));
        static constexpr std::string_view kSelectors[] = {"?", "OpenResolver", "CloseResolver", "StrToAddr", "AddrToStr",
                                                          "EnumCache", "AddrToName", "HInfo", "MXInfo"};
        const uint32_t selector = long_at(pb + kStreamOffset);
        return "DNR " + std::string(selector < std::size(kSelectors) ? kSelectors[selector] : "?");
    }

    uint32_t long_at(uint32_t addr) {
        uint32_t value = 0;
        for (uint32_t i = 0; i < 4; ++i) value = (value << 8) | memory_.get(addr + i).value_or(0);
        return value;
    }

    uint32_t stream_of(uint16_t cs, uint32_t pb) {
        if (cs < 20 || cs > 49 || cs == 25 || cs == 43) return 0;  // UDPMaxMTUSize, TCPGlobalInfo: no stream
        return long_at(pb + kStreamOffset);
    }

    StreamInfo &at(uint32_t stream, uint64_t t) {
        auto [it, fresh] = streams.try_emplace(stream);
        if (fresh) it->second.first_us = t;
        it->second.last_us = t;
        return it->second;
    }

    static void add(StreamInfo &s, uint64_t t, std::size_t line, std::string text) {
        s.lines.push_back({t, line, std::move(text)});
    }

    MemoryShadow memory_;
    std::vector<uint64_t> entry_us_;
    std::vector<std::optional<std::pair<uint32_t, uint16_t>>> entry_call_;
    std::map<uint32_t, PendingCall> pending_;
    std::map<uint32_t, uint32_t> completed_on_;  // pb -> stream, for its completion routine
};

std::string stream_title(uint32_t stream) {
    return stream == 0 ? "no stream (driver, IP, DNR)" : fmt::format("stream {:#010x}", stream);
}

void show_header(const Trace &trace, std::ostream &out) {
    const auto &h = trace.header;
    fmt::print(out, "trace format {}, bridge {}, emulator {}, RAM {:#x}+{:#x}\n", h["format"].get<int>(),
               h["bridge"].get<std::string>(), bytes_of(h["emulator"]).value_or("?"), h["ram"]["base"].get<uint32_t>(),
               h["ram"]["size"].get<uint32_t>());
}

}  // namespace

void show_timeline(const Trace &trace, std::ostream &out) {
    show_header(trace, out);
    const Timeline timeline(trace);
    for (auto [stream, info] : timeline.streams) {
        fmt::print(out, "\n{}\n", stream_title(stream));
        // A call that completed before returning is filed after its completion: order by time.
        std::stable_sort(info.lines.begin(), info.lines.end(), [](const Line &a, const Line &b) { return a.t_us < b.t_us; });
        // Runs of payload lines collapse into one, so a bulk transfer stays a few lines.
        for (std::size_t i = 0; i < info.lines.size(); ++i) {
            const Line &line = info.lines[i];
            std::size_t j = i;
            uint64_t total = 0;
            const bool payload = line.text.starts_with("  sent") || line.text.starts_with("  received");
            if (payload) {
                const std::string verb = line.text.substr(2, line.text.find(' ', 2) - 2);
                while (j < info.lines.size() && info.lines[j].text.starts_with("  " + verb)) {
                    total += std::stoull(info.lines[j].text.substr(3 + verb.size()));
                    ++j;
                }
            }
            if (payload && j - i > 1) {
                fmt::print(out, "{:>10} #{:<6} {} {} bytes in {} pieces\n", ms(line.t_us), line.line,
                           line.text.substr(0, line.text.find(' ', 2)), total, j - i);
                i = j - 1;
            } else {
                fmt::print(out, "{:>10} #{:<6} {}\n", ms(line.t_us), line.line, line.text);
            }
        }
    }
    if (!timeline.end_reason.empty()) fmt::print(out, "\nend: {}\n", timeline.end_reason);
}

void show_summary(const Trace &trace, std::ostream &out) {
    show_header(trace, out);
    const Timeline timeline(trace);
    fmt::print(out, "{} records, {} entries ({} interrupts), {} ms\n\n", trace.records.size(), timeline.entries,
               timeline.interrupts, ms(timeline.end_us));
    fmt::print(out, "{:<30} {:>6} {:>6} {:>6} {:>12} {:>12} {:>12}\n", "stream", "calls", "errors", "cbs", "bytes out",
               "bytes in", "lifetime ms");
    for (const auto &[stream, info] : timeline.streams)
        fmt::print(out, "{:<30} {:>6} {:>6} {:>6} {:>12} {:>12} {:>12}\n", stream_title(stream), info.calls, info.errors,
                   info.callbacks, info.to_host, info.to_guest, ms(info.last_us - info.first_us));
    if (!timeline.end_reason.empty()) fmt::print(out, "\nend: {}\n", timeline.end_reason);
}

}  // namespace mtb::trace
