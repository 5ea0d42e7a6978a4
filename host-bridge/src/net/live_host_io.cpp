// SPDX-License-Identifier: GPL-2.0-or-later
#include "net/live_host_io.h"

#include <arpa/inet.h>
#include <csignal>
#include <ctime>
#include <netinet/tcp.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstring>

#include "dnr/dns_resolver.h"
#include "net/network_thread.h"
#include "net/linux_queries.h"

namespace mtb::net {

namespace {

constexpr uint64_t kFlagMask = 0xFF;
constexpr uint64_t kEpochOne = 0x100;
constexpr uint64_t kEpochMask = 0xFFFFFF00;
constexpr uint64_t kStopTag = ~uint64_t{0};
constexpr uint64_t kTimerTag = ~uint64_t{0} - 1;

uint32_t generation_of(uint64_t state) { return static_cast<uint32_t>(state >> 32); }

bool is_datagram(SocketKind kind) {
    return kind == SocketKind::udp || kind == SocketKind::udp6 || kind == SocketKind::icmp_datagram ||
           kind == SocketKind::icmp_raw;
}

// What a socket is registered for; `room`: EPOLLOUT too. A stream socket watches for room all
// the time (TCP sends wait for it, and Linux reports TCP write space only after a send found
// the queue full). A datagram socket would report write space each time a datagram it sent is
// freed, i.e. wake the network thread for every datagram sent, so it watches for room only
// while a send is blocked (LiveHostIo::send_to).
uint32_t interest(bool room) { return EPOLLIN | EPOLLPRI | EPOLLRDHUP | EPOLLET | (room ? EPOLLOUT : 0u); }

uint8_t flags_from_epoll(uint32_t events) {
    uint8_t flags = 0;
    if (events & EPOLLIN) flags |= ready::readable;
    if (events & EPOLLOUT) flags |= ready::writable;
    if (events & EPOLLPRI) flags |= ready::urgent;
    if (events & (EPOLLHUP | EPOLLRDHUP)) flags |= ready::hangup;
    if (events & EPOLLERR) flags |= ready::error;
    return flags;
}

sockaddr_in to_sockaddr(Endpoint endpoint) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(endpoint.host);
    address.sin_port = htons(endpoint.port);
    return address;
}

Endpoint from_sockaddr(const sockaddr_in &address) {
    return {ntohl(address.sin_addr.s_addr), ntohs(address.sin_port)};
}

// Either family: an endpoint with `ipv6` set is an IPv6 socket address (tcp6 sockets).
socklen_t to_sockaddr(const Endpoint &endpoint, sockaddr_storage &out) {
    out = {};
    if (!endpoint.ipv6) {
        const sockaddr_in v4 = to_sockaddr(endpoint);
        std::memcpy(&out, &v4, sizeof v4);
        return sizeof v4;
    }
    sockaddr_in6 v6{};
    v6.sin6_family = AF_INET6;
    v6.sin6_port = htons(endpoint.port);
    std::memcpy(&v6.sin6_addr, endpoint.ipv6->data(), 16);
    std::memcpy(&out, &v6, sizeof v6);
    return sizeof v6;
}

// An IPv4-mapped IPv6 address (a dual-stack socket's IPv4 peer) comes back as plain IPv4.
Endpoint from_sockaddr(const sockaddr_storage &address) {
    if (address.ss_family != AF_INET6) {
        sockaddr_in v4;
        std::memcpy(&v4, &address, sizeof v4);
        return from_sockaddr(v4);
    }
    sockaddr_in6 v6;
    std::memcpy(&v6, &address, sizeof v6);
    Endpoint endpoint{0, ntohs(v6.sin6_port)};
    if (IN6_IS_ADDR_V4MAPPED(&v6.sin6_addr)) {
        uint32_t v4;
        std::memcpy(&v4, &v6.sin6_addr.s6_addr[12], 4);
        endpoint.host = ntohl(v4);
        return endpoint;
    }
    Ipv6Address bytes;
    std::memcpy(bytes.data(), &v6.sin6_addr, 16);
    endpoint.ipv6 = bytes;
    return endpoint;
}

int setsockopt_int(int fd, int level, int name, int value) {
    return ::setsockopt(fd, level, name, &value, sizeof value) == 0 ? 0 : errno;
}

}  // namespace

