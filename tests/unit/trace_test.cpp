// The `ipptrace` recording (format v2): entries, guest memory, callbacks, payload, escaping,
// the size cap. Every line is read back through the real JSON reader.
// SPDX-License-Identifier: GPL-2.0-or-later
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "bridge_harness.h"
#include "tcp_test_support.h"
#include "trace_lines.h"

namespace mtb::test {

namespace {
std::string temp_path(const std::string &what) { return "/tmp/mtb_trace_" + what + "_" + std::to_string(::getpid()) + ".jsonl"; }
}  // namespace

TEST(Trace, RecordsEntriesControlCallsMemoryAndResults) {
    const std::string path = temp_path("calls");
    {
        BridgeHarness h({{"ipptrace", path}, {"ipplisten", "loopback"}});
        EXPECT_EQ(h.control(15), 0);   // ipctlGetAddr
        EXPECT_EQ(h.control(99), -17);  // unknown: controlErr
        h.bridge.interrupt();
        h.bridge.shutdown();
    }
    const trace::Trace t = read_checked_trace(path);
    EXPECT_EQ(t.header["format"], 2);
    EXPECT_EQ(t.header["prefs"]["ipplisten"], "loopback");
    EXPECT_TRUE(t.header["prefs"]["ippdns"].is_null());
    EXPECT_EQ(t.header["ram"]["size"], FakeHost::kRamSize);
    EXPECT_TRUE(t.header["host"].contains("mtu"));
    const auto entries = records_of(t, "entry");
    ASSERT_EQ(entries.size(), 5u);
    EXPECT_EQ(entries[0]->json["e"], "open");
    EXPECT_EQ(entries[1]->json["e"], "control");
    EXPECT_EQ(entries[1]->json["a0"], BridgeHarness::kPb);
    EXPECT_EQ(entries[3]->json["e"], "interrupt");
    EXPECT_EQ(entries[4]->json["e"], "shutdown");
    const auto calls = records_of(t, "call");
    ASSERT_EQ(calls.size(), 2u);
    EXPECT_EQ(calls[0]->json["name"], "ipctlGetAddr");
    EXPECT_EQ(calls[1]->json["cs"], 99);
    const auto rets = records_of(t, "ret");
    ASSERT_EQ(rets.size(), 5u);
    EXPECT_EQ(rets[1]->json["d0"], 0);
    EXPECT_EQ(rets[2]->json["result"], "controlErr");
    // GetAddr wrote the address into the pb: a "wr" inside the pb, 4 bytes at offset 28.
    bool wrote_address = false;
    for (const auto *r : records_of(t, "wr")) wrote_address |= r->address == BridgeHarness::kPb + 28 && r->length == 4;
    EXPECT_TRUE(wrote_address);
    // The csCode and trap word were read from guest memory, with their bytes.
    bool read_cs = false;
    for (const auto *r : records_of(t, "rd")) read_cs |= r->address == BridgeHarness::kPb + 26 && r->length == 2;
    EXPECT_TRUE(read_cs);
    EXPECT_EQ(t.records.back().kind, "end");
    EXPECT_EQ(t.records.back().json["reason"], "shutdown");
}

// Names and payloads hold any byte (Mac Roman, control characters): the line stays valid JSON
// and every byte value comes back.
TEST(Trace, EveryByteValueSurvivesInStringsAndPayloads) {
    std::string all;
    std::vector<uint8_t> bytes;
    for (int b = 0; b < 256; ++b) {
        all += static_cast<char>(b);
        bytes.push_back(static_cast<uint8_t>(b));
    }
    StringSink sink;
    {
        TraceWriter writer;
        TraceHeader header;
        header.emulator = all;
        header.prefs.emplace_back("ippdns", all);
        header.ram_size = 0x10000;
        writer.open(sink, header);
        writer.entry("interrupt", nullptr);
        writer.note(all);
        for (std::size_t length = 1; length <= 4; ++length)  // every base64 tail
            writer.wrote(0x100 * length, std::span(bytes).first(256 - length + 1));
        writer.read(0x2000, bytes);
        writer.read(0x2000, bytes);  // known now: recorded without its bytes
        writer.entry_return(nullptr);
    }
    trace::ReadResult read = trace::parse_trace(sink.text);
    ASSERT_TRUE(std::holds_alternative<trace::Trace>(read)) << std::get<trace::ReadError>(read).text();
    const trace::Trace &t = std::get<trace::Trace>(read);
    EXPECT_EQ(trace::bytes_of(t.header["emulator"]), all);
    EXPECT_EQ(trace::bytes_of(t.header["prefs"]["ippdns"]), all);
    EXPECT_EQ(trace::bytes_of(records_of(t, "note")[0]->json["text"]), all);
    const auto writes = records_of(t, "wr");
    ASSERT_EQ(writes.size(), 4u);
    for (std::size_t i = 0; i < 4; ++i)
        EXPECT_EQ(writes[i]->bytes, std::vector<uint8_t>(bytes.begin(), bytes.end() - static_cast<long>(i)));
    const auto reads = records_of(t, "rd");
    ASSERT_EQ(reads.size(), 2u);
    EXPECT_EQ(reads[0]->bytes, bytes);
    EXPECT_FALSE(reads[1]->has_bytes);
    EXPECT_EQ(reads[1]->length, 256u);
    EXPECT_TRUE(std::holds_alternative<trace::Model>(trace::check_model(t)));
}

TEST(Trace, UnwritablePathIsLoggedAndTheBridgeRunsOn) {
    FakeHost host;
    host.prefs["ipptrace"] = "/nonexistent-dir/trace.jsonl";
    Bridge bridge(host, host);
    bool logged = false;
    for (const auto &line : host.logs) logged |= line.find("cannot write the trace") != std::string::npos;
    EXPECT_TRUE(logged);
}

TEST(Trace, SizeCapEndsTheFileWithARecordSayingSo) {
    const std::string path = temp_path("cap");
    {
        BridgeHarness h({{"ipptrace", path + " max=4K"}});
        for (int i = 0; i < 200; ++i) EXPECT_EQ(h.control(15), 0);
    }
    struct stat info{};
    ASSERT_EQ(::stat(path.c_str(), &info), 0);
    EXPECT_LE(info.st_size, 4096);
    const trace::Trace t = read_checked_trace(path);
    ASSERT_FALSE(t.records.empty());
    EXPECT_EQ(t.records.back().kind, "end");
    EXPECT_NE(t.records.back().json["reason"].get<std::string>().find("size cap of 4096 bytes"), std::string::npos);
}

TEST(Trace, SpecParsesTheOptionalCap) {
    EXPECT_EQ(parse_trace_spec("/tmp/a b.jsonl")->path, "/tmp/a b.jsonl");
    EXPECT_EQ(parse_trace_spec("/tmp/a b.jsonl")->max_bytes, 0u);
    EXPECT_EQ(parse_trace_spec("/tmp/x max=10M")->max_bytes, 10u << 20);
    EXPECT_EQ(parse_trace_spec("/tmp/x max=10M")->path, "/tmp/x");
    EXPECT_EQ(parse_trace_spec("/tmp/x max=300")->max_bytes, 300u);
    EXPECT_FALSE(parse_trace_spec("/tmp/x max=lots"));
    EXPECT_FALSE(parse_trace_spec(""));
}

// The data crossing the boundary is in the trace, both ways: the bytes in the memory records
// (what the bridge read from the guest's buffers and wrote into them), the lengths by stream.
TEST(Trace, RecordsTcpPayloadBothWays) {
    constexpr uint32_t kStream = 0x10000, kData = 0x80000;
    const std::string path = temp_path("tcp");
    {
        TcpHarness h({{"ipptrace", path}});
        HostListener listener;
        HostPeer peer = h.connected_stream(listener, kStream);
        h.send_text(0x5000, kStream, kData, "Mac");
        ASSERT_TRUE(h.wait_done(0x5000));
        EXPECT_EQ(peer.read(3), "Mac");
        peer.send_all("host");
        h.rcv(0x5100, kStream, kData + 0x100, 100);
        ASSERT_TRUE(h.wait_done(0x5100));
    }
    const trace::Trace t = read_checked_trace(path);
    EXPECT_TRUE(has_memory(t, "rd", "Mac"));
    EXPECT_TRUE(has_memory(t, "wr", "host"));
    bool to_host = false, to_guest = false;
    for (const auto *r : records_of(t, "data")) {
        to_host |= r->json["dir"] == "to_host" && r->json["stream"] == kStream && r->json["len"] == 3;
        to_guest |= r->json["dir"] == "to_guest" && r->json["stream"] == kStream && r->json["len"] == 4;
    }
    EXPECT_TRUE(to_host);
    EXPECT_TRUE(to_guest);
    EXPECT_FALSE(records_of(t, "done").empty());
}

}  // namespace mtb::test
