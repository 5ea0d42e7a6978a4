// Host descriptor exhaustion: in a child process with a low RLIMIT_NOFILE (so that no other
// test is affected), TCP and UDP calls that need a new socket answer insufficientResources,
// the streams already open keep working, and everything works again once descriptors are free.
// SPDX-License-Identifier: GPL-2.0-or-later
#include <gtest/gtest.h>

#include <sys/resource.h>
#include <sys/wait.h>

#include <vector>

#include "healthy_stream.h"
#include "udp_test_support.h"

namespace mtb::test {

namespace {

// Runs `body` in a forked child (before this process has any other thread) and returns its
// exit status; the child's gtest failures become a non-zero status.
int in_child(const std::function<void()> &body) {
    const pid_t child = ::fork();
    if (child == 0) {
        body();
        ::_exit(::testing::Test::HasFailure() ? 1 : 0);
    }
    int status = 0;
    ::waitpid(child, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace

TEST(FdExhaustion, InsufficientResourcesThenRecovery) {
#if defined(__SANITIZE_ADDRESS__)
    // The sanitizer runtimes need descriptors of their own (UBSan's checks report an invalid
    // vptr in Boost.System when they cannot get one): this runs in the normal build.
    GTEST_SKIP() << "not under ASan/UBSan: the sanitizers themselves run out of descriptors";
#endif
    const int status = in_child([] {
        TcpHarness h;
        HealthyStream healthy(h, 0xC0000, 256 << 10);
        // From here on, only a few more descriptors.
        std::size_t in_use = 0;
        for (int fd = 0; fd < 4096; ++fd) in_use += ::fcntl(fd, F_GETFD) != -1;
        rlimit limit{};
        ::getrlimit(RLIMIT_NOFILE, &limit);
        limit.rlim_cur = in_use + 24;
        ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &limit), 0);

        HostListener listener;
        std::vector<HostPeer> peers;
        std::vector<uint32_t> streams;
        int16_t tcp_failure = 0;
        for (uint32_t i = 0; i < 64 && tcp_failure == 0; ++i) {
            const uint32_t stream = 0x20000 + 0x2000 * i;
            const uint32_t pb = 0x60000 + 0x100 * i;
            EXPECT_EQ(h.create(stream, 0x2000, kAsrRoutine, i, pb), 0);
            streams.push_back(stream);
            h.active_open(pb, stream, listener.port);
            EXPECT_TRUE(pump_with(h, [&] { return h.io_result(pb) <= 0; }, std::chrono::seconds(10), healthy));
            tcp_failure = h.io_result(pb);
            if (tcp_failure == 0) peers.push_back(listener.accept());
        }
        EXPECT_EQ(tcp_failure, err::insufficientResources);
        // UDP too: a new socket is refused the same way.
        int32_t udp_failure = 0;
        for (uint32_t i = 0; i < 8 && udp_failure == 0; ++i) udp_failure = udp_create(h, 0xA0000 + 0x1000 * i, 4096);
        EXPECT_EQ(udp_failure, err::insufficientResources);
        // The streams already open still work.
        h.send_text(0x5000, streams.front(), 0x7000, "alive");
        EXPECT_TRUE(pump_with(h, [&] { return h.io_result(0x5000) <= 0; }, std::chrono::seconds(5), healthy));
        EXPECT_EQ(h.io_result(0x5000), 0);
        EXPECT_EQ(peers.front().read(5), "alive");
        // Free descriptors: opens work again.
        for (std::size_t i = 0; i + 1 < streams.size(); ++i) EXPECT_EQ(h.release(streams[i]), 0);
        peers.clear();
        h.settle(std::chrono::milliseconds(200));  // the network thread closes the sockets
        const uint32_t last = streams.back();
        h.active_open(0x5100, last, listener.port);
        EXPECT_TRUE(pump_with(h, [&] { return h.io_result(0x5100) <= 0; }, std::chrono::seconds(10), healthy));
        EXPECT_EQ(h.io_result(0x5100), 0);
        HostPeer peer = listener.accept();
        h.send_text(0x5200, last, 0x7000, "again");
        EXPECT_TRUE(pump_with(h, [&] { return h.io_result(0x5200) <= 0; }, std::chrono::seconds(5), healthy));
        EXPECT_EQ(peer.read(5), "again");
        healthy.finish();
    });
    EXPECT_EQ(status, 0);
}

}  // namespace mtb::test