// c-ares on an Asio thread of its own, started by the first dns_open(). Its answers are queued
// as Event{dns} like every other host result.
struct LiveHostIo::Dns {
    NetworkThread thread;
    std::unique_ptr<dnr::DnsResolver> resolver;
};

LiveHostIo::LiveHostIo(HostEnvironment &host) : host_(&host) {
    epoll_ = ::epoll_create1(EPOLL_CLOEXEC);
    stop_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    timer_ = ::timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
    epoll_event stop_event{EPOLLIN, {.u64 = kStopTag}};
    epoll_event timer_event{EPOLLIN, {.u64 = kTimerTag}};
    ::epoll_ctl(epoll_, EPOLL_CTL_ADD, stop_, &stop_event);
    ::epoll_ctl(epoll_, EPOLL_CTL_ADD, timer_, &timer_event);
    // The emulators handle signals on their own threads (Basilisk II's SIGSEGV handler, timer
    // signals); ours must never receive them.
    sigset_t all, previous;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &previous);
    thread_ = std::thread([this] { run(); });
    pthread_sigmask(SIG_SETMASK, &previous, nullptr);
}

LiveHostIo::~LiveHostIo() {
    shutdown();
    for (auto &chunk : chunks_) delete[] chunk.load();
}

void LiveHostIo::shutdown() {
    if (stopped_) return;
    if (dns_) dns_->thread.stop();  // the resolver dies with the LiveHostIo, its thread now
    stopping_.store(true, std::memory_order_release);
    const uint64_t one = 1;
    [[maybe_unused]] const ssize_t written = ::write(stop_, &one, sizeof one);
    if (thread_.joinable()) thread_.join();
    close_all();
    close_handed_over();
    stopped_ = true;
    for (int fd : {epoll_, stop_, timer_})
        if (fd >= 0) ::close(fd);
    epoll_ = stop_ = timer_ = -1;
    std::lock_guard lock(mutex_);
    changed_.clear();
    answers_.clear();
    wake_due_ = false;
}

void LiveHostIo::close_all() {
    for (uint32_t index = 0; index < next_index_; ++index) {
        Slot *slot = slot_at(index);
        if (slot->fd >= 0) close((slot->generation << 20) | (index + 1), false);
    }
}

// --- the network thread -----------------------------------------------------------------------

void LiveHostIo::run() {
    epoll_event events[64];
    for (;;) {
        const int count = ::epoll_wait(epoll_, events, 64, -1);
        if (count < 0) {
            if (errno == EINTR) continue;
            return;
        }
        for (int i = 0; i < count; ++i) {
            const uint64_t tag = events[i].data.u64;
            if (tag == kStopTag) {
                uint64_t count;
                [[maybe_unused]] const ssize_t got = ::read(stop_, &count, sizeof count);
                close_handed_over();
                if (stopping_.load(std::memory_order_acquire)) return;
                continue;
            }
            if (tag == kTimerTag) {
                uint64_t expirations;
                while (::read(timer_, &expirations, sizeof expirations) > 0) {
                }
                // Raised at every wake-up, not only when the queue was empty: a drain that spent
                // its budget leaves events queued with no interrupt pending and arms a wake-up to
                // come back for them (DriverCore::interrupt's breather). Raised on the transition
                // only, that wake-up was swallowed whenever events were still queued, and the
                // bridge never ran again (issue 13: a sync open and a receive stalled for good).
                {
                    std::lock_guard lock(mutex_);
                    wake_due_ = true;
                }
                host_->raise_interrupt();
                continue;
            }
            note(static_cast<uint32_t>(tag), static_cast<uint32_t>(tag >> 32), flags_from_epoll(events[i].events));
        }
    }
}

