// Round trip on fake guest RAM: a session recorded with `ipptrace` replays identically, with
// the host results (sockets, clock, events) answered from the recording.
// SPDX-License-Identifier: GPL-2.0-or-later
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <set>
#include <utility>

#include "net/forwarding_host_io.h"
#include "net/live_host_io.h"
#include "tcp_test_support.h"
#include "test_tls_server.h"
#include "trace_lines.h"
#include "trace_replay.h"
#include "udp_test_support.h"

namespace mtb::test {

namespace {

// A TCP session on fake guest RAM recorded with `ipptrace`: connect, send, receive.
trace::Trace recorded_tcp_session(const std::string &tag) {
    constexpr uint32_t kStream = 0x10000, kData = 0x80000;
    const std::string path = "/tmp/mtb_trace_replay_" + tag + "_" + std::to_string(::getpid()) + ".jsonl";
    {
        TcpHarness h({{"ipptrace", path}});
        HostListener listener;
        HostPeer peer = h.connected_stream(listener, kStream);
        h.send_text(0x5000, kStream, kData, "Mac");
        EXPECT_TRUE(h.wait_done(0x5000));
        EXPECT_EQ(peer.read(3), "Mac");
        peer.send_all("host");
        h.rcv(0x5100, kStream, kData + 0x100, 100);
        EXPECT_TRUE(h.wait_done(0x5100));
    }
    return read_checked_trace(path);
}

// The live host with clocks of the test's making: each wall reading 2 ms after the last (every
// call looks long), the thread's CPU time moving 3, 0.5, 2 ms at successive readings, so the
// slow-call warning fires for some calls and not for others (slow_call_watch.h).
class ScriptedClocksIo final : public net::ForwardingHostIo {
public:
    explicit ScriptedClocksIo(FakeHost &host) : ForwardingHostIo(live_), live_(host) {}
    net::Clock::time_point now() override { return wall_ += std::chrono::milliseconds(2); }
    net::Clock::duration thread_cpu_time() override {
        static constexpr std::chrono::microseconds kSteps[] = {std::chrono::microseconds(3000), std::chrono::microseconds(500),
                                                               std::chrono::microseconds(2000)};
        return cpu_ += kSteps[readings_++ % std::size(kSteps)];
    }

private:
    net::LiveHostIo live_;
    net::Clock::time_point wall_ = net::Clock::time_point(std::chrono::hours(1));
    net::Clock::duration cpu_{};
    std::size_t readings_ = 0;
};

std::vector<std::string> slow_call_lines(const std::vector<std::string> &lines) {
    std::vector<std::string> out;
    for (const std::string &line : lines)
        if (line.find("held the emulation thread") != std::string::npos) out.push_back(line);
    return out;
}

}  // namespace

// The slow-call warning reads both clocks through the seam: the recording holds every reading,
// and the replay warns about exactly the calls the recorded session warned about.
TEST(TraceReplay, SlowCallWarningsReplayAsRecorded) {
    const std::string path = "/tmp/mtb_trace_replay_slow_" + std::to_string(::getpid()) + ".jsonl";
    std::vector<std::string> recorded_lines;
    {
        BridgeHarness h(inject<ScriptedClocksIo>, {{"ipptrace", path}});
        for (int i = 0; i < 12; ++i) EXPECT_EQ(h.control(15), 0);  // ipctlGetAddr
        recorded_lines = slow_call_lines(h.host.logs);
    }
    EXPECT_GT(recorded_lines.size(), 2u);
    EXPECT_LT(recorded_lines.size(), 13u);
    const trace::Trace t = read_checked_trace(path);
    EXPECT_FALSE(records_of(t, "host").empty());
    bool cpu_sample = false;
    for (const auto *r : records_of(t, "host")) cpu_sample |= r->json["op"] == "thread_cpu_time";
    EXPECT_TRUE(cpu_sample);
    auto model = trace::check_model(t);
    ASSERT_TRUE(std::holds_alternative<trace::Model>(model));
    const trace::ReplayResult result = trace::replay(t, std::get<trace::Model>(model));
    EXPECT_TRUE(result.identical) << result.report;
    EXPECT_EQ(slow_call_lines(result.warnings), recorded_lines);
}

TEST(TraceReplay, TcpSessionReplaysWithHostResultsFromTheRecording) {
    const trace::Trace t = recorded_tcp_session("tcp");
    EXPECT_FALSE(records_of(t, "host").empty());
    auto model = trace::check_model(t);
    ASSERT_TRUE(std::holds_alternative<trace::Model>(model));
    const trace::ReplayResult result = trace::replay(t, std::get<trace::Model>(model));
    EXPECT_TRUE(result.identical) << result.report;
}

// A host answer stripped of its fields (a damaged or hand-edited trace that still checks: the
// reader knows only a host record's "op") ends the replay with a divergence, never a crash.
TEST(TraceReplay, HostAnswersMissingTheirFieldsDivergeWithoutACrash) {
    const trace::Trace recorded = recorded_tcp_session("stripped");
    std::set<std::string> ops;
    for (std::size_t i = 0; i < recorded.records.size(); ++i) {
        const nlohmann::json &r = recorded.records[i].json;
        if (recorded.records[i].kind != "host" || !ops.insert(r["op"].get<std::string>()).second) continue;
        trace::Trace damaged = recorded;
        damaged.records[i].json = {{"n", r["n"]}, {"t", r["t"]}, {"k", "host"}, {"op", r["op"]}};
        auto model = trace::check_model(damaged);
        ASSERT_TRUE(std::holds_alternative<trace::Model>(model));
        const trace::ReplayResult result = trace::replay(damaged, std::get<trace::Model>(model));
        EXPECT_FALSE(result.identical) << r.dump();
        EXPECT_NE(result.report.find("host " + r["op"].get<std::string>()), std::string::npos) << result.report;
    }
    EXPECT_TRUE(ops.contains("receive") && ops.contains("next_event")) << ops.size();
}

}  // namespace mtb::test

