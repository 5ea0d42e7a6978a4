// Bad trace input: one clear error naming the line, never a crash, a hang or an exception.
// SPDX-License-Identifier: GPL-2.0-or-later
#include <gtest/gtest.h>

#include <string>
#include <variant>

#include "trace_model.h"
#include "trace_reader.h"

namespace mtb::test {

namespace {

const std::string kHeader =
    R"({"k":"header","trace":"mactcp-bridge","format":2,"bridge":"0.1.0","emulator":"test","prefs":{"ipplog":null},)"
    R"("host":{"address":2130706433,"netmask":4278190080,"mtu":1500,"outward":false},"ram":{"base":0,"size":65536}})"
    "\n";

std::string rec(int n, const std::string &rest) {
    return R"({"n":)" + std::to_string(n) + R"(,"t":0,)" + rest + "}\n";
}

// A small well-formed trace: an interrupt that reads and writes one word.
std::string good() {
    return kHeader + rec(1, R"("k":"entry","e":"interrupt")") + rec(2, R"("k":"rd","a":256,"b":"AAE=")") +
           rec(3, R"("k":"wr","a":256,"b":"AAI=")") + rec(4, R"("k":"ret")") + rec(5, R"("k":"end","reason":"shutdown")");
}

// The error for `text`, from the reader or the structure check; empty when it is fine.
std::string error_of(const std::string &text) {
    trace::ReadResult read = trace::parse_trace(text);
    if (auto *error = std::get_if<trace::ReadError>(&read)) return error->text();
    auto model = trace::check_model(std::get<trace::Trace>(read));
    if (auto *error = std::get_if<trace::ReadError>(&model)) return error->text();
    return "";
}

}  // namespace

TEST(TraceReader, AWellFormedTraceChecks) { EXPECT_EQ(error_of(good()), ""); }

TEST(TraceReader, TruncatedFileNamesTheCutLine) {
    const std::string text = good();
    EXPECT_EQ(error_of(text.substr(0, text.size() - 5)), "line 6: the last line is cut short (no newline): the file is truncated");
    // Cut after a whole line, inside an entry.
    const std::string inside = kHeader + rec(1, R"("k":"entry","e":"interrupt")") + rec(2, R"("k":"rd","a":256,"b":"AAE=")");
    EXPECT_EQ(error_of(inside), "line 3: the file ends inside the entry opened at line 2 (truncated?)");
}

TEST(TraceReader, CorruptLineNamesTheLineAndWhatIsWrong) {
    std::string text = good();
    text.replace(text.find(R"("k":"wr")"), 8, R"("k":"wr)");
    const std::string error = error_of(text);
    EXPECT_TRUE(error.starts_with("line 4: corrupt line: ")) << error;
    EXPECT_EQ(error_of(kHeader + "\n"), "line 2: corrupt line: column 1: syntax error while parsing value - unexpected end of input; expected '[', '{', or a literal");
    EXPECT_EQ(error_of(kHeader + rec(1, R"("k":"wr","a":256,"b":"A")")), "line 2: field \"b\" is not base64");
    EXPECT_EQ(error_of(kHeader + rec(1, R"("k":"entry","e":"control")")), "line 2: missing field \"d0\"");
    EXPECT_EQ(error_of(kHeader + rec(1, R"("k":"entry","e":"interrupt","n":"x")")), "line 2: field \"n\" has the wrong type");
    EXPECT_EQ(error_of(""), "line 1: the file is empty");
    // The header's name field present with another type (found by trace_reader_fuzz: an exception).
    std::string odd_header = kHeader;
    odd_header.replace(odd_header.find(R"("trace":"mactcp-bridge")"), 23, R"("trace":{"x":1})");
    EXPECT_EQ(error_of(odd_header), R"(line 1: not a MacTCP Bridge trace (no "trace":"mactcp-bridge"))");
    EXPECT_EQ(error_of("not json\n"), "line 1: corrupt line: column 2: syntax error while parsing value - invalid literal; last read: 'no'");
}

TEST(TraceReader, UnknownRecordKind) {
    EXPECT_EQ(error_of(kHeader + rec(1, R"("k":"teleport")")), "line 2: unknown record kind \"teleport\"");
    // Two traces in one file (a second emulator session appended, a copy pasted twice).
    EXPECT_EQ(error_of(good() + kHeader), "line 7: a second header: two traces in one file?");
}

TEST(TraceReader, RecordNumbersRunWithoutGapsOrRepeats) {
    const std::string entry = rec(1, R"("k":"entry","e":"interrupt")");
    EXPECT_EQ(error_of(kHeader + entry + rec(3, R"("k":"ret")")),
              "line 3: record number 3 where 2 was expected (a line lost, repeated or moved)");
    EXPECT_EQ(error_of(kHeader + entry + entry), "line 3: record number 1 where 2 was expected (a line lost, repeated or moved)");
    EXPECT_EQ(error_of(kHeader + rec(2, R"("k":"entry","e":"interrupt")") + rec(1, R"("k":"ret")")),
              "line 2: record number 2 where 1 was expected (a line lost, repeated or moved)");
}

TEST(TraceReader, NewerFormatVersion) {
    std::string text = good();
    text.replace(text.find(R"("format":2)"), 10, R"("format":3)");
    EXPECT_EQ(error_of(text), "line 1: format 3 is newer than this tool reads (2): use a newer mactcp-trace");
    text = R"({"trace":"mactcp-bridge","version":1,"emulator":"x"})" "\n";
    EXPECT_EQ(error_of(text), "line 1: format 1 (before header records): re-record it with this bridge");
}

TEST(TraceReader, RecordedMemoryThatContradictsItself) {
    // Written as 0x0002, then read back as 0x0003 with no guest code run between.
    const std::string written_then_read = kHeader + rec(1, R"("k":"entry","e":"interrupt")") +
                                          rec(2, R"("k":"wr","a":256,"b":"AAI=")") + rec(3, R"("k":"rd","a":256,"b":"AAM=")") +
                                          rec(4, R"("k":"ret")");
    EXPECT_EQ(error_of(written_then_read),
              "line 4: recorded memory contradicts itself: 0x00000101 read as 3 right after the bridge wrote 2 (line 3)");
    const std::string read_twice = kHeader + rec(1, R"("k":"entry","e":"interrupt")") + rec(2, R"("k":"rd","a":256,"b":"AAE=")") +
                                   rec(3, R"("k":"rd","a":256,"b":"AAM=")") + rec(4, R"("k":"ret")");
    EXPECT_EQ(error_of(read_twice),
              "line 4: recorded memory contradicts itself: 0x00000101 read as 3 and as 1 with no guest code run between");
    const std::string unknown = kHeader + rec(1, R"("k":"entry","e":"interrupt")") + rec(2, R"("k":"rd","a":256,"len":2)") + rec(3, R"("k":"ret")");
    EXPECT_EQ(error_of(unknown), "line 3: a read without bytes of 0x00000100, which no earlier record showed");
    const std::string outside = kHeader + rec(1, R"("k":"entry","e":"interrupt")") + rec(2, R"("k":"rd","a":65535,"b":"AAE=")") + rec(3, R"("k":"ret")");
    EXPECT_EQ(error_of(outside), "line 3: memory 0x0000ffff+2 lies outside the recorded RAM");
}

TEST(TraceReader, BrokenNesting) {
    EXPECT_EQ(error_of(kHeader + rec(1, R"("k":"ret")")), "line 2: a return with no entry open");
    EXPECT_EQ(error_of(kHeader + rec(1, R"("k":"wr","a":256,"b":"AAI=")")),
              "line 2: a \"wr\" record outside any entry (only entries touch guest memory or the host)");
    EXPECT_EQ(error_of(good() + rec(6, R"("k":"note","text":"late")")), "line 7: a record after the \"end\" record");
}

// Whatever the bytes, the reader answers (this is also what the fuzz target drives).
TEST(TraceReader, ArbitraryBytesNeverCrash) {
    const std::string base = good();
    for (std::size_t i = 0; i < base.size(); ++i) {
        for (const char c : {'\0', '\xff', '"', '{', '9', '\n'}) {
            std::string mutated = base;
            mutated[i] = c;
            (void)error_of(mutated);
        }
    }
}

}  // namespace mtb::test
