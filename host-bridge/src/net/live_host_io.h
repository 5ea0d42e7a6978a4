// HostIo on Linux: non-blocking sockets used on the emulation thread, one network thread that
// only waits (epoll, edge-triggered, every socket registered once; a timerfd for wake-ups) and
// records readiness per socket, and c-ares for DNS. Every Linux-specific call of the bridge
// (SIOCOUTQ, TCP_INFO, IP_RECVERR, SO_NO_CHECK, linux/*.h) lives behind this class.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <array>
#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_set>
#include <vector>

#include "mactcp_bridge/host_environment.h"
#include "net/host_io.h"

namespace mtb::net {

class LiveHostIo final : public HostIo {
public:
    explicit LiveHostIo(HostEnvironment &host);
    ~LiveHostIo() override;
    LiveHostIo(const LiveHostIo &) = delete;
    LiveHostIo &operator=(const LiveHostIo &) = delete;

    Clock::time_point now() override;
    void arm_wake_up(std::optional<Clock::time_point> deadline) override;
    bool next_event(Event &out) override;
    Clock::duration thread_cpu_time() override;
    void shutdown() override;
    HostNetworkInfo network_info() override;

    Opened open(SocketKind kind) override;
    int set_option(SocketId id, Option option, bool on) override;
    int bind(SocketId id, Endpoint local) override;
    std::optional<Endpoint> local_endpoint(SocketId id) override;
    int listen(SocketId id) override;
    int connect(SocketId id, Endpoint remote) override;
    Accepted accept(SocketId listener) override;
    void close(SocketId id, bool abortive) override;

    uint8_t readiness(SocketId id) override;
    int socket_error(SocketId id) override;

    IoResult receive(SocketId id, std::span<uint8_t> into) override;
    IoResult send(SocketId id, std::span<const iovec> parts, bool urgent) override;
    int shutdown_send(SocketId id) override;
    bool at_mark(SocketId id) override;
    TcpInfo tcp_info(SocketId id) override;
    uint32_t send_buffer_size(SocketId id) override;

    Datagram receive_from(SocketId id, std::span<uint8_t> into, bool peek) override;
    int send_to(SocketId id, std::span<const iovec> parts, Endpoint to) override;
    std::optional<IcmpError> take_error(SocketId id) override;

    std::optional<std::string> dns_open(const dnr::ResolverOptions &options) override;
    void dns_start(uint64_t query, dnr::QueryKind kind, const std::string &name, uint32_t address) override;
    void dns_cancel_all() override;

    // For tests: sockets currently open.
    std::size_t open_sockets() const { return open_count_; }

private:
    // One socket. `state` is shared with the network thread: [generation:32][epoch:24][flags:8].
    // The network thread ORs flags in (and bumps the epoch) only while the generation matches,
    // so a late event for a closed socket never lands on the socket that reuses its slot; the
    // emulation thread clears a flag only if no event arrived since it looked (same epoch).
    struct Slot {
        std::atomic<uint64_t> state{0};
        std::atomic<bool> queued{false};  // its index is in changed_
        // Emulation thread only.
        int fd = -1;
        uint32_t generation = 0;
        SocketKind kind = SocketKind::tcp;
        bool registered = false;
        bool watching_room = false;  // a datagram socket registered for EPOLLOUT (see send_to)
        bool connecting = false;
        bool mark_seen = false;
        uint64_t mark_state = 0;
        uint32_t send_buffer = 0;
        uint64_t written = 0;    // bytes send() handed to the socket
        uint64_t syn_acked = 0;  // 1 for an active open: tcpi_bytes_acked counts its SYN
        uint32_t index = 0;      // its own slot index
    };
    static constexpr uint32_t kChunk = 1024, kMaxChunks = 1024;

    Slot *slot_at(uint32_t index) const;
    Slot *find(SocketId id) const;
    SocketId adopt(int fd, SocketKind kind);
    void enrol(Slot &slot);  // epoll registration, once
    void watch_room(Slot &slot, bool on);  // datagram sockets: EPOLLOUT while a send is blocked
    void epoll_update(const Slot &slot, int operation, bool with_room);  // tag: slot + generation
    void clear_flags(Slot &slot, uint64_t seen, uint8_t flags);
    void run();  // network thread
    void note(uint32_t index, uint32_t generation, uint8_t flags);  // network thread
    void queue_raise(const std::function<void(std::unique_lock<std::mutex> &)> &add);
    void close_all();
    void close_handed_over();  // network thread, and shutdown

    HostEnvironment *host_;
    int epoll_ = -1, stop_ = -1, timer_ = -1;
    std::array<std::atomic<Slot *>, kMaxChunks> chunks_{};
    uint32_t next_index_ = 0;
    std::deque<uint32_t> free_;  // recycled oldest-first
    std::size_t open_count_ = 0;

    // Filled by the network thread (and the DNS thread), drained by next_event().
    std::mutex mutex_;
    std::vector<uint32_t> changed_;
    bool wake_due_ = false;
    std::deque<std::pair<uint64_t, dnr::DnsAnswer>> answers_;
    std::unordered_set<uint64_t> dns_in_flight_;  // emulation thread: started, not answered or cancelled
    // Emulation thread's batch taken from changed_.
    std::vector<uint32_t> batch_;
    std::vector<uint32_t> requeued_;  // emulation thread: see clear_flags
    std::size_t batch_next_ = 0;

    struct Dns;
    std::unique_ptr<Dns> dns_;
    std::thread thread_;
    bool stopped_ = false;
    std::atomic<bool> stopping_{false};
    std::vector<std::pair<int, bool>> closing_;  // descriptors for the network thread to close (mutex_)
};

}  // namespace mtb::net