void LiveHostIo::note(uint32_t index, uint32_t generation, uint8_t flags) {
    Slot *slot = slot_at(index);
    if (slot == nullptr) return;
    uint64_t old = slot->state.load(std::memory_order_acquire);
    uint64_t updated;
    do {
        if (generation_of(old) != generation) return;  // closed since: not this socket's news
        updated = (old & ~kEpochMask) | ((old + kEpochOne) & kEpochMask) | flags;
    } while (!slot->state.compare_exchange_weak(old, updated, std::memory_order_acq_rel));
    const uint8_t gained = flags & ~static_cast<uint8_t>(old & kFlagMask);
    if (gained == 0 || slot->queued.exchange(true, std::memory_order_acq_rel)) return;
    queue_raise([this, index](std::unique_lock<std::mutex> &) { changed_.push_back(index); });
}

// Adds to the event queue under the lock; the interrupt is raised only when the queue was empty.
void LiveHostIo::queue_raise(const std::function<void(std::unique_lock<std::mutex> &)> &add) {
    std::unique_lock lock(mutex_);
    const bool was_empty = changed_.empty() && !wake_due_ && answers_.empty();
    add(lock);
    lock.unlock();
    if (was_empty) host_->raise_interrupt();
}

// --- clock, wake-ups, events --------------------------------------------------------------

Clock::time_point LiveHostIo::now() { return Clock::now(); }

void LiveHostIo::arm_wake_up(std::optional<Clock::time_point> deadline) {
    if (timer_ < 0) return;
    itimerspec spec{};
    if (deadline) {
        // steady_clock is CLOCK_MONOTONIC on Linux. A deadline already past still fires (1 ns).
        const auto since = deadline->time_since_epoch();
        const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(since);
        spec.it_value.tv_sec = seconds.count();
        spec.it_value.tv_nsec = std::chrono::duration_cast<std::chrono::nanoseconds>(since - seconds).count();
        if (spec.it_value.tv_sec <= 0 && spec.it_value.tv_nsec <= 0) spec.it_value.tv_nsec = 1;
    }
    ::timerfd_settime(timer_, TFD_TIMER_ABSTIME, &spec, nullptr);
}

Clock::duration LiveHostIo::thread_cpu_time() {
    timespec t{};
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return std::chrono::seconds(t.tv_sec) + std::chrono::nanoseconds(t.tv_nsec);
}

bool LiveHostIo::next_event(Event &out) {
    for (;;) {
        if (batch_next_ == batch_.size() && !requeued_.empty()) {
            batch_.clear();
            batch_.swap(requeued_);
            batch_next_ = 0;
        }
        if (batch_next_ == batch_.size()) {
            batch_.clear();
            batch_next_ = 0;
            std::lock_guard lock(mutex_);
            if (wake_due_) {
                wake_due_ = false;
                out = Event{};
                out.kind = Event::Kind::wake;
                return true;
            }
            while (!answers_.empty() && !dns_in_flight_.contains(answers_.front().first)) answers_.pop_front();
            if (!answers_.empty()) {
                dns_in_flight_.erase(answers_.front().first);
                out = Event{};
                out.kind = Event::Kind::dns;
                out.query = answers_.front().first;
                out.answer = std::move(answers_.front().second);
                answers_.pop_front();
                return true;
            }
            if (changed_.empty()) return false;
            batch_.swap(changed_);
        }
        const uint32_t index = batch_[batch_next_++];
        Slot *slot = slot_at(index);
        if (slot == nullptr) continue;
        slot->queued.store(false, std::memory_order_release);
        if (slot->fd < 0) continue;
        const uint8_t flags = static_cast<uint8_t>(slot->state.load(std::memory_order_acquire) & kFlagMask);
        // A blocked datagram socket has room again: stop watching (the edge is consumed here).
        if (slot->watching_room && (flags & ready::writable)) watch_room(*slot, false);
        if (flags == 0) continue;
        out = Event{};
        out.socket = (slot->generation << 20) | (index + 1);
        if (slot->connecting && (flags & (ready::writable | ready::error | ready::hangup))) {
            slot->connecting = false;
            out.kind = Event::Kind::connected;
            out.error = socket_error(out.socket);
            if (out.error == 0 && !(flags & ready::writable)) out.error = ECONNREFUSED;
            return true;
        }
        if (slot->connecting) continue;
        out.kind = Event::Kind::ready;
        out.flags = flags;
        return true;
    }
}

