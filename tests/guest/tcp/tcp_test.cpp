// Issue 4 on the 68k test machine: TCP guest programs through the real plugin, with loopback
// peers run by the test in threads.
// SPDX-License-Identifier: GPL-2.0-or-later
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "guest_checksum.h"
#include "guest_harness.h"

namespace mtb::guest {

namespace {

// Runs `serve(fd)` for every connection to `listener` in its own thread until stopped.
class Server {
public:
    template <typename Fn>
    Server(const LoopbackListener &listener, Fn serve) {
        thread_ = std::thread([this, fd = listener.fd(), serve] {
            std::vector<std::thread> workers;
            while (!stop_) {
                pollfd p{fd, POLLIN, 0};
                if (::poll(&p, 1, 50) <= 0) continue;
                const int client = ::accept4(fd, nullptr, nullptr, SOCK_CLOEXEC);
                if (client < 0) continue;
                workers.emplace_back([this, client, serve] {
                    serve(client, stop_);
                    ::close(client);
                });
            }
            for (auto &w : workers) w.join();
        });
    }
    ~Server() {
        stop_ = true;
        thread_.join();
    }

private:
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

bool wait_readable(int fd, const std::atomic<bool> &stop) {
    while (!stop) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 50) > 0) return true;
    }
    return false;
}

void echo(int fd, const std::atomic<bool> &stop) {
    char buffer[4096];
    while (wait_readable(fd, stop)) {
        const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
        if (n <= 0) break;
        ::send(fd, buffer, static_cast<std::size_t>(n), MSG_NOSIGNAL);
    }
}

// Pseudo-random bytes the host sends (xorshift), reproducible for the expected checksum.
void fill_random(std::vector<uint8_t> &data, uint32_t seed) {
    uint32_t x = seed;
    for (auto &byte : data) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        byte = static_cast<uint8_t>(x);
    }
}

// Loopback ports in LISTEN state right now (/proc/net/tcp, local address 0100007F).
// Socket inodes this process holds: other tests run in parallel (ctest -j) and listen on
// loopback too, so a port is ours only if its socket is one of our descriptors.
std::set<std::string> own_socket_inodes() {
    std::set<std::string> inodes;
    for (const auto &entry : std::filesystem::directory_iterator("/proc/self/fd")) {
        std::error_code ec;
        const std::string target = std::filesystem::read_symlink(entry.path(), ec).string();
        if (!ec && target.rfind("socket:[", 0) == 0) inodes.insert(target.substr(8, target.size() - 9));
    }
    return inodes;
}

// Loopback TCP ports this process listens on (the bridge runs in-process).
std::set<uint16_t> listening_ports() {
    const std::set<std::string> own = own_socket_inodes();
    std::set<uint16_t> ports;
    std::ifstream in("/proc/net/tcp");
    std::string line;
    std::getline(in, line);
    while (std::getline(in, line)) {
        std::istringstream fields(line);
        std::string slot, local, remote, state, queues, timer, retransmits, uid, timeout, inode;
        fields >> slot >> local >> remote >> state >> queues >> timer >> retransmits >> uid >> timeout >> inode;
        if (state == "0A" && local.rfind("0100007F:", 0) == 0 && own.contains(inode))
            ports.insert(static_cast<uint16_t>(std::stoul(local.substr(9), nullptr, 16)));
    }
    return ports;
}

// A host client of the guest server: connects (retrying until the guest listens), sends a
// line, expects the echo and the guest's FIN, then closes. A connection reset before any answer
// came in the gap between two of the guest's passive opens (the host listener lingers one second
// for the next one; a slow guest can miss it, and a real MacTCP refuses such a SYN): try again.
bool client_exchange(uint16_t port, const std::string &line, std::string &answer, const std::atomic<bool> &guest_finished) {
    for (;;) {
        const int fd = connect_when_listening(port, guest_finished);
        if (fd < 0) return false;
        ::send(fd, line.data(), line.size(), MSG_NOSIGNAL);
        char buffer[256];
        bool reset = false;
        for (;;) {
            pollfd p{fd, POLLIN, 0};
            if (::poll(&p, 1, 10000) <= 0) break;
            const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
            reset = n < 0 && errno == ECONNRESET;
            if (n <= 0) break;
            answer.append(buffer, static_cast<std::size_t>(n));
        }
        ::close(fd);
        if (!(reset && answer.empty())) return true;
    }
}

}  // namespace

TEST(Tcp, EveryCallAndTheStateMatrixErrors) {
    LoopbackListener listener;
    Server server(listener, echo);
    run("tcp_tcp_calls", {{"port", std::to_string(listener.port())}});
}

TEST(Tcp, GuestServerOnAFixedPortAcceptsHostClients) {
    const uint16_t port = closed_loopback_port();
    std::vector<std::string> answers(3);
    std::atomic<bool> guest_finished{false};
    std::thread clients([&] {
        for (int i = 0; i < 3; ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            client_exchange(port, "hello " + std::to_string(i) + "\n", answers[i], guest_finished);
        }
    });
    run("tcp_tcp_server", {{"port", std::to_string(port)}, {"clients", "3"}});
    guest_finished = true;
    clients.join();
    for (int i = 0; i < 3; ++i) EXPECT_EQ(answers[i], "echo: hello " + std::to_string(i) + "\n");
}

