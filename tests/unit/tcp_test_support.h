// Helpers for the TCP unit tests: parameter blocks on fake guest RAM, host-side peers on
// loopback, and the ASR calls the bridge made.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <string>
#include <vector>

#include "bridge_harness.h"
#include "driver/mactcp_codes.h"
#include "mactcp_bridge/ipp_driver_image.h"

namespace mtb::test {

namespace T = layout::tcp;

enum : uint16_t {
    kTcpCreate = 30, kTcpPassiveOpen = 31, kTcpActiveOpen = 32, kTcpSend = 34, kTcpNoCopyRcv = 35,
    kTcpRcvBfrReturn = 36, kTcpRcv = 37, kTcpClose = 38, kTcpAbort = 39, kTcpStatus = 40,
    kTcpExtendedStat = 41, kTcpRelease = 42, kTcpGlobalInfo = 43
};

constexpr uint32_t kAsrRoutine = 0xA000;
constexpr uint32_t kCompletionRoutine = 0x9000;

// A connected pair of loopback sockets' host side, blocking with a timeout.
struct HostPeer {
    int fd = -1;
    HostPeer() = default;
    explicit HostPeer(int f) : fd(f) {}
    HostPeer(HostPeer &&o) noexcept : fd(o.fd) { o.fd = -1; }
    HostPeer &operator=(HostPeer &&o) noexcept {
        std::swap(fd, o.fd);
        return *this;
    }
    ~HostPeer() {
        if (fd >= 0) ::close(fd);
    }
    void send_all(const std::string &data, int flags = 0) const {
        std::size_t done = 0;
        while (done < data.size()) {
            const ssize_t n = ::send(fd, data.data() + done, data.size() - done, flags | MSG_NOSIGNAL);
            if (n <= 0) return;
            done += static_cast<std::size_t>(n);
        }
    }
    // Reads exactly `count` bytes or until EOF/timeout.
    std::string read(std::size_t count, int timeout_ms = 3000) const {
        std::string out;
        while (out.size() < count) {
            pollfd p{fd, POLLIN, 0};
            if (::poll(&p, 1, timeout_ms) <= 0) break;
            char buffer[65536];
            const ssize_t n = ::recv(fd, buffer, std::min(sizeof buffer, count - out.size()), 0);
            if (n <= 0) break;
            out.append(buffer, static_cast<std::size_t>(n));
        }
        return out;
    }
    // True when the peer's FIN arrives (recv returns 0) within the timeout.
    bool sees_eof(int timeout_ms = 3000) const {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, timeout_ms) <= 0) return false;
        char c;
        return ::recv(fd, &c, 1, MSG_PEEK) == 0;
    }
    void reset() {  // close with RST
        linger l{1, 0};
        ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
        ::close(fd);
        fd = -1;
    }
    void shutdown_write() const { ::shutdown(fd, SHUT_WR); }
};

struct HostListener {
    int fd = -1;
    uint16_t port = 0;
    // receive_buffer > 0: SO_RCVBUF of accepted sockets (a slow peer's small window).
    explicit HostListener(int receive_buffer = 0) {
        fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (receive_buffer > 0) ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::bind(fd, reinterpret_cast<sockaddr *>(&a), sizeof a);
        ::listen(fd, 64);
        socklen_t l = sizeof a;
        ::getsockname(fd, reinterpret_cast<sockaddr *>(&a), &l);
        port = ntohs(a.sin_port);
    }
    ~HostListener() { ::close(fd); }
    HostPeer accept(int timeout_ms = 3000) const {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, timeout_ms) <= 0) return HostPeer();
        return HostPeer(::accept4(fd, nullptr, nullptr, SOCK_CLOEXEC));
    }
};

// A host client connecting to 127.0.0.1:port (blocking connect).
inline HostPeer connect_to(uint16_t port, uint32_t address = INADDR_LOOPBACK, uint16_t from_port = 0) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (from_port != 0) {
        const int one = 1;
        ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in b{};
        b.sin_family = AF_INET;
        b.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        b.sin_port = htons(from_port);
        ::bind(fd, reinterpret_cast<sockaddr *>(&b), sizeof b);
    }
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(address);
    a.sin_port = htons(port);
    if (::connect(fd, reinterpret_cast<sockaddr *>(&a), sizeof a) != 0) {
        ::close(fd);
        return HostPeer();
    }
    return HostPeer(fd);
}

// A host client socket bound to 127.0.0.1 on a port the kernel picks, not yet connected: a test
// that must name the client's port before it connects (remote filters) asks local_port_of() and
// then calls connect_from(). Never a fixed port: other tests run at the same time.
inline HostPeer bound_client() {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in b{};
    b.sin_family = AF_INET;
    b.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(fd, reinterpret_cast<sockaddr *>(&b), sizeof b) != 0) {
        ::close(fd);
        return HostPeer();
    }
    return HostPeer(fd);
}

