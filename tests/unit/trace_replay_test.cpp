// Round trip on fake guest RAM: a session recorded with `ipptrace` replays identically, with
// the host results (sockets, clock, events) answered from the recording.
// SPDX-License-Identifier: GPL-2.0-or-later
#include <gtest/gtest.h>

#include <unistd.h>

#include <set>

#include "tcp_test_support.h"
#include "trace_lines.h"
#include "trace_replay.h"

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

}  // namespace

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