TEST(Tcp, GuestServerOnPortZeroAcceptsAHostClient) {
    const std::set<uint16_t> before = listening_ports();
    std::string answer;
    std::atomic<bool> guest_finished{false};
    std::thread client([&] {
        while (!guest_finished) {
            for (uint16_t port : listening_ports()) {
                if (before.contains(port)) continue;
                client_exchange(port, "port zero\n", answer, guest_finished);
                return;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
    });
    run("tcp_tcp_server", {{"port", "0"}, {"clients", "1"}});
    guest_finished = true;
    client.join();
    EXPECT_EQ(answer, "echo: port zero\n");
}

TEST(Tcp, HundredConcurrentStreams) {
    LoopbackListener listener;
    Server server(listener, echo);
    const auto result = run("tcp_tcp_many", {{"port", std::to_string(listener.port())}, {"streams", "100"}});
    EXPECT_NE(result.output.find("100 streams echoed"), std::string::npos);
}

// 64 MB each way. The guest's own checksum loop dominates on the emulated CPU.
TEST(Tcp, SixtyFourMegabytesEachWayVerifiedByChecksum) {
    const uint32_t bytes = 64u << 20;
    std::vector<uint8_t> source(bytes);
    fill_random(source, 0x2545F491);
    Checksum expected_in;
    expected_in.add(source.data(), source.size());
    // What the guest sends: its 32 KB pattern repeated.
    std::vector<uint8_t> pattern(32768);
    for (uint32_t i = 0; i < pattern.size(); ++i) pattern[i] = static_cast<uint8_t>(i * 7 + (i >> 8));
    Checksum expected_out;
    for (uint32_t sent = 0; sent < bytes; sent += 32768) expected_out.add(pattern.data(), std::min<uint32_t>(32768, bytes - sent));

    LoopbackListener sink_listener, source_listener;
    Checksum got;
    std::atomic<uint64_t> sunk{0};
    Server sink(sink_listener, [&](int fd, const std::atomic<bool> &stop) {
        std::vector<uint8_t> buffer(1 << 16);
        while (wait_readable(fd, stop)) {
            const ssize_t n = ::recv(fd, buffer.data(), buffer.size(), 0);
            if (n <= 0) break;
            got.add(buffer.data(), static_cast<std::size_t>(n));
            sunk += static_cast<uint64_t>(n);
        }
        ::shutdown(fd, SHUT_WR);
    });
    Server feeder(source_listener, [&](int fd, const std::atomic<bool> &) {
        std::size_t done = 0;
        while (done < source.size()) {
            const ssize_t n = ::send(fd, source.data() + done, source.size() - done, MSG_NOSIGNAL);
            if (n <= 0) break;
            done += static_cast<std::size_t>(n);
        }
        ::shutdown(fd, SHUT_WR);
        char c;
        ::recv(fd, &c, 1, 0);  // until the guest closes
    });
    const auto result = run("tcp_tcp_bulk",
                            {{"sink_port", std::to_string(sink_listener.port())},
                             {"source_port", std::to_string(source_listener.port())},
                             {"bytes", std::to_string(bytes)},
                             {"expected", std::to_string(static_cast<int32_t>(expected_in.value()))}},
                            options(std::chrono::seconds(300)));
    EXPECT_EQ(sunk.load(), bytes);
    EXPECT_EQ(got.value(), expected_out.value());
    std::printf("%s(%.1f s)\n", result.output.c_str(), result.seconds);
}

// tcp_abort.c against a host source that never stops and a peer that never reads. `brief`: the
// readers stop after their first bytes, sent in small pieces (a trace of it stays small).
void abort_and_release(bool brief) {
    LoopbackListener source_listener, stall_listener;
    // A source at a network's pace (~8 MB/s): a host source at memory speed would keep a guest
    // that re-issues TCPRcv from its completion routine at interrupt level forever (a livelock
    // of the test, not of the bridge: every completion there is a new request).
    Server source(source_listener, [brief](int fd, const std::atomic<bool> &stop) {
        std::vector<char> data(brief ? 512 : 16384, 'd');
        while (!stop) {
            pollfd p{fd, POLLOUT, 0};
            if (::poll(&p, 1, 50) <= 0) continue;
            if (::send(fd, data.data(), data.size(), MSG_NOSIGNAL | MSG_DONTWAIT) < 0 && errno != EAGAIN) break;
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
    });
    // The stalled peer accepts but never reads, with a tiny receive buffer.
    const int small = 4096;
    ::setsockopt(stall_listener.fd(), SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    Server stall(stall_listener, [](int, const std::atomic<bool> &stop) {
        while (!stop) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    });
    std::map<std::string, std::string> params{{"source_port", std::to_string(source_listener.port())},
                                              {"stall_port", std::to_string(stall_listener.port())}};
    if (brief) params["volume"] = "1";
    run("tcp_tcp_abort", params, options(std::chrono::seconds(60)));
}

TEST(Tcp, AbortAndReleaseDuringTransfersLeaveOtherStreamsAlone) { abort_and_release(false); }

// The same after the first bytes: small enough to record as tests/traces/tcp_abort_and_release.
TEST(Tcp, AbortAndReleaseAfterTheFirstBytes) { abort_and_release(true); }

}  // namespace mtb::guest