HostNetworkInfo LiveHostIo::network_info() { return discover_host_network(); }

// --- sockets ---------------------------------------------------------------------------------

// A SocketId is the slot index + 1 in its low 20 bits and the slot's generation above, so an
// id kept by mistake after close() does not name the socket that reuses the slot.
LiveHostIo::Slot *LiveHostIo::slot_at(uint32_t index) const {
    if (index >= kChunk * kMaxChunks) return nullptr;
    Slot *chunk = chunks_[index / kChunk].load(std::memory_order_acquire);
    return chunk == nullptr ? nullptr : &chunk[index % kChunk];
}

LiveHostIo::Slot *LiveHostIo::find(SocketId id) const {
    const uint32_t low = id & 0xFFFFF;
    if (low == 0) return nullptr;
    Slot *slot = slot_at(low - 1);
    if (slot == nullptr || slot->fd < 0 || ((slot->generation << 20) | low) != id) return nullptr;
    return slot;
}

SocketId LiveHostIo::adopt(int fd, SocketKind kind) {
    uint32_t index;
    // Recycle slots oldest first and only once many are free, so ids are rarely reused soon.
    if (free_.size() > 64) {
        index = free_.front();
        free_.pop_front();
    } else {
        index = next_index_;
        if (index + 1 >= (1u << 20)) {
            ::close(fd);
            return kNoSocket;
        }
        if (chunks_[index / kChunk].load() == nullptr) {
            Slot *chunk = new Slot[kChunk];
            for (uint32_t i = 0; i < kChunk; ++i) chunk[i].index = index / kChunk * kChunk + i;
            chunks_[index / kChunk].store(chunk);
        }
        ++next_index_;
    }
    Slot &slot = *slot_at(index);
    slot.generation = (slot.generation + 1) & 0xFFF;
    // A datagram socket has room until a send finds none (it is not watched for room till then).
    slot.state.store((uint64_t{slot.generation} << 32) | (is_datagram(kind) ? ready::writable : 0), std::memory_order_release);
    slot.fd = fd;
    slot.kind = kind;
    slot.registered = slot.connecting = slot.mark_seen = slot.watching_room = false;
    slot.send_buffer = 0;
    slot.written = slot.syn_acked = 0;
    ++open_count_;
    return (slot.generation << 20) | (index + 1);
}

// Registered once, edge-triggered, when the socket has something to report: UDP/ICMP at open,
// TCP at connect/listen/accept (a fresh TCP socket would report a meaningless hang-up).
void LiveHostIo::enrol(Slot &slot) {
    if (slot.registered || epoll_ < 0) return;
    slot.registered = true;
    epoll_update(slot, EPOLL_CTL_ADD, !is_datagram(slot.kind));
}

// Datagram sockets only, emulation thread only (so a stop never overtakes a newer start).
// Adding EPOLLOUT reports room at once if it is already back: no edge is lost in between.
void LiveHostIo::watch_room(Slot &slot, bool on) {
    if (slot.watching_room == on || !slot.registered || epoll_ < 0) return;
    slot.watching_room = on;
    epoll_update(slot, EPOLL_CTL_MOD, on);
}

// The event's tag names the slot and its generation, so a report for a closed socket whose slot
// was reused is recognised as stale.
void LiveHostIo::epoll_update(const Slot &slot, int operation, bool with_room) {
    epoll_event event{};
    event.events = interest(with_room);
    event.data.u64 = (uint64_t{slot.generation} << 32) | slot.index;
    ::epoll_ctl(epoll_, operation, slot.fd, &event);
}

void LiveHostIo::clear_flags(Slot &slot, uint64_t seen, uint8_t flags) {
    uint64_t expected = seen;
    if (slot.state.compare_exchange_strong(expected, seen & ~uint64_t{flags}, std::memory_order_acq_rel)) return;
    // The host reported something after we looked: the flag stays, but the network thread saw
    // no transition (it was still set), so the event it would have queued is queued here.
    if (!(expected & flags) || slot.queued.exchange(true, std::memory_order_acq_rel)) return;
    requeued_.push_back(slot.index);
    host_->raise_interrupt();
}

