// UDP datagrams through the bridge vs raw loopback sockets doing the same work, in the same
// run (issue 12): host -> guest (UDPRead + UDPBfrReturn on fake guest RAM) and guest -> host
// (UDPWrite of a one-entry WDS), 1460-byte datagrams by default. UDP drops what a slow reader
// cannot take, so both sides run the same window (class Window: what the guest's receive area
// holds), and a run counts only when every datagram arrived. Counters: datagrams per second (thousands) both ways and the ratio.
// SPDX-License-Identifier: GPL-2.0-or-later
#include <benchmark/benchmark.h>

#include <sys/time.h>

#include <condition_variable>
#include <mutex>
#include <thread>

#include "bench_bridge.h"

namespace {

using namespace mtb::bench;

constexpr uint64_t kDatagrams = 40000;
constexpr uint32_t kReceiveArea = 0x10000;  // the guest stream's receive buffer: 64 KB
constexpr auto kStall = std::chrono::seconds(2);

// Datagrams in flight, in blocks of half of it: the sender sends a block, then sleeps until the
// reader is at most one block behind; the reader wakes it once per block. Sleeping, not
// spinning: a spinning sender on a 2-core machine steals the reader's CPU and makes the faster
// side look slower.
class Window {
public:
    explicit Window(uint32_t size) {
        const uint64_t fits = kReceiveArea / ((size + 3) & ~3u) - 1;  // besides the one handed out
        block_ = std::clamp<uint64_t>(fits / 2, 1, 16);
    }
    // Sender: before sending datagram number `sent` (0-based). False after a stall (a loss).
    bool before_send(uint64_t sent) {
        if (sent % block_ != 0 || sent < 2 * block_) return true;
        std::unique_lock lock(mutex_);
        return woken_.wait_for(lock, kStall, [&] { return received_ + block_ >= sent; });
    }
    // Reader: one more datagram taken.
    void received() {
        std::lock_guard lock(mutex_);
        if (++received_ % block_ == 0) woken_.notify_one();
    }
    uint64_t count() {
        std::lock_guard lock(mutex_);
        return received_;
    }

private:
    uint64_t block_;
    std::mutex mutex_;
    std::condition_variable woken_;
    uint64_t received_ = 0;
};

double per_second(uint64_t datagrams, Clock::time_point start) {
    return static_cast<double>(datagrams) / std::chrono::duration<double>(Clock::now() - start).count();
}

void set_receive_timeout(int fd) {
    timeval t{2, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &t, sizeof t);
}

// --- host -> guest ---

double raw_host_to_guest(uint32_t size) {
    UdpSocket sender, receiver;
    set_receive_timeout(receiver.fd);
    Window window(size);
    const auto start = Clock::now();
    std::thread peer([&] {
        std::vector<char> datagram(size, 'x');
        for (uint64_t sent = 0; sent < kDatagrams; ++sent) {
            if (!window.before_send(sent)) return;
            sender.send_to(receiver.port, datagram.data(), size);
        }
    });
    std::vector<char> buffer(size);
    uint64_t got = 0;
    while (got < kDatagrams) {
        if (::recv(receiver.fd, buffer.data(), size, 0) != static_cast<ssize_t>(size)) break;
        window.received();
        ++got;
    }
    peer.join();
    return got == kDatagrams ? per_second(got, start) : 0;
}

double bridge_host_to_guest(uint32_t size) {
    Guest g;
    const uint16_t port = g.udp_create(ram::kPb, ram::kStream, kReceiveArea);
    UdpSocket sender;
    Window window(size);
    const auto start = Clock::now();
    std::thread peer([&] {
        std::vector<char> datagram(size, 'x');
        for (uint64_t sent = 0; sent < kDatagrams; ++sent) {
            if (!window.before_send(sent)) return;
            sender.send_to(port, datagram.data(), size);
        }
    });
    uint64_t got = 0;
    const auto give_up = Clock::now() + std::chrono::seconds(60);
    while (got < kDatagrams && Clock::now() < give_up) {
        g.udp_read(ram::kPb, ram::kStream);
        // UDPRead with no timeout: pending until a datagram comes; stop waiting after a stall.
        const auto stall = Clock::now() + kStall;
        while (g.io_result(ram::kPb) > 0 && Clock::now() < stall) {
            const uint64_t seen = g.host.raised();
            g.bridge.interrupt();
            if (g.io_result(ram::kPb) > 0) g.host.wait_for_raise(seen, std::chrono::milliseconds(5));
        }
        if (g.io_result(ram::kPb) != 0 || g.host.get16(ram::kPb + U::receive::rcvBuffLen.offset) != size) break;
        g.udp_bfr_return(ram::kPb2, ram::kStream, g.host.get32(ram::kPb + U::receive::rcvBuff.offset));
        window.received();
        ++got;
    }
    peer.join();
    return got == kDatagrams ? per_second(got, start) : 0;
}

// --- guest -> host ---

double raw_guest_to_host(uint32_t size) {
    UdpSocket sender, receiver;
    set_receive_timeout(receiver.fd);
    Window window(size);
    const auto start = Clock::now();
    std::thread peer([&] {
        std::vector<char> buffer(size);
        for (uint64_t got = 0; got < kDatagrams;) {
            if (::recv(receiver.fd, buffer.data(), size, 0) != static_cast<ssize_t>(size)) return;
            window.received();
            ++got;
        }
    });
    std::vector<char> datagram(size, 'x');
    for (uint64_t sent = 0; sent < kDatagrams; ++sent) {
        if (!window.before_send(sent)) break;
        sender.send_to(receiver.port, datagram.data(), size);
    }
    peer.join();
    return window.count() == kDatagrams ? per_second(kDatagrams, start) : 0;
}

double bridge_guest_to_host(uint32_t size) {
    Guest g;
    g.udp_create(ram::kPb, ram::kStream, kReceiveArea);
    UdpSocket receiver;
    set_receive_timeout(receiver.fd);
    Window window(size);
    g.put_wds(ram::kWds, ram::kData, static_cast<uint16_t>(size));
    const auto start = Clock::now();
    std::thread peer([&] {
        std::vector<char> buffer(size);
        for (uint64_t got = 0; got < kDatagrams;) {
            if (::recv(receiver.fd, buffer.data(), size, 0) != static_cast<ssize_t>(size)) return;
            window.received();
            ++got;
        }
    });
    for (uint64_t sent = 0; sent < kDatagrams; ++sent) {
        if (!window.before_send(sent)) break;
        g.udp_write(ram::kPb, ram::kStream, receiver.port, ram::kWds);
        if (g.io_result(ram::kPb) != 0) break;
    }
    peer.join();
    return window.count() == kDatagrams ? per_second(kDatagrams, start) : 0;
}

// Arg: datagram payload size.
void same_run(benchmark::State &state, double (*raw)(uint32_t), double (*bridge)(uint32_t)) {
    const auto size = static_cast<uint32_t>(state.range(0));
    SameRun run;
    for (auto _ : state) run.sample([&] { return raw(size) / 1e3; }, [&] { return bridge(size) / 1e3; });
    run.report(state, "kdgps");
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kDatagrams * 2));
}

void BM_UdpHostToGuest(benchmark::State &state) { same_run(state, raw_host_to_guest, bridge_host_to_guest); }
void BM_UdpGuestToHost(benchmark::State &state) { same_run(state, raw_guest_to_host, bridge_guest_to_host); }
BENCHMARK(BM_UdpHostToGuest)->ArgName("bytes")->Arg(64)->Arg(512)->Arg(1460)->Arg(8192)
    ->Unit(benchmark::kMillisecond)->Iterations(5)->UseRealTime();
BENCHMARK(BM_UdpGuestToHost)->ArgName("bytes")->Arg(64)->Arg(512)->Arg(1460)->Arg(8192)
    ->Unit(benchmark::kMillisecond)->Iterations(5)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