namespace mtb::test {

// `ipptls`: the recorder sits above the TLS decorator, so the trace holds the guest's side (the
// plaintext, the guest's port) and replays with no TLS at all.
TEST(TraceReplay, TlsSessionIsRecordedInPlaintextAndReplays) {
    constexpr uint32_t kStream = 0x10000, kData = 0x80000;
    const std::string path = "/tmp/mtb_trace_replay_tls_" + std::to_string(::getpid()) + ".jsonl";
    TestCertificateAuthority ca;
    TestTlsServer server(ca.issue({"127.0.0.1"}), [](TlsServerSession &s) {
        s.write("+OK POP3 ready\r\n");
        s.read_to_end();
    });
    {
        TcpHarness h({{"ipptrace", path}, {"ipptls", "110=" + std::to_string(server.port())}, {"ipptlsca", ca.ca_file()}});
        ASSERT_EQ(h.create(kStream), 0);
        h.active_open(0x5000, kStream, 110);
        ASSERT_TRUE(h.wait_done(0x5000));
        ASSERT_EQ(h.result(0x5000), 0);
        h.rcv(0x5100, kStream, kData, 100);
        ASSERT_TRUE(h.wait_done(0x5100));
        EXPECT_EQ(h.get_bytes(kData, h.rcv_length(0x5100)), "+OK POP3 ready\r\n");
        h.close(0x5200, kStream);
        ASSERT_TRUE(h.wait_done(0x5200));
    }
    bool connect_to_guest_port = false, plaintext = false;
    std::ifstream in(path);
    for (std::string line; std::getline(in, line);) {
        if (line.find(R"("connect")") != std::string::npos && line.find(R"("port":110,)") != std::string::npos)
            connect_to_guest_port = true;
        if (line.find("K09LIFBPUDMgcmVhZHkNCg") != std::string::npos) plaintext = true;  // base64 "+OK POP3 ready\r\n"
    }
    EXPECT_TRUE(connect_to_guest_port);
    EXPECT_TRUE(plaintext);
    const trace::Trace t = read_checked_trace(path);
    EXPECT_EQ(t.header["prefs"]["ipptls"], "110=" + std::to_string(server.port()));  // every ipp* pref
    EXPECT_EQ(t.header["prefs"]["ipptlsca"], ca.ca_file());
    auto model = trace::check_model(t);
    ASSERT_TRUE(std::holds_alternative<trace::Model>(model));
    const trace::ReplayResult result = trace::replay(t, std::get<trace::Model>(model));
    EXPECT_TRUE(result.identical) << result.report;
}

}  // namespace mtb::test