// Connects a bound_client() to 127.0.0.1:port (blocking); false on failure.
inline bool connect_from(const HostPeer &client, uint16_t port) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port);
    return client.fd >= 0 && ::connect(client.fd, reinterpret_cast<sockaddr *>(&a), sizeof a) == 0;
}

inline uint16_t local_port_of(int fd) {
    sockaddr_in a{};
    socklen_t l = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr *>(&a), &l);
    return ntohs(a.sin_port);
}

struct AsrCall {
    uint32_t stream;
    uint16_t event;
    uint32_t user_data;
    uint16_t reason;
    uint32_t icmp;
};

// The bridge plus TCP call helpers. Every call takes its pb address, so that several requests
// can be pending at once.
class TcpHarness : public BridgeHarness {
public:
    using BridgeHarness::BridgeHarness;
    void clear_pb(uint32_t pb) {
        for (uint32_t i = 0; i < T::size; ++i) host.put8(pb + i, 0);
    }
    int16_t result(uint32_t pb) { return io_result(pb); }

    int16_t create(uint32_t buffer, uint32_t length = 16384, uint32_t asr = kAsrRoutine, uint32_t user = 0x55AA,
                   uint32_t pb = 0x4000) {
        clear_pb(pb);
        host.put32(pb + T::create::rcvBuff.offset, buffer);
        host.put32(pb + T::create::rcvBuffLen.offset, length);
        host.put32(pb + T::create::notifyProc.offset, asr);
        host.put32(pb + T::create::userDataPtr.offset, user);
        control(kTcpCreate, pb);
        return io_result(pb);
    }

    void active_open(uint32_t pb, uint32_t stream, uint16_t port, bool async = true, uint8_t ulp = 10,
                     uint8_t action = 1, uint16_t local_port = 0, uint32_t host_address = 0x7F000001) {
        clear_pb(pb);
        host.put32(pb + T::stream.offset, stream);
        host.put32(pb + T::open::remoteHost.offset, host_address);
        host.put16(pb + T::open::remotePort.offset, port);
        host.put16(pb + T::open::localPort.offset, local_port);
        host.put8(pb + T::open::validityFlags.offset, 0xC0);
        host.put8(pb + T::open::ulpTimeoutValue.offset, ulp);
        host.put8(pb + T::open::ulpTimeoutAction.offset, action);
        control(kTcpActiveOpen, pb, async, async ? kCompletionRoutine : 0);
    }

    void passive_open(uint32_t pb, uint32_t stream, uint16_t local_port, uint8_t command_timeout = 0,
                      uint32_t remote_host = 0, uint16_t remote_port = 0) {
        clear_pb(pb);
        host.put32(pb + T::stream.offset, stream);
        host.put16(pb + T::open::localPort.offset, local_port);
        host.put32(pb + T::open::remoteHost.offset, remote_host);
        host.put16(pb + T::open::remotePort.offset, remote_port);
        host.put8(pb + T::open::commandTimeoutValue.offset, command_timeout);
        host.put8(pb + T::open::validityFlags.offset, 0xC0);
        host.put8(pb + T::open::ulpTimeoutValue.offset, 30);
        host.put8(pb + T::open::ulpTimeoutAction.offset, 0);
        control(kTcpPassiveOpen, pb, true, kCompletionRoutine);
    }

    // Writes `data` at `at` and a one-entry WDS (plus terminator) at `wds`.
    void put_bytes(uint32_t at, const std::string &data) { std::memcpy(host.ram.data() + at, data.data(), data.size()); }
    std::string get_bytes(uint32_t at, uint32_t length) {
        return std::string(reinterpret_cast<const char *>(host.ram.data() + at), length);
    }
    void put_wds(uint32_t wds, const std::vector<std::pair<uint16_t, uint32_t>> &entries) {
        uint32_t at = wds;
        for (const auto &[length, ptr] : entries) {
            host.put16(at, length);
            host.put32(at + 2, ptr);
            at += 6;
        }
        host.put16(at, 0);
    }

    void send(uint32_t pb, uint32_t stream, uint32_t wds, bool async = true, bool urgent = false, bool push = true) {
        clear_pb(pb);
        host.put32(pb + T::stream.offset, stream);
        host.put32(pb + T::send::wdsPtr.offset, wds);
        host.put8(pb + T::send::pushFlag.offset, push ? 1 : 0);
        host.put8(pb + T::send::urgentFlag.offset, urgent ? 1 : 0);
        control(kTcpSend, pb, async, async ? kCompletionRoutine : 0);
    }
    // Sends `data` from guest RAM at `buffer` (WDS just before it at buffer - 16).
    void send_text(uint32_t pb, uint32_t stream, uint32_t buffer, const std::string &data, bool urgent = false) {
        put_bytes(buffer, data);
        put_wds(buffer - 16, {{static_cast<uint16_t>(data.size()), buffer}});
        send(pb, stream, buffer - 16, true, urgent);
    }

