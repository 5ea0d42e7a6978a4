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

// Accepts the next connection with the soft descriptor limit lifted for the moment, so that the
// test's own end of each connection never competes with the bridge for the last descriptors:
// otherwise, when the test's accept lost that race, the connection stayed in the listener's
// backlog and was accepted later in place of the one the test meant (the CI failure this fixes).
HostPeer accept_beyond_the_limit(const HostListener &listener) {
    rlimit limit{};
    ::getrlimit(RLIMIT_NOFILE, &limit);
    const rlimit lifted{limit.rlim_max, limit.rlim_max};
    ::setrlimit(RLIMIT_NOFILE, &lifted);
    HostPeer peer = listener.accept();
    ::setrlimit(RLIMIT_NOFILE, &limit);
    return peer;
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
        // From here on, exactly 24 more descriptors: the limit caps descriptor numbers, so it is
        // set where the 24th free number ends (whatever descriptors the test runner left open).
        int free_numbers = 0;
        int fd_limit = 0;
        for (; free_numbers < 24; ++fd_limit) free_numbers += ::fcntl(fd_limit, F_GETFD) == -1;
        rlimit limit{};
        ::getrlimit(RLIMIT_NOFILE, &limit);
        limit.rlim_cur = static_cast<rlim_t>(fd_limit);
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
            if (tcp_failure == 0) {
                peers.push_back(accept_beyond_the_limit(listener));
                ASSERT_GE(peers.back().fd, 0);
            }
        }
        EXPECT_EQ(tcp_failure, err::insufficientResources);
        ASSERT_FALSE(peers.empty());
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
        // The network thread closes released sockets after TCPRelease has returned, so a guest
        // cannot know the moment descriptors are free: it retries, as an application would.
        // The deadline only expires if the descriptors are never given back.
        const uint32_t last = streams.back();
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        int16_t reopen = err::insufficientResources;
        while (reopen == err::insufficientResources && std::chrono::steady_clock::now() < deadline) {
            h.active_open(0x5100, last, listener.port);
            EXPECT_TRUE(pump_with(h, [&] { return h.io_result(0x5100) <= 0; }, std::chrono::seconds(10), healthy));
            reopen = h.io_result(0x5100);
            if (reopen == err::insufficientResources) h.settle(std::chrono::milliseconds(20));
        }
        EXPECT_EQ(reopen, 0);
        HostPeer peer = listener.accept();
        ASSERT_GE(peer.fd, 0);
        h.send_text(0x5200, last, 0x7000, "again");
        EXPECT_TRUE(pump_with(h, [&] { return h.io_result(0x5200) <= 0; }, std::chrono::seconds(5), healthy));
        EXPECT_EQ(h.io_result(0x5200), 0);
        EXPECT_EQ(peer.read(5), "again");
        healthy.finish();
    });
    EXPECT_EQ(status, 0);
}

}  // namespace mtb::test