Opened LiveHostIo::open(SocketKind kind) {
    int family = AF_INET, type = SOCK_STREAM, protocol = 0;
    switch (kind) {
    case SocketKind::tcp: break;
    case SocketKind::tcp6: family = AF_INET6; break;
    case SocketKind::udp: type = SOCK_DGRAM; break;
    case SocketKind::udp6: family = AF_INET6, type = SOCK_DGRAM; break;
    case SocketKind::icmp_datagram: type = SOCK_DGRAM, protocol = IPPROTO_ICMP; break;
    case SocketKind::icmp_raw: type = SOCK_RAW, protocol = IPPROTO_ICMP; break;
    }
    const int fd = ::socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol);
    if (fd < 0) return {kNoSocket, errno};
    const SocketId id = adopt(fd, kind);
    if (id == kNoSocket) return {kNoSocket, EMFILE};
    // Dual-stack whatever net.ipv6.bindv6only says: a [::] listener takes IPv4 clients too.
    if (kind == SocketKind::tcp6) setsockopt_int(fd, IPPROTO_IPV6, IPV6_V6ONLY, 0);
    // IPv6 only: a UDP stream's udp6 socket shares its port number with the stream's IPv4 one.
    if (kind == SocketKind::udp6) setsockopt_int(fd, IPPROTO_IPV6, IPV6_V6ONLY, 1);
    if (kind != SocketKind::tcp && kind != SocketKind::tcp6) enrol(*find(id));
    return {id, 0};
}

int LiveHostIo::set_option(SocketId id, Option option, bool on) {
    Slot *slot = find(id);
    if (slot == nullptr) return EBADF;
    const int value = on ? 1 : 0;
    if (slot->kind == SocketKind::udp6) {
        if (option == Option::receive_errors) return setsockopt_int(slot->fd, IPPROTO_IPV6, IPV6_RECVERR, value);
        if (option == Option::packet_info) return setsockopt_int(slot->fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, value);
        if (option == Option::no_checksum) return on ? ENOPROTOOPT : 0;  // IPv6 UDP always has one
    }
    switch (option) {
    case Option::reuse_address: return setsockopt_int(slot->fd, SOL_SOCKET, SO_REUSEADDR, value);
    case Option::no_delay: return setsockopt_int(slot->fd, IPPROTO_TCP, TCP_NODELAY, value);
    case Option::oob_inline: return setsockopt_int(slot->fd, SOL_SOCKET, SO_OOBINLINE, value);
    case Option::broadcast: return setsockopt_int(slot->fd, SOL_SOCKET, SO_BROADCAST, value);
    case Option::receive_errors: return setsockopt_int(slot->fd, IPPROTO_IP, IP_RECVERR, value);
    case Option::packet_info: return setsockopt_int(slot->fd, IPPROTO_IP, IP_PKTINFO, value);
    case Option::no_checksum:
#ifdef SO_NO_CHECK
        return setsockopt_int(slot->fd, SOL_SOCKET, SO_NO_CHECK, value);
#else
        return on ? ENOPROTOOPT : 0;
#endif
    case Option::echo_reply_only: return linux_queries::echo_reply_only(slot->fd, on);
    }
    return EINVAL;
}

int LiveHostIo::bind(SocketId id, Endpoint local) {
    Slot *slot = find(id);
    if (slot == nullptr) return EBADF;
    sockaddr_storage address;
    const socklen_t length = to_sockaddr(local, address);
    return ::bind(slot->fd, reinterpret_cast<const sockaddr *>(&address), length) == 0 ? 0 : errno;
}

std::optional<Endpoint> LiveHostIo::local_endpoint(SocketId id) {
    Slot *slot = find(id);
    if (slot == nullptr) return std::nullopt;
    sockaddr_storage address{};
    socklen_t length = sizeof address;
    if (::getsockname(slot->fd, reinterpret_cast<sockaddr *>(&address), &length) != 0) return std::nullopt;
    return from_sockaddr(address);
}

int LiveHostIo::listen(SocketId id) {
    Slot *slot = find(id);
    if (slot == nullptr) return EBADF;
    if (::listen(slot->fd, SOMAXCONN) != 0) return errno;
    enrol(*slot);
    return 0;
}

