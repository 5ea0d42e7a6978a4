// The benchmarks' guest side: a Bridge on fake guest RAM driven as the guest driver drives it
// (Control calls through emul_op, pending requests finished through interrupt()), with TCP and
// UDP call helpers, plus the host-side socket helpers both the bridge runs and their raw
// baselines use, so that both sides of every ratio do the same work.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <thread>
#include <cstdint>
#include <vector>

#include "bridge_harness.h"
#include "loopback_listener.h"

namespace mtb::bench {

namespace T = layout::tcp;
namespace U = layout::udp;
using Clock = std::chrono::steady_clock;

enum : uint16_t {
    kKillIo = 1,
    kUdpCreate = 20, kUdpRead = 21, kUdpBfrReturn = 22, kUdpWrite = 23,
    kTcpCreate = 30, kTcpActiveOpen = 32, kTcpSend = 34, kTcpRcv = 37, kTcpClose = 38, kTcpAbort = 39, kTcpStatus = 40,
    kTcpRelease = 42,
};

constexpr uint32_t kLoopbackHost = 0x7F000001;

// CPU time of the calling thread: what the bridge itself spends, whatever else the machine runs.
inline double thread_cpu_seconds() {
    timespec t{};
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

// CPU time of the whole process (every thread: the bridge's network thread, the peers).
inline double process_cpu_seconds() {
    timespec t{};
    ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

// Rates of the bridge and of its raw baseline, one sample per iteration (both measured in the
// same iteration, in alternating order so neither always runs on a warmer machine), and the
// CPU time the whole process spent on each. Reported as medians: a busy 2-core machine gives a
// few wild samples. The rate ratio depends on how the threads happen to be scheduled; the CPU
// ratio (same work on both sides) does not, so both are reported.
class SameRun {
public:
    // Runs the pair for one iteration; every other one runs the bridge first.
    template <typename Raw, typename Bridge>
    void sample(Raw raw, Bridge bridge) {
        if (raw_.size() % 2 == 0) {
            measure(raw, raw_, raw_cpu_);
            measure(bridge, bridge_, bridge_cpu_);
        } else {
            measure(bridge, bridge_, bridge_cpu_);
            measure(raw, raw_, raw_cpu_);
        }
    }
    // Counters `raw_<unit>`, `bridge_<unit>` and `ratio` (bridge / raw; for times, raw / bridge,
    // so that above 1 always means the bridge did better); `raw_cpu_ms`, `bridge_cpu_ms` (per
    // run) and `cpu_ratio` (raw / bridge: above 1, the bridge spent less CPU).
    void report(benchmark::State &state, const std::string &unit, bool higher_is_better = true) const {
        const double raw = median(raw_), bridge = median(bridge_);
        state.counters["raw_" + unit] = raw;
        state.counters["bridge_" + unit] = bridge;
        const double ratio = higher_is_better ? (raw > 0 ? bridge / raw : 0) : (bridge > 0 ? raw / bridge : 0);
        state.counters["ratio"] = ratio;
        const double raw_cpu = median(raw_cpu_), bridge_cpu = median(bridge_cpu_);
        state.counters["raw_cpu_ms"] = raw_cpu * 1e3;
        state.counters["bridge_cpu_ms"] = bridge_cpu * 1e3;
        state.counters["cpu_ratio"] = bridge_cpu > 0 ? raw_cpu / bridge_cpu : 0;
    }
    static double median(std::vector<double> v) {
        if (v.empty()) return 0;
        std::sort(v.begin(), v.end());
        const std::size_t n = v.size();
        return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

private:
    template <typename Run>
    static void measure(Run run, std::vector<double> &rates, std::vector<double> &cpu) {
        const double before = process_cpu_seconds();
        rates.push_back(run());
        cpu.push_back(process_cpu_seconds() - before);
    }

    std::vector<double> raw_, bridge_, raw_cpu_, bridge_cpu_;
};

// Percentile (0..1) of a sample, by nearest rank.
inline double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const std::size_t rank = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
    return v[std::min(rank, v.size() - 1)];
}

// --- host sockets (loopback only) ---------------------------------------------------------

inline int connect_loopback(uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port);
    ::connect(fd, reinterpret_cast<sockaddr *>(&a), sizeof a);
    return fd;
}

// The bridge sets TCP_NODELAY on its sockets (host_socket.cpp); raw baselines do the same.
inline void set_nodelay(int fd) {
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

// A connected loopback pair made through `listener`: {connecting side, accepted side}.
struct RawPair {
    int client = -1, server = -1;
    explicit RawPair(const Listener &listener) {
        client = connect_loopback(listener.port);
        server = ::accept4(listener.fd, nullptr, nullptr, SOCK_CLOEXEC);
        set_nodelay(client);
        set_nodelay(server);
    }
    ~RawPair() {
        ::close(client);
        ::close(server);
    }
    RawPair(const RawPair &) = delete;
    RawPair &operator=(const RawPair &) = delete;
};

// Blocking writes of `chunk` bytes at a time until `bytes` are out.
inline void write_all(int fd, uint64_t bytes, uint32_t chunk) {
    std::vector<char> buffer(chunk, 'x');
    while (bytes > 0) {
        const ssize_t n = ::send(fd, buffer.data(), std::min<uint64_t>(bytes, chunk), MSG_NOSIGNAL);
        if (n <= 0) return;
        bytes -= static_cast<uint64_t>(n);
    }
}

// Blocking reads of at most `chunk` bytes until EOF; counts the reads that returned data.
inline uint64_t read_all(int fd, uint32_t chunk, uint64_t *reads = nullptr) {
    std::vector<char> buffer(chunk);
    uint64_t total = 0;
    for (;;) {
        const ssize_t n = ::recv(fd, buffer.data(), chunk, 0);
        if (n <= 0) return total;
        total += static_cast<uint64_t>(n);
        if (reads) ++*reads;
    }
}

inline bool recv_exactly(int fd, char *into, std::size_t length) {
    std::size_t done = 0;
    while (done < length) {
        const ssize_t n = ::recv(fd, into + done, length - done, 0);
        if (n <= 0) return false;
        done += static_cast<std::size_t>(n);
    }
    return true;
}

// A UDP socket bound to 127.0.0.1 on an ephemeral port.
struct UdpSocket {
    int fd;
    uint16_t port = 0;
    UdpSocket() {
        fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::bind(fd, reinterpret_cast<sockaddr *>(&a), sizeof a);
        socklen_t l = sizeof a;
        ::getsockname(fd, reinterpret_cast<sockaddr *>(&a), &l);
        port = ntohs(a.sin_port);
    }
    ~UdpSocket() { ::close(fd); }
    UdpSocket(const UdpSocket &) = delete;
    UdpSocket &operator=(const UdpSocket &) = delete;
    bool send_to(uint16_t to_port, const char *data, std::size_t length) const {
        sockaddr_in to{};
        to.sin_family = AF_INET;
        to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        to.sin_port = htons(to_port);
        return ::sendto(fd, data, length, 0, reinterpret_cast<sockaddr *>(&to), sizeof to) >= 0;
    }
};

// --- the guest side -----------------------------------------------------------------------

// A Bridge on `ram_bytes` of fake guest RAM (logging errors only: the slow-call warnings of a
// busy machine would otherwise pile up in the fake host).
class Guest : public test::BridgeHarness {
public:
    explicit Guest(uint32_t ram_bytes = test::FakeHost::kRamSize, std::map<std::string, std::string> prefs = {})
        : BridgeHarness(with_quiet_log(std::move(prefs))) {
        if (ram_bytes > host.ram.size()) host.ram.resize(ram_bytes, 0);
    }

    // With `measure_cpu`, the emulation thread's CPU time inside control() and spin()'s
    // interrupt() calls adds up in `call_cpu_seconds`: the bridge's own work per call, without
    // the time the guest spends waiting.
    bool measure_cpu = false;
    double call_cpu_seconds = 0;

    int32_t control(uint16_t cs_code, uint32_t pb, bool async = false) {
        const double before = measure_cpu ? thread_cpu_seconds() : 0;
        const int32_t d0 = BridgeHarness::control(cs_code, pb, async);
        if (measure_cpu) call_cpu_seconds += thread_cpu_seconds() - before;
        return d0;
    }

    void clear(uint32_t pb, uint32_t size) { std::fill_n(host.ram.begin() + pb, size, uint8_t{0}); }

    // A synchronous call: the guest spins on ioResult while interrupts arrive.
    int16_t finish(uint32_t pb) {
        while (io_result(pb) > 0) {
            const uint64_t seen = host.raised();
            bridge.interrupt();
            if (io_result(pb) > 0) host.wait_for_raise(seen, std::chrono::milliseconds(5));
        }
        return io_result(pb);
    }

    // The same as an emulator does it: the CPU keeps running (here: spinning) and services the
    // interrupt as soon as it is raised. `interrupt_seconds`, when given, receives the duration
    // of the interrupt() call that finished the request.
    int16_t spin(uint32_t pb, double *interrupt_seconds = nullptr) {
        while (io_result(pb) > 0) {
            const uint64_t raised = host.raised();
            if (raised == serviced_) continue;
            serviced_ = raised;
            const auto started = Clock::now();
            const double before = measure_cpu ? thread_cpu_seconds() : 0;
            bridge.interrupt();
            if (measure_cpu) call_cpu_seconds += thread_cpu_seconds() - before;
            if (interrupt_seconds && io_result(pb) <= 0)
                *interrupt_seconds = std::chrono::duration<double>(Clock::now() - started).count();
        }
        return io_result(pb);
    }

    // --- TCP ---
    int16_t tcp_create(uint32_t pb, uint32_t buffer, uint32_t length) {
        clear(pb, T::size);
        host.put32(pb + T::create::rcvBuff.offset, buffer);
        host.put32(pb + T::create::rcvBuffLen.offset, length);
        control(kTcpCreate, pb);
        return io_result(pb);
    }
    // TCPActiveOpen to 127.0.0.1:port; left pending (finish() it, or many at once).
    void tcp_open(uint32_t pb, uint32_t stream, uint16_t port) {
        clear(pb, T::size);
        host.put32(pb + T::stream.offset, stream);
        host.put32(pb + T::open::remoteHost.offset, kLoopbackHost);
        host.put16(pb + T::open::remotePort.offset, port);
        control(kTcpActiveOpen, pb, true);
    }
    void tcp_rcv(uint32_t pb, uint32_t stream, uint32_t buffer, uint16_t length, bool async = false) {
        clear(pb, T::size);
        host.put32(pb + T::stream.offset, stream);
        host.put32(pb + T::receive::rcvBuff.offset, buffer);
        host.put16(pb + T::receive::rcvBuffLen.offset, length);
        control(kTcpRcv, pb, async);
    }
    uint16_t tcp_received(uint32_t pb) { return host.get16(pb + T::receive::rcvBuffLen.offset); }
    // One-entry WDS at `wds` naming `length` bytes at `data`.
    void put_wds(uint32_t wds, uint32_t data, uint16_t length) {
        host.put16(wds, length);
        host.put32(wds + 2, data);
        host.put16(wds + 6, 0);
    }
    void tcp_send(uint32_t pb, uint32_t stream, uint32_t wds, bool async = false) {
        clear(pb, T::size);
        host.put32(pb + T::stream.offset, stream);
        host.put32(pb + T::send::wdsPtr.offset, wds);
        host.put8(pb + T::send::pushFlag.offset, 1);
        control(kTcpSend, pb, async);
    }
    void tcp_simple(uint16_t cs_code, uint32_t pb, uint32_t stream) {
        clear(pb, T::size);
        host.put32(pb + T::stream.offset, stream);
        control(cs_code, pb);
    }

    // --- UDP ---
    // UDPCreate on any free port; returns the port (0 on failure).
    uint16_t udp_create(uint32_t pb, uint32_t buffer, uint32_t length) {
        clear(pb, U::size);
        host.put32(pb + U::create::rcvBuff.offset, buffer);
        host.put32(pb + U::create::rcvBuffLen.offset, length);
        control(kUdpCreate, pb);
        return io_result(pb) == 0 ? host.get16(pb + U::create::localPort.offset) : 0;
    }
    void udp_read(uint32_t pb, uint32_t stream) {
        clear(pb, U::sizeOld);
        host.put32(pb + U::stream.offset, stream);
        control(kUdpRead, pb);
    }
    void udp_bfr_return(uint32_t pb, uint32_t stream, uint32_t pointer) {
        clear(pb, U::sizeOld);
        host.put32(pb + U::stream.offset, stream);
        host.put32(pb + U::bfr_return::rcvBuff.offset, pointer);
        control(kUdpBfrReturn, pb);
    }
    void udp_write(uint32_t pb, uint32_t stream, uint16_t port, uint32_t wds) {
        clear(pb, U::sizeOld);
        host.put32(pb + U::stream.offset, stream);
        host.put32(pb + U::send::remoteHost.offset, kLoopbackHost);
        host.put16(pb + U::send::remotePort.offset, port);
        host.put32(pb + U::send::wdsPtr.offset, wds);
        host.put8(pb + U::send::checkSum.offset, 1);
        control(kUdpWrite, pb);
    }

private:
    static std::map<std::string, std::string> with_quiet_log(std::map<std::string, std::string> prefs) {
        prefs.emplace("ipplog", "error");
        return prefs;
    }
    uint64_t serviced_ = 0;  // raise_interrupt count at the last interrupt() spin() made
};

// Guest RAM used by the single-stream benchmarks.
namespace ram {
constexpr uint32_t kPb = 0x4000, kPb2 = 0x4100, kWds = 0x5000;
constexpr uint32_t kStream = 0x20000;   // the stream's receive buffer (up to 256 KB)
constexpr uint32_t kData = 0x60000;     // the guest's data buffer (up to 64 KB)
}  // namespace ram

// A bridge with one TCP stream (receive buffer `stream_buffer`) connected to a host peer.
struct Connected {
    Guest g;
    Listener listener;
    int peer = -1;
    explicit Connected(uint32_t stream_buffer = 0x40000, std::map<std::string, std::string> prefs = {})
        : g(test::FakeHost::kRamSize, std::move(prefs)) {
        g.tcp_create(ram::kPb, ram::kStream, stream_buffer);
        g.tcp_open(ram::kPb, ram::kStream, listener.port);
        g.finish(ram::kPb);
        peer = ::accept4(listener.fd, nullptr, nullptr, SOCK_CLOEXEC);
        set_nodelay(peer);
    }
    ~Connected() { ::close(peer); }
    Connected(const Connected &) = delete;
    Connected &operator=(const Connected &) = delete;
};

// --- small-read ping-pong, shared by the latency and the many-streams benchmarks -----------

inline double micros(Clock::duration d) { return std::chrono::duration<double, std::micro>(d).count(); }

// The host-side echo: reads `message` bytes, sends them back, until EOF.
inline std::thread echo(int fd, uint32_t message) {
    return std::thread([fd, message] {
        std::vector<char> buffer(message);
        while (recv_exactly(fd, buffer.data(), message)) ::send(fd, buffer.data(), message, MSG_NOSIGNAL);
    });
}

// Raw baseline: send `message` bytes, spin on a non-blocking recv() until the echo is back
// (the same spinning CPU as the emulation thread); microseconds per exchange.
inline double raw_ping_pong_us(int exchanges, uint32_t message) {
    Listener listener;
    RawPair pair(listener);
    std::thread peer = echo(pair.server, message);
    std::vector<char> buffer(message);
    const auto start = Clock::now();
    for (int i = 0; i < exchanges; ++i) {
        ::send(pair.client, buffer.data(), message, MSG_NOSIGNAL);
        for (uint32_t got = 0; got < message;) {
            const ssize_t n = ::recv(pair.client, buffer.data() + got, message - got, MSG_DONTWAIT);
            if (n > 0) got += static_cast<uint32_t>(n);
        }
    }
    const double us = micros(Clock::now() - start) / exchanges;
    ::shutdown(pair.client, SHUT_WR);
    peer.join();
    return us;
}

// The same through the bridge, one exchange: TCPSend of the WDS at `wds`, then TCPRcvs into
// `into` until the echo is back, each finished by spin(). False if a call failed.
inline bool guest_exchange(Guest &g, uint32_t pb, uint32_t stream, uint32_t wds, uint32_t into, uint32_t message) {
    g.tcp_send(pb, stream, wds);
    if (g.spin(pb) != 0) return false;
    for (uint32_t got = 0; got < message; got += g.tcp_received(pb)) {
        g.tcp_rcv(pb, stream, into, static_cast<uint16_t>(message - got));
        if (g.spin(pb) != 0) return false;
    }
    return true;
}

}  // namespace mtb::bench