namespace mtb::test {

// A size cap reached inside one outermost entry of over 4 MB (the writer has flushed part of
// it): the file ends there with an "end" record naming that entry as incomplete; it checks, and
// replays identically up to that entry, which it leaves out and says so.
TEST(TraceReplay, SizeCapInsideAHugeEntryEndsWithThatEntryNamedIncomplete) {
    const std::string path = "/tmp/mtb_trace_replay_huge_" + std::to_string(::getpid()) + ".jsonl";
    constexpr uint32_t kReadPb = 0x5000, kWritePb = 0x5400;
    constexpr std::size_t kDatagram = 60000;  // 80,000 bytes of base64 per UDPWrite's read
    constexpr std::size_t kCap = 5u << 20;
    uint64_t huge_entry = 0;
    {
        BridgeHarness h({{"ipptrace", path + " max=5M"}});
        ASSERT_EQ(udp_create(h), 0);
        const uint32_t stream = h.host.get32(BridgeHarness::kPb + U::stream.offset);
        LoopbackPeer peer;
        // The UDPRead's completion routine (inside an interrupt entry) makes 70 UDPWrites of
        // 60,000 bytes, each different: 5.6 MB of records in one outermost entry.
        bool wrote = false;
        h.host.on_call = [&](uint32_t, GuestRegs &) {
            if (std::exchange(wrote, true)) return;
            put_wds(h, {std::string(kDatagram, 'x')});
            for (int i = 0; i < 70; ++i) {
                h.host.put8(kData, static_cast<uint8_t>(i));
                prepare_write(h, kWritePb, stream, kLoopback, peer.port);
                h.control(kUdpWrite, kWritePb);
            }
        };
        prepare_read(h, kReadPb, stream, 5);
        h.control(kUdpRead, kReadPb, true, 0x3000);
        peer.send_to(created_port(h), "go");
        ASSERT_TRUE(h.pump_until([&] { return wrote; }));
    }
    struct stat info{};
    ASSERT_EQ(::stat(path.c_str(), &info), 0);
    EXPECT_LE(static_cast<std::size_t>(info.st_size), kCap);
    EXPECT_GT(static_cast<std::size_t>(info.st_size), 4u << 20);
    const trace::Trace t = read_checked_trace(path);
    ASSERT_FALSE(t.records.empty());
    const nlohmann::json &end = t.records.back().json;
    ASSERT_EQ(t.records.back().kind, "end");
    ASSERT_TRUE(end.contains("incomplete")) << end.dump();
    huge_entry = end["incomplete"].get<uint64_t>();
    EXPECT_NE(end["reason"].get<std::string>().find("size cap of 5242880 bytes reached inside the entry of record " +
                                                     std::to_string(huge_entry)),
              std::string::npos)
        << end.dump();
    auto model = trace::check_model(t);
    ASSERT_TRUE(std::holds_alternative<trace::Model>(model));
    const trace::Model &m = std::get<trace::Model>(model);
    ASSERT_TRUE(m.incomplete_entry.has_value());
    EXPECT_EQ(t.records[*m.incomplete_entry].json["n"], huge_entry);
    EXPECT_EQ(t.records[*m.incomplete_entry].json["e"], "interrupt");
    const trace::ReplayResult result = trace::replay(t, m);
    EXPECT_TRUE(result.identical) << result.report;
    EXPECT_NE(result.report.find("up to the entry of record #" + std::to_string(huge_entry)), std::string::npos) << result.report;
    EXPECT_NE(result.report.find("holds only in part"), std::string::npos) << result.report;
}

// The "end" record's "incomplete" must name the entry it cuts, and only inside one.
TEST(TraceReplay, AnEndRecordNamingTheWrongIncompleteEntryIsAnError) {
    const std::string header =
        R"({"k":"header","trace":"mactcp-bridge","format":2,"bridge":"0","emulator":"x","prefs":{},)"
        R"("host":{"address":0,"netmask":0,"mtu":1500,"outward":false},"ram":{"base":0,"size":4096}})" "\n";
    const std::string entry = R"({"n":1,"t":0,"k":"entry","e":"interrupt"})" "\n";
    const auto check = [](const std::string &text) -> std::string {
        trace::ReadResult read = trace::parse_trace(text);
        if (auto *error = std::get_if<trace::ReadError>(&read)) return error->text();
        auto model = trace::check_model(std::get<trace::Trace>(read));
        if (auto *error = std::get_if<trace::ReadError>(&model)) return error->text();
        return "ok";
    };
    EXPECT_EQ(check(header + entry + R"({"n":2,"t":0,"k":"end","reason":"cap","incomplete":1})" "\n"), "ok");
    EXPECT_EQ(check(header + entry + R"({"n":2,"t":0,"k":"end","reason":"cap","incomplete":7})" "\n"),
              "line 3: the \"end\" record names record 7 as incomplete, but the entry it cuts is record 1 (line 2)");
    EXPECT_EQ(check(header + R"({"n":1,"t":0,"k":"end","reason":"cap","incomplete":1})" "\n"),
              "line 2: the \"end\" record names record 1 as incomplete, but it ends outside every entry");
    EXPECT_EQ(check(header + entry + R"({"n":2,"t":0,"k":"end","reason":"cap","incomplete":-1})" "\n"),
              "line 3: field \"incomplete\" has the wrong type");
}

}  // namespace mtb::test
