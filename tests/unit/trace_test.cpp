// The `ipptrace` recording: header, calls with pb bytes, completions, callbacks.
// SPDX-License-Identifier: GPL-2.0-or-later
#include <gtest/gtest.h>

#include <unistd.h>

#include <fstream>
#include <string>
#include <vector>

#include "bridge_harness.h"
#include "tcp_test_support.h"
#include "trace/trace_writer.h"

namespace mtb::test {

namespace {
std::vector<std::string> read_lines(const std::string &path) {
    std::ifstream in(path);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}
}  // namespace

TEST(Trace, RecordsCallsCompletionsAndCallbacksAsJsonLines) {
    const std::string path = "/tmp/mtb_trace_test_" + std::to_string(::getpid()) + ".jsonl";
    {
        FakeHost host;
        host.prefs["ipptrace"] = path;
        Bridge bridge(host, host);
        host.install_driver();
        GuestRegs open;
        open.a[1] = FakeHost::kDceAddress;
        bridge.emul_op(open);
        ASSERT_EQ(open.d[0], 0u);
        // GetAddr, then an unknown call.
        host.put16(0x4000 + 6, 0xA004);
        host.put16(0x4000 + 26, 15);
        GuestRegs regs;
        regs.d[0] = 2;
        regs.a[0] = 0x4000;
        bridge.emul_op(regs);
        host.put16(0x4000 + 26, 99);
        regs.d[0] = 2;
        bridge.emul_op(regs);
    }
    const auto lines = read_lines(path);
    ::unlink(path.c_str());
    ASSERT_EQ(lines.size(), 3u);
    EXPECT_NE(lines[0].find(R"("trace":"mactcp-bridge","version":1)"), std::string::npos) << lines[0];
    EXPECT_NE(lines[1].find(R"("kind":"call","cs":15,"name":"ipctlGetAddr","pb":16384,"async":false)"), std::string::npos) << lines[1];
    EXPECT_NE(lines[1].find(R"("result":0)"), std::string::npos);
    // 36 bytes before and after, as hex.
    const auto before = lines[1].find(R"("before":")");
    ASSERT_NE(before, std::string::npos);
    EXPECT_EQ(lines[1].find('"', before + 10) - (before + 10), 72u);
    EXPECT_NE(lines[2].find(R"("cs":99,"name":"unknown")"), std::string::npos);
    EXPECT_NE(lines[2].find(R"("result":-17)"), std::string::npos);
}

TEST(Trace, EscapesAndCallbacks) {
    const std::string path = "/tmp/mtb_trace_cb_" + std::to_string(::getpid()) + ".jsonl";
    {
        TraceWriter trace;
        ASSERT_TRUE(trace.open(path, "test \"machine\""));
        trace.callback("tcp_asr", 0x1234, {1, 2, 3});
        const uint8_t bytes[] = {0x00, 0xFF, 0x41};
        trace.data("to_guest", 0x10000, bytes);
        trace.note("line\nbreak");
    }
    const auto lines = read_lines(path);
    ::unlink(path.c_str());
    ASSERT_EQ(lines.size(), 4u);
    EXPECT_NE(lines[0].find(R"("emulator":"test \"machine\"")"), std::string::npos);
    EXPECT_NE(lines[1].find(R"("callback":"tcp_asr","routine":4660,"args":[1,2,3])"), std::string::npos) << lines[1];
    EXPECT_NE(lines[2].find(R"("direction":"to_guest","stream":65536,"bytes":"00ff41")"), std::string::npos) << lines[2];
    EXPECT_NE(lines[3].find(R"("text":"line\u000abreak")"), std::string::npos) << lines[3];
}

TEST(Trace, UnwritablePathIsLoggedAndTheBridgeRunsOn) {
    FakeHost host;
    host.prefs["ipptrace"] = "/nonexistent-dir/trace.jsonl";
    Bridge bridge(host, host);
    bool logged = false;
    for (const auto &line : host.logs) logged |= line.find("cannot write the trace") != std::string::npos;
    EXPECT_TRUE(logged);
}

}  // namespace mtb::test

namespace mtb::test {

// The data crossing the boundary is in the trace too, both ways, as hex.
TEST(Trace, RecordsTcpPayloadBothWays) {
    constexpr uint32_t kStream = 0x10000, kData = 0x80000;
    const std::string path = "/tmp/mtb_trace_tcp_" + std::to_string(::getpid()) + ".jsonl";
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
    const auto lines = read_lines(path);
    ::unlink(path.c_str());
    bool to_host = false, to_guest = false;
    for (const auto &line : lines) {
        to_host |= line.find(R"("direction":"to_host","stream":)" + std::to_string(kStream) + R"(,"bytes":"4d6163")") != std::string::npos;
        to_guest |= line.find(R"("direction":"to_guest","stream":)" + std::to_string(kStream) + R"(,"bytes":"686f7374")") != std::string::npos;
    }
    EXPECT_TRUE(to_host);
    EXPECT_TRUE(to_guest);
}

}  // namespace mtb::test