int LiveHostIo::connect(SocketId id, Endpoint remote) {
    Slot *slot = find(id);
    if (slot == nullptr) return EBADF;
    sockaddr_storage address;
    const socklen_t address_length = to_sockaddr(remote, address);
    const int result = ::connect(slot->fd, reinterpret_cast<const sockaddr *>(&address), address_length) == 0 ? 0 : errno;
    if (result == EINPROGRESS) slot->connecting = true;
    slot->syn_acked = 1;
    if (result == 0 || result == EINPROGRESS) enrol(*slot);
    return result;
}

Accepted LiveHostIo::accept(SocketId listener) {
    Accepted accepted;
    Slot *slot = find(listener);
    if (slot == nullptr) {
        accepted.error = EBADF;
        return accepted;
    }
    const uint64_t seen = slot->state.load(std::memory_order_acquire);
    sockaddr_storage remote{};
    socklen_t length = sizeof remote;
    const int fd = ::accept4(slot->fd, reinterpret_cast<sockaddr *>(&remote), &length, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
        accepted.error = errno;
        if (accepted.error == EAGAIN || accepted.error == EWOULDBLOCK) clear_flags(*slot, seen, ready::readable);
        return accepted;
    }
    accepted.remote = from_sockaddr(remote);
    sockaddr_storage local{};
    length = sizeof local;
    if (::getsockname(fd, reinterpret_cast<sockaddr *>(&local), &length) == 0) accepted.local = from_sockaddr(local);
    accepted.id = adopt(fd, SocketKind::tcp);
    if (accepted.id == kNoSocket) {
        accepted.error = EMFILE;
        return accepted;
    }
    enrol(*find(accepted.id));
    return accepted;
}

// The emulation thread only forgets the socket and hands its descriptor to the network thread,
// which closes it (a reset's RST, epoll bookkeeping: ~13 us each, too slow for a guest reset of
// 1,000 streams on the emulation thread). Events still on their way are dropped by generation.
void LiveHostIo::close(SocketId id, bool abortive) {
    Slot *slot = find(id);
    if (slot == nullptr) return;
    bool wake;
    {
        std::lock_guard lock(mutex_);
        wake = closing_.empty();
        closing_.push_back({slot->fd, abortive});
    }
    if (wake && stop_ >= 0 && !stopped_) {
        const uint64_t one = 1;
        [[maybe_unused]] const ssize_t written = ::write(stop_, &one, sizeof one);
    }
    slot->fd = -1;
    // A new generation in the shared word: events still on their way are dropped.
    slot->state.store(uint64_t{(slot->generation + 1) & 0xFFF} << 32, std::memory_order_release);
    free_.push_back((id & 0xFFFFF) - 1);
    --open_count_;
}

void LiveHostIo::close_handed_over() {
    std::vector<std::pair<int, bool>> closing;
    {
        std::lock_guard lock(mutex_);
        closing.swap(closing_);
    }
    for (const auto &[fd, abortive] : closing) {
        if (abortive) {
            const linger option{1, 0};
            ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &option, sizeof option);
        }
        ::close(fd);  // also leaves the epoll set
    }
}

uint8_t LiveHostIo::readiness(SocketId id) {
    Slot *slot = find(id);
    return slot == nullptr ? 0 : static_cast<uint8_t>(slot->state.load(std::memory_order_acquire) & kFlagMask);
}

