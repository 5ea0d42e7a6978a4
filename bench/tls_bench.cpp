// TLS-wrapped bulk transfer vs the same through a plain connection, in the same run (issue 15).
// BM_BridgeTlsVsPlain: through the bridge, as a guest sees it: TCPRcv of 8 KB into fake guest
// RAM, then TCPSend of 8 KB WDSs, on a stream whose TCPActiveOpen an `ipptls` rule carries over
// TLS (the TlsHostIo decorator) and on a plain one to a plain peer, each iteration both.
// BM_TlsVsPlainBulk: the socket wrapper alone (TlsSocket over OpenSSL's BIO pair on a
// non-blocking loopback socket, driven by poll()) against plain non-blocking calls.
// The far side is the tests' TLS server (OpenSSL, blocking) and, for the baselines, a plain
// blocking peer. Counters: plain_MBps, tls_MBps, ratio (tls / plain).
// SPDX-License-Identifier: GPL-2.0-or-later
#include <benchmark/benchmark.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "bench_bridge.h"
#include "test_tls_server.h"
#include "tls/tls_client_context.h"
#include "tls/tls_socket.h"

namespace {

using Clock = std::chrono::steady_clock;
using mtb::bench::Listener;
using mtb::tls::TlsSocket;

constexpr std::size_t kBytes = 32u << 20;
constexpr std::size_t kChunk = 65536;

int connect_nonblocking(uint16_t port) {
    const int fd = mtb::bench::connect_loopback(port);
    int on = 1;
    ::ioctl(fd, FIONBIO, &on);
    return fd;
}

void wait(int fd, short events) {
    pollfd p{fd, events, 0};
    ::poll(&p, 1, 5000);
}

// The plain peer: answers one connection by taking kBytes, then sending kBytes.
void plain_peer(int listener) {
    const int fd = ::accept(listener, nullptr, nullptr);
    std::vector<char> buffer(kChunk, 'p');
    std::size_t got = 0;
    while (got < kBytes) {
        const ssize_t n = ::recv(fd, buffer.data(), buffer.size(), 0);
        if (n <= 0) break;
        got += static_cast<std::size_t>(n);
    }
    std::size_t sent = 0;
    while (sent < kBytes) {
        const ssize_t n = ::send(fd, buffer.data(), std::min(buffer.size(), kBytes - sent), MSG_NOSIGNAL);
        if (n <= 0) break;
        sent += static_cast<std::size_t>(n);
    }
    ::close(fd);
}

// Client side of one direction through plain non-blocking calls or TlsSocket.
template <typename Send, typename Recv>
double transfer(int fd, Send send, Recv recv) {
    std::vector<char> buffer(kChunk, 'c');
    const auto start = Clock::now();
    std::size_t sent = 0;
    while (sent < kBytes) {
        const ssize_t n = send(buffer.data(), std::min(buffer.size(), kBytes - sent));
        if (n > 0) {
            sent += static_cast<std::size_t>(n);
        } else if (n < 0 && errno == EAGAIN) {
            wait(fd, POLLOUT);
        } else {
            break;
        }
    }
    std::size_t got = 0;
    while (got < kBytes) {
        const ssize_t n = recv(buffer.data(), buffer.size());
        if (n > 0) {
            got += static_cast<std::size_t>(n);
        } else if (n < 0 && errno == EAGAIN) {
            wait(fd, POLLIN);
        } else {
            break;
        }
    }
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    return 2.0 * static_cast<double>(kBytes) / seconds / 1e6;
}

void BM_TlsVsPlainBulk(benchmark::State &state) {
    mtb::test::TestCertificateAuthority ca;
    std::string problem;
    auto context = mtb::tls::TlsClientContext::create(ca.ca_file(), problem);
    mtb::test::TestTlsServer server(ca.issue({"bulk.test.example"}), [](mtb::test::TlsServerSession &s) {
        s.read_exact(kBytes);
        s.write(std::vector<uint8_t>(kBytes, 's'));
        s.close_notify();
    });
    double plain_total = 0, tls_total = 0;
    for (auto _ : state) {
        Listener listener;
        std::thread peer(plain_peer, listener.fd);
        const int plain_fd = connect_nonblocking(listener.port);
        plain_total += transfer(
            plain_fd, [&](const char *p, std::size_t n) { return ::send(plain_fd, p, n, MSG_NOSIGNAL); },
            [&](char *p, std::size_t n) { return ::recv(plain_fd, p, n, 0); });
        peer.join();
        ::close(plain_fd);

        const int tls_fd = connect_nonblocking(server.port());
        TlsSocket tls(std::make_unique<mtb::tls::FdTransport>(tls_fd), std::make_unique<mtb::tls::TlsEngine>(*context, mtb::tls::TlsPeer{"bulk.test.example", 0, {}}));
        while (tls.handshake() == mtb::tls::TlsEngine::State::handshaking) wait(tls_fd, POLLIN);
        tls_total += transfer(
            tls_fd, [&](const char *p, std::size_t n) { return tls.send(p, n); },
            [&](char *p, std::size_t n) { return tls.recv(p, n); });
        ::close(tls_fd);
    }
    const double iterations = static_cast<double>(state.iterations());
    state.counters["plain_MBps"] = plain_total / iterations;
    state.counters["tls_MBps"] = tls_total / iterations;
    state.counters["ratio"] = tls_total / plain_total;
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * 4 * static_cast<int64_t>(kBytes));
}
BENCHMARK(BM_TlsVsPlainBulk)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();

