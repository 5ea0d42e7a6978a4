// TCP over the host layer (net/): every socket closed at any shutdown point, TCPSend linear in
// WDS entries, accept pausing while the host is out of descriptors (issue 13 defects 1, 3, 6).
// SPDX-License-Identifier: GPL-2.0-or-later
#include <gtest/gtest.h>

#include <dirent.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <atomic>
#include <vector>

#include "net/forwarding_host_io.h"
#include "net/live_host_io.h"
#include "tcp_test_support.h"

namespace mtb::test {

namespace {

std::size_t open_descriptors() {
    std::size_t count = 0;
    if (DIR *dir = ::opendir("/proc/self/fd")) {
        while (::readdir(dir) != nullptr) ++count;
        ::closedir(dir);
    }
    return count;
}

// The live host layer, counting what the bridge asks of it.
class CountingIo final : public net::ForwardingHostIo {
public:
    explicit CountingIo(FakeHost &host) : ForwardingHostIo(live_), live_(host) {}
    net::IoResult send(net::SocketId id, std::span<const iovec> parts, bool urgent) override {
        send_parts += parts.size();
        ++sends;
        return ForwardingHostIo::send(id, parts, urgent);
    }
    net::Accepted accept(net::SocketId listener) override {
        ++accepts;
        return ForwardingHostIo::accept(listener);
    }
    std::size_t send_parts = 0, sends = 0, accepts = 0;

private:
    net::LiveHostIo live_;
};

constexpr uint32_t kStream = 0x20000;

}  // namespace

// Defect 1: a host that shuts the bridge down right after the opens leaks no socket.
TEST(TcpHostIo, ShutdownRightAfterOpensLeaksNoDescriptor) {
    HostListener listener;
    const std::size_t before = open_descriptors();
    for (int round = 0; round < 20; ++round) {
        TcpHarness h;
        ASSERT_EQ(h.create(kStream), 0);
        ASSERT_EQ(h.create(kStream + 0x8000), 0);
        h.active_open(0x4100, kStream, listener.port);
        h.passive_open(0x4200, kStream + 0x8000, 0);
        h.bridge.shutdown();
    }
    EXPECT_EQ(open_descriptors(), before);
}

// Defect 3: 65,535 one-byte WDS entries go out with each entry gathered once (plus at most one
// re-gather per partial sendmsg), all bytes in order; the old path rebuilt the list from the
// first entry on every round.
TEST(TcpHostIo, SendIsLinearInWdsEntries) {
    HostListener listener;
    TcpHarness h(inject<CountingIo>);
    auto &io = *static_cast<CountingIo *>(h.injected.io);
    HostPeer peer = h.connected_stream(listener, kStream);
    ASSERT_GE(peer.fd, 0);
    constexpr uint32_t kEntries = 65535, kWds = 0x30000, kData = 0xB0000;
    std::string expected;
    for (uint32_t i = 0; i < kEntries; ++i) {
        h.host.put16(kWds + i * 6, 1);
        h.host.put32(kWds + i * 6 + 2, kData + i);
        h.host.put8(kData + i, static_cast<uint8_t>(i * 7));
        expected.push_back(static_cast<char>(i * 7));
    }
    h.host.put16(kWds + kEntries * 6, 0);
    h.send(0x4300, kStream, kWds);
    std::string received;
    ASSERT_TRUE(h.pump_until([&] {
        received += peer.read(kEntries - received.size(), 10);
        return h.result(0x4300) <= 0 && received.size() == kEntries;
    }));
    EXPECT_EQ(h.result(0x4300), 0);
    EXPECT_EQ(received, expected);
    EXPECT_LE(io.send_parts, kEntries + io.sends);
}

// Defect 6: with the host out of descriptors, the listener pauses (50 ms, doubling) instead of
// accepting again at once, and takes the waiting connection once descriptors are free again.
// Run in a child process: it lowers RLIMIT_NOFILE and uses up every descriptor.
TEST(TcpHostIo, AcceptPausesWhileTheHostIsOutOfDescriptors) {
#if defined(__SANITIZE_ADDRESS__)
    // UBSan checks a dynamic type by probing memory through a pipe; with every descriptor taken
    // the probe fails and it reports a valid object as "bad type" (seen 1 run in 4). Priming the
    // paths first does not cover every (type, vptr) pair. Runs in the normal and TSan builds.
    GTEST_SKIP() << "not under ASan/UBSan: the sanitizers themselves run out of descriptors";
#endif
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        int code = 0;
        {
            TcpHarness h(inject<CountingIo>);
            auto &io = *static_cast<CountingIo *>(h.injected.io);
            // One connection accepted while descriptors are plenty: every path runs once before
            // (UBSan checks dynamic types through a pipe, which needs descriptors too).
            if (h.create(kStream) != 0 || h.create(kStream + 0x8000) != 0) ::_exit(10);
            h.passive_open(0x4100, kStream, 0);
            const uint16_t port = h.host.get16(0x4100 + T::open::localPort.offset);
            HostPeer first = connect_to(port);
            if (!h.wait_done(0x4100) || h.result(0x4100) != 0) ::_exit(10);
            h.passive_open(0x4200, kStream + 0x8000, port);
            const int client = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
            std::vector<int> hogs;
            rlimit limit{};
            ::getrlimit(RLIMIT_NOFILE, &limit);
            limit.rlim_cur = std::min<rlim_t>(limit.rlim_cur, 256);
            ::setrlimit(RLIMIT_NOFILE, &limit);
            for (int fd; (fd = ::dup(client)) >= 0;) hogs.push_back(fd);
            sockaddr_in a{};
            a.sin_family = AF_INET;
            a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            a.sin_port = htons(port);
            if (::connect(client, reinterpret_cast<sockaddr *>(&a), sizeof a) != 0) ::_exit(11);
            const std::size_t accepts_before = io.accepts;
            // The bridge tries at least once (once the listener's readiness has reached it: waited
            // for, a loaded host can take its time), then pauses, doubling: a dozen tries in
            // several seconds at most, where a spinning accept would count thousands in 400 ms.
            if (!h.pump_until([&] { return io.accepts - accepts_before >= 1; })) code = 12;
            h.settle(std::chrono::milliseconds(400));
            if (io.accepts - accepts_before > 12) code = 12;
            if (h.result(0x4200) != 1) code = 13;
            for (int fd : hogs) ::close(fd);
            if (!h.wait_done(0x4200) || h.result(0x4200) != 0) code = 14;
            ::close(client);
        }
        ::_exit(code);
    }
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0) << "12: accept not paused, 13: open finished early, 14: no recovery";
}

}  // namespace mtb::test