int LiveHostIo::socket_error(SocketId id) {
    Slot *slot = find(id);
    if (slot == nullptr) return EBADF;
    int error = 0;
    socklen_t length = sizeof error;
    if (::getsockopt(slot->fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0) return errno;
    return error;
}

// --- connected TCP sockets ---------------------------------------------------------------

IoResult LiveHostIo::receive(SocketId id, std::span<uint8_t> into) {
    Slot *slot = find(id);
    if (slot == nullptr) return {0, EBADF};
    const uint64_t seen = slot->state.load(std::memory_order_acquire);
    for (;;) {
        const ssize_t n = ::recv(slot->fd, into.data(), into.size(), MSG_DONTWAIT);
        // A short read emptied the receive queue (TCP copies until the span is full or the queue
        // is empty): readable is cleared now, sparing the recv() that would only answer EAGAIN.
        // Not while urgent data (recv stops at the mark), a hang-up (the FIN is still to read)
        // or an error is recorded. Data arriving after the read raises a new edge; if one was
        // noted since `seen`, the flag simply stays (the caller reads on while it is set).
        if (n > 0 && static_cast<std::size_t>(n) < into.size() && !(seen & (ready::urgent | ready::hangup | ready::error))) {
            uint64_t expected = seen;
            slot->state.compare_exchange_strong(expected, seen & ~uint64_t{ready::readable}, std::memory_order_acq_rel);
        }
        if (n >= 0) return {n, 0};
        if (errno == EINTR) continue;
        const IoResult result{0, errno};
        if (result.would_block()) clear_flags(*slot, seen, ready::readable);
        return result;
    }
}

IoResult LiveHostIo::send(SocketId id, std::span<const iovec> parts, bool urgent) {
    Slot *slot = find(id);
    if (slot == nullptr) return {0, EBADF};
    const uint64_t seen = slot->state.load(std::memory_order_acquire);
    msghdr message{};
    message.msg_iov = const_cast<iovec *>(parts.data());
    message.msg_iovlen = std::min<std::size_t>(parts.size(), IOV_MAX);
    const int flags = MSG_DONTWAIT | MSG_NOSIGNAL | (urgent ? MSG_OOB : 0);
    for (;;) {
        // One part (the common one-entry WDS): send() spares the kernel copying in a msghdr and
        // an iovec array, ~10% of a small loopback send.
        const ssize_t n = parts.size() == 1 ? ::send(slot->fd, parts[0].iov_base, parts[0].iov_len, flags)
                                            : ::sendmsg(slot->fd, &message, flags);
        if (n >= 0) {
            slot->written += static_cast<uint64_t>(n);
            return {n, 0};
        }
        if (errno == EINTR) continue;
        const IoResult result{0, errno};
        if (result.would_block()) clear_flags(*slot, seen, ready::writable);
        return result;
    }
}

int LiveHostIo::shutdown_send(SocketId id) {
    Slot *slot = find(id);
    if (slot == nullptr) return EBADF;
    return ::shutdown(slot->fd, SHUT_WR) == 0 ? 0 : errno;
}

// Urgent stays flagged until a look finds the stream past a mark that was seen, with no event
// since that mark was seen (a second urgent byte may have come meanwhile).
bool LiveHostIo::at_mark(SocketId id) {
    Slot *slot = find(id);
    if (slot == nullptr) return false;
    const uint64_t seen = slot->state.load(std::memory_order_acquire);
    const bool marked = ::sockatmark(slot->fd) == 1;
    if (marked) {
        slot->mark_seen = true;
        slot->mark_state = seen;
    } else if (slot->mark_seen) {
        slot->mark_seen = false;
        clear_flags(*slot, slot->mark_state, ready::urgent);
    }
    return marked;
}

TcpInfo LiveHostIo::tcp_info(SocketId id) {
    Slot *slot = find(id);
    return slot == nullptr ? TcpInfo{} : linux_queries::tcp_info(slot->fd, slot->written, slot->syn_acked);
}

uint32_t LiveHostIo::send_buffer_size(SocketId id) {
    Slot *slot = find(id);
    if (slot == nullptr) return 0;
    if (slot->send_buffer == 0) {
        int buffer = 0;
        socklen_t length = sizeof buffer;
        if (::getsockopt(slot->fd, SOL_SOCKET, SO_SNDBUF, &buffer, &length) == 0 && buffer > 0)
            slot->send_buffer = static_cast<uint32_t>(buffer) / 2;
    }
    return slot->send_buffer;
}

// --- datagram sockets ------------------------------------------------------------------

Datagram LiveHostIo::receive_from(SocketId id, std::span<uint8_t> into, bool peek) {
    Datagram datagram;
    Slot *slot = find(id);
    if (slot == nullptr) {
        datagram.error = EBADF;
        return datagram;
    }
    const uint64_t seen = slot->state.load(std::memory_order_acquire);
    sockaddr_storage from{};  // an IPv6 source on udp6 sockets
    iovec part{into.data(), into.size()};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(in6_pktinfo))];
    msghdr message{};
    message.msg_name = &from;
    message.msg_namelen = sizeof from;
    message.msg_iov = &part;
    message.msg_iovlen = 1;
    message.msg_control = control;
    message.msg_controllen = sizeof control;
    // MSG_TRUNC: the return value is the datagram's real length even when `into` is shorter.
    const ssize_t length = ::recvmsg(slot->fd, &message, (peek ? MSG_PEEK : 0) | MSG_DONTWAIT | MSG_TRUNC);
    if (length < 0) {
        datagram.error = errno;
        if (datagram.error == EAGAIN || datagram.error == EWOULDBLOCK) clear_flags(*slot, seen, ready::readable);
        return datagram;
    }
    datagram.length = length;
    datagram.from = from_sockaddr(from);
    for (cmsghdr *c = CMSG_FIRSTHDR(&message); c != nullptr; c = CMSG_NXTHDR(&message, c)) {
        if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
            in_pktinfo info;
            std::memcpy(&info, CMSG_DATA(c), sizeof info);
            datagram.local_host = ntohl(info.ipi_addr.s_addr);
        }
    }
    return datagram;
}