constexpr std::size_t kBridgeBytes = 16u << 20;  // each way, per connection
constexpr uint16_t kRead = 8192, kGuestPort = 143;

// One guest stream: takes kBridgeBytes with TCPRcv, then sends kBridgeBytes with TCPSend;
// MB/s of both directions together (0 when the stream broke).
double bridge_bulk(mtb::bench::Guest &g, uint16_t port) {
    using namespace mtb::bench;
    g.tcp_create(ram::kPb, ram::kStream, 65536);
    g.tcp_open(ram::kPb, ram::kStream, port);
    if (g.finish(ram::kPb) != 0) return 0;
    const auto start = Clock::now();
    std::size_t got = 0;
    while (got < kBridgeBytes) {
        g.tcp_rcv(ram::kPb, ram::kStream, ram::kData, kRead);
        if (g.finish(ram::kPb) != 0) return 0;
        got += g.tcp_received(ram::kPb);
    }
    g.put_wds(ram::kWds, ram::kData, kRead);
    for (std::size_t sent = 0; sent < kBridgeBytes; sent += kRead) {
        g.tcp_send(ram::kPb, ram::kStream, ram::kWds);
        if (g.finish(ram::kPb) != 0) return 0;
    }
    g.tcp_simple(kTcpClose, ram::kPb, ram::kStream);
    g.finish(ram::kPb);
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    return 2.0 * static_cast<double>(kBridgeBytes) / seconds / 1e6;
}

// The plain peer of the bridge run: sends kBridgeBytes, then takes kBridgeBytes.
void plain_bridge_peer(int listener) {
    const int fd = ::accept(listener, nullptr, nullptr);
    mtb::bench::set_nodelay(fd);
    std::vector<char> buffer(kChunk, 'p');
    for (std::size_t sent = 0; sent < kBridgeBytes;) {
        const ssize_t n = ::send(fd, buffer.data(), std::min(buffer.size(), kBridgeBytes - sent), MSG_NOSIGNAL);
        if (n <= 0) break;
        sent += static_cast<std::size_t>(n);
    }
    for (std::size_t got = 0; got < kBridgeBytes;) {
        const ssize_t n = ::recv(fd, buffer.data(), buffer.size(), 0);
        if (n <= 0) break;
        got += static_cast<std::size_t>(n);
    }
    ::close(fd);
}

void BM_BridgeTlsVsPlain(benchmark::State &state) {
    mtb::test::TestCertificateAuthority ca;
    mtb::test::TestTlsServer server(ca.issue({"127.0.0.1"}), [](mtb::test::TlsServerSession &s) {
        s.write(std::vector<uint8_t>(kBridgeBytes, 's'));
        s.read_exact(kBridgeBytes);
        s.read_to_end();
    });
    const std::map<std::string, std::string> tls_prefs{
        {"ipptls", std::to_string(kGuestPort) + "=" + std::to_string(server.port())}, {"ipptlsca", ca.ca_file()}};
    std::vector<double> plain, tls;
    for (auto _ : state) {
        {
            Listener listener;
            std::thread peer(plain_bridge_peer, listener.fd);
            mtb::bench::Guest g;
            plain.push_back(bridge_bulk(g, listener.port));
            peer.join();
        }
        {
            mtb::bench::Guest g(mtb::test::FakeHost::kRamSize, tls_prefs);
            tls.push_back(bridge_bulk(g, kGuestPort));
        }
    }
    const auto median = [](std::vector<double> v) {
        std::sort(v.begin(), v.end());
        return v.empty() ? 0.0 : v[v.size() / 2];
    };
    state.counters["plain_MBps"] = median(plain);
    state.counters["tls_MBps"] = median(tls);
    state.counters["ratio"] = median(plain) > 0 ? median(tls) / median(plain) : 0;
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * 4 * static_cast<int64_t>(kBridgeBytes));
}
BENCHMARK(BM_BridgeTlsVsPlain)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();