    void rcv(uint32_t pb, uint32_t stream, uint32_t buffer, uint16_t length, uint8_t timeout = 0, bool async = true) {
        clear_pb(pb);
        host.put32(pb + T::stream.offset, stream);
        host.put32(pb + T::receive::rcvBuff.offset, buffer);
        host.put16(pb + T::receive::rcvBuffLen.offset, length);
        host.put8(pb + T::receive::commandTimeoutValue.offset, timeout);
        control(kTcpRcv, pb, async, async ? kCompletionRoutine : 0);
    }
    uint16_t rcv_length(uint32_t pb) { return host.get16(pb + T::receive::rcvBuffLen.offset); }

    void no_copy_rcv(uint32_t pb, uint32_t stream, uint32_t rds, uint16_t entries, uint8_t timeout = 0) {
        clear_pb(pb);
        host.put32(pb + T::stream.offset, stream);
        host.put32(pb + T::receive::rdsPtr.offset, rds);
        host.put16(pb + T::receive::rdsLength.offset, entries);
        host.put8(pb + T::receive::commandTimeoutValue.offset, timeout);
        control(kTcpNoCopyRcv, pb, true, kCompletionRoutine);
    }
    // The bytes an RDS names, concatenated.
    std::string rds_data(uint32_t rds) {
        std::string out;
        for (uint32_t at = rds;; at += 6) {
            const uint16_t length = host.get16(at);
            if (length == 0) break;
            out += get_bytes(host.get32(at + 2), length);
        }
        return out;
    }
    int16_t bfr_return(uint32_t pb, uint32_t stream, uint32_t rds) {
        clear_pb(pb);
        host.put32(pb + T::stream.offset, stream);
        host.put32(pb + T::receive::rdsPtr.offset, rds);
        control(kTcpRcvBfrReturn, pb);
        return io_result(pb);
    }

    void close(uint32_t pb, uint32_t stream, bool async = true) {
        clear_pb(pb);
        host.put32(pb + T::stream.offset, stream);
        control(kTcpClose, pb, async, async ? kCompletionRoutine : 0);
    }
    int16_t simple(uint16_t cs_code, uint32_t stream, uint32_t pb = 0x4800) {
        clear_pb(pb);
        host.put32(pb + T::stream.offset, stream);
        control(cs_code, pb);
        return io_result(pb);
    }
    int16_t status(uint32_t stream, uint32_t pb = 0x4800) { return simple(kTcpStatus, stream, pb); }
    uint8_t state(uint32_t stream) {
        status(stream);
        return host.get8(0x4800 + T::status::connectionState.offset);
    }
    // TCPStatus amtUnreadData of `stream` (0 when the call fails): what a test waits on before
    // it checks what the bridge did with data the host peer sent.
    uint16_t unread(uint32_t stream) {
        return status(stream) == 0 ? host.get16(0x4800 + T::status::amtUnreadData.offset) : 0;
    }
    int16_t abort(uint32_t stream) { return simple(kTcpAbort, stream); }
    int16_t release(uint32_t stream) { return simple(kTcpRelease, stream); }

    bool wait_done(uint32_t pb, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
        return pump_until([&] { return io_result(pb) <= 0; }, timeout);
    }
    // Pumps for `time` whatever happens: only a grace period for something that must NOT happen
    // (a second completion, more data taken); never a wait for something that must happen, which
    // a loaded host can delay past any fixed time (pump_until that instead).
    void settle(std::chrono::milliseconds time = std::chrono::milliseconds(100)) {
        pump_until([] { return false; }, time);
    }

    std::vector<AsrCall> asrs() const {
        std::vector<AsrCall> out;
        for (const auto &call : host.calls) {
            if (call.addr != FakeHost::kDriverAddress + guest_image::ipp_driver::symbol::ipp_tramp_tcp_asr) continue;
            out.push_back({call.regs.a[0], static_cast<uint16_t>(call.regs.d[0]), call.regs.a[2],
                           static_cast<uint16_t>(call.regs.d[1]), call.regs.a[1]});
        }
        return out;
    }
    std::size_t count_asr(uint16_t event, uint32_t stream = 0) const {
        std::size_t n = 0;
        for (const auto &a : asrs())
            if (a.event == event && (stream == 0 || a.stream == stream)) ++n;
        return n;
    }
    // Completion routine calls for the pb at `pb`.
    std::size_t completions(uint32_t pb) const {
        std::size_t n = 0;
        for (const auto &call : host.calls)
            if (call.addr == FakeHost::kDriverAddress + guest_image::ipp_driver::symbol::ipp_tramp_completion &&
                call.regs.a[0] == pb)
                ++n;
        return n;
    }

    // A stream at `buffer` connected to a fresh host peer (through `listener`).
    HostPeer connected_stream(const HostListener &listener, uint32_t buffer, uint32_t length = 16384,
                              uint32_t pb = 0x4100) {
        EXPECT_EQ(create(buffer, length), 0);
        active_open(pb, buffer, listener.port);
        EXPECT_TRUE(wait_done(pb));
        EXPECT_EQ(io_result(pb), 0);
        return listener.accept();
    }
};

}  // namespace mtb::test