int LiveHostIo::send_to(SocketId id, std::span<const iovec> parts, Endpoint to) {
    Slot *slot = find(id);
    if (slot == nullptr) return EBADF;
    const uint64_t seen = slot->state.load(std::memory_order_acquire);
    sockaddr_storage address;
    msghdr message{};
    message.msg_name = &address;
    message.msg_namelen = to_sockaddr(to, address);
    message.msg_iov = const_cast<iovec *>(parts.data());
    message.msg_iovlen = std::min<std::size_t>(parts.size(), IOV_MAX);
    if (::sendmsg(slot->fd, &message, MSG_DONTWAIT | MSG_NOSIGNAL) >= 0) return 0;
    const int error = errno;
    if (error == EAGAIN || error == EWOULDBLOCK) {
        // No room: writable is cleared and the socket watched for room until it comes back
        // (Event{ready} with writable; next_event stops the watch).
        clear_flags(*slot, seen, ready::writable);
        watch_room(*slot, true);
    }
    return error;
}

// An empty error queue clears the `error` flag, so the next ICMP error is a transition again
// (an Event{ready}); while it stays set no event would come for it.
std::optional<IcmpError> LiveHostIo::take_error(SocketId id) {
    Slot *slot = find(id);
    if (slot == nullptr) return std::nullopt;
    const uint64_t seen = slot->state.load(std::memory_order_acquire);
    auto error = linux_queries::take_error(slot->fd);
    if (!error) clear_flags(*slot, seen, ready::error);
    return error;
}

// --- DNS ----------------------------------------------------------------------------------

std::optional<std::string> LiveHostIo::dns_open(const dnr::ResolverOptions &options) {
    if (stopped_) return std::string("the bridge has shut down");
    if (dns_) dns_->thread.stop();
    dns_.reset();
    auto dns = std::make_unique<Dns>();
    dns->resolver = std::make_unique<dnr::DnsResolver>(dns->thread.context(), options, [this](uint64_t id, dnr::DnsAnswer answer) {
        queue_raise([this, id, &answer](std::unique_lock<std::mutex> &) { answers_.emplace_back(id, std::move(answer)); });
    });
    if (!dns->resolver->usable()) return dns->resolver->setup_problem();
    dns_ = std::move(dns);
    return std::nullopt;
}

void LiveHostIo::dns_start(uint64_t query, dnr::QueryKind kind, const std::string &name, uint32_t address) {
    dns_in_flight_.insert(query);
    if (!dns_) {
        queue_raise([this, query](std::unique_lock<std::mutex> &) { answers_.emplace_back(query, dnr::dns_error(err::noNameServer)); });
        return;
    }
    dns_->resolver->start(query, kind, name, address);
}

void LiveHostIo::dns_cancel_all() {
    if (dns_) dns_->resolver->cancel_all();
    dns_in_flight_.clear();  // answers already on their way are dropped by next_event

}

}  // namespace mtb::net