// The 1 ms rule (no call or interrupt drain holds the emulation thread for more than 1 ms of
// CPU) during TLS handshakes: the TlsHostIo decorator runs OpenSSL's handshake on the emulation
// thread (TlsHostIo::connect creates the engine, next_event() advances the handshake as its
// ciphertext arrives). Each iteration opens kOpens connections through an `ipptls` rule
// (TCPActiveOpen until it completes, then TCPAbort and TCPRelease) and reads the thread's CPU
// clock around every control() and interrupt() the guest makes. Counters: max_call_us (the
// largest single call or drain, the first open of the process included), first_open_max_us (the
// largest of the process's first open: OpenSSL's lazy set-up), open_cpu_us (median CPU of one
// whole open, summed over its calls), calls_over_1ms. The test CA's keys are ECDSA P-256
// (certificate and CertificateVerify checks), the key exchange X25519 (OpenSSL's default).
void BM_TlsHandshakeCallCpu(benchmark::State &state) {
    using namespace mtb::bench;
    constexpr int kOpens = 50;
    mtb::test::TestCertificateAuthority ca;
    mtb::test::TestTlsServer server(ca.issue({"127.0.0.1"}), [](mtb::test::TlsServerSession &s) { s.read_to_end(); });
    const std::map<std::string, std::string> tls_prefs{
        {"ipptls", std::to_string(kGuestPort) + "=" + std::to_string(server.port())}, {"ipptlsca", ca.ca_file()}};
    double max_call_us = 0, first_open_max_us = -1;
    int over = 0, failed = 0;
    std::vector<double> open_cpu_us;
    for (auto _ : state) {
        Guest g(mtb::test::FakeHost::kRamSize, tls_prefs);
        for (int open = 0; open < kOpens; ++open) {
            double open_max = 0, open_total = 0;
            const auto timed = [&](const auto &call) {
                const double before = thread_cpu_seconds();
                call();
                const double us = (thread_cpu_seconds() - before) * 1e6;
                open_max = std::max(open_max, us);
                open_total += us;
            };
            timed([&] { g.tcp_create(ram::kPb, ram::kStream, 16384); });
            timed([&] { g.tcp_open(ram::kPb2, ram::kStream, kGuestPort); });
            while (g.io_result(ram::kPb2) > 0) {
                const uint64_t seen = g.host.raised();
                timed([&] { g.bridge.interrupt(); });
                if (g.io_result(ram::kPb2) > 0) g.host.wait_for_raise(seen, std::chrono::milliseconds(5));
            }
            if (g.io_result(ram::kPb2) != 0) ++failed;
            timed([&] { g.tcp_simple(kTcpAbort, ram::kPb, ram::kStream); });
            timed([&] { g.tcp_simple(kTcpRelease, ram::kPb, ram::kStream); });
            if (first_open_max_us < 0) first_open_max_us = open_max;
            max_call_us = std::max(max_call_us, open_max);
            over += open_max > 1000 ? 1 : 0;
            open_cpu_us.push_back(open_total);
        }
    }
    std::sort(open_cpu_us.begin(), open_cpu_us.end());
    state.counters["max_call_us"] = max_call_us;
    state.counters["first_open_max_us"] = first_open_max_us;
    state.counters["open_cpu_us"] = open_cpu_us.empty() ? 0 : open_cpu_us[open_cpu_us.size() / 2];
    state.counters["opens_with_a_call_over_1ms"] = over;
    state.counters["failed_opens"] = failed;
}
// Run it alone (--benchmark_filter=BM_TlsHandshakeCallCpu) for first_open_max_us to be the
// process's first handshake.
BENCHMARK(BM_TlsHandshakeCallCpu)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
