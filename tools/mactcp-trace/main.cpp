// mactcp-trace: check, show and replay `ipptrace` files (tests/traces/README.md).
// SPDX-License-Identifier: GPL-2.0-or-later
#include <cstring>
#include <iostream>
#include <string>
#include <string_view>

#include "trace_model.h"
#include "trace_reader.h"
#include "trace_replay.h"
#include "trace_show.h"

namespace {

constexpr const char *kUsage =
    "usage: mactcp-trace check FILE            validate a trace (exit 0 when well-formed)\n"
    "       mactcp-trace show [--summary] FILE per-stream timeline, or per-stream totals\n"
    "       mactcp-trace replay FILE           run the bridge against the trace (exit 0 when identical)\n";

int usage() {
    std::cerr << kUsage;
    return 2;
}

}  // namespace

int main(int argc, char **argv) {
    using namespace mtb::trace;
    if (argc < 3) return usage();
    const std::string_view command = argv[1];
    bool summary = false;
    int file_arg = 2;
    if (command == "show" && std::strcmp(argv[2], "--summary") == 0) {
        summary = true;
        file_arg = 3;
    }
    if (file_arg != argc - 1) return usage();
    const std::string path = argv[file_arg];
    ReadResult read = read_trace_file(path);
    if (auto *error = std::get_if<ReadError>(&read)) {
        std::cerr << path << ": " << error->text() << "\n";
        return 1;
    }
    const Trace &trace = std::get<Trace>(read);
    if (command == "show") {
        if (summary)
            show_summary(trace, std::cout);
        else
            show_timeline(trace, std::cout);
        return 0;
    }
    const auto model = check_model(trace);
    if (auto *error = std::get_if<ReadError>(&model)) {
        std::cerr << path << ": " << error->text() << "\n";
        return 1;
    }
    if (command == "check") {
        std::cout << path << ": ok, " << trace.records.size() + 1 << " records\n";
        return 0;
    }
    if (command == "replay") {
        const ReplayResult result = replay(trace, std::get<Model>(model));
        std::ostream &out = result.identical ? std::cout : std::cerr;
        out << path << ": " << result.report << (result.report.ends_with('\n') ? "" : "\n");
        if (!result.warnings.empty()) out << "  the bridge warned while replaying:\n";
        for (const std::string &line : result.warnings) out << "    " << line << "\n";
        if (result.warnings_dropped != 0) out << "    (and " << result.warnings_dropped << " more)\n";
        return result.identical ? 0 : 1;
    }
    return usage();
}
