// Issue 8: MacPython's `mactcp` module and the NCSA socket library's call sequences, end to end
// through the real plugin. Each case runs one guest program of tests/guest/clients/ with host
// peers on 127.0.0.1 (plain sockets on threads, every wait bounded). tests/README.md maps every
// seed function and member to the case that proves it.
// SPDX-License-Identifier: GPL-2.0-or-later
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "guest_harness.h"
#include "ip/host_network_info.h"
#include "test_dns_server.h"

namespace mtb::guest {
namespace {

using namespace std::chrono_literals;

void set_timeouts(int fd, std::chrono::milliseconds timeout) {
    timeval tv{};
    tv.tv_sec = static_cast<long>(timeout.count() / 1000);
    tv.tv_usec = static_cast<long>((timeout.count() % 1000) * 1000);
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

// Waits for a connection on `listener` for at most `timeout`; -1 if none came.
int accept_within(int listener, std::chrono::milliseconds timeout) {
    pollfd p{listener, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) != 1) return -1;
    const int fd = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd >= 0) set_timeouts(fd, 20s);
    return fd;
}

int connect_with_timeouts(uint16_t port) {
    const int fd = connect_loopback(port);
    if (fd >= 0) set_timeouts(fd, 20s);
    return fd;
}

uint16_t local_port_of(int fd) {
    sockaddr_in address{};
    socklen_t length = sizeof address;
    ::getsockname(fd, reinterpret_cast<sockaddr *>(&address), &length);
    return ntohs(address.sin_port);
}

// A buffered reader over a blocking TCP socket (its own receive timeout bounds every read).
// It notes where the urgent mark was in the byte stream (the socket has SO_OOBINLINE).
class Conn {
public:
    explicit Conn(int fd) : fd_(fd) {
        const int one = 1;
        if (fd_ >= 0) ::setsockopt(fd_, SOL_SOCKET, SO_OOBINLINE, &one, sizeof one);
    }
    ~Conn() { close(); }
    Conn(const Conn &) = delete;
    Conn &operator=(const Conn &) = delete;
    bool ok() const { return fd_ >= 0; }
    int fd() const { return fd_; }
    void close() {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }

    // false on EOF, error or timeout.
    bool fill() {
        if (fd_ < 0) return false;
        if (::sockatmark(fd_) == 1) marks_.push_back(consumed_ + buffer_.size());
        char chunk[4096];
        const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
        if (n <= 0) {
            last_errno_ = n == 0 ? 0 : errno;
            eof_ = n == 0;
            return false;
        }
        buffer_.append(chunk, static_cast<size_t>(n));
        return true;
    }
    bool line(std::string &out) {
        for (;;) {
            const auto at = buffer_.find('\n');
            if (at != std::string::npos) {
                out = buffer_.substr(0, at);
                take(at + 1);
                return true;
            }
            if (!fill()) return false;
        }
    }
    bool bytes(size_t count, std::string &out) {
        while (buffer_.size() < count)
            if (!fill()) return false;
        out = buffer_.substr(0, count);
        take(count);
        return true;
    }
    // Reads (and drops) until EOF or an error; true on a clean EOF.
    bool until_eof() {
        while (fill()) buffer_.clear();
        return eof_;
    }
    int last_errno() const { return last_errno_; }
    uint64_t consumed() const { return consumed_; }
    const std::vector<uint64_t> &marks() const { return marks_; }
    bool send(const std::string &text, int flags = 0) {
        return ::send(fd_, text.data(), text.size(), MSG_NOSIGNAL | flags) == static_cast<ssize_t>(text.size());
    }

private:
    void take(size_t n) {
        buffer_.erase(0, n);
        consumed_ += n;
    }
    int fd_;
    std::string buffer_;
    uint64_t consumed_ = 0;
    std::vector<uint64_t> marks_;
    int last_errno_ = 0;
    bool eof_ = false;
};

// A host peer on its own thread, joined by the destructor (the peer's own waits are bounded).
class Peer {
public:
    explicit Peer(std::function<void()> body) : thread_(std::move(body)) {}
    ~Peer() {
        if (thread_.joinable()) thread_.join();
    }

private:
    std::thread thread_;
};

std::map<std::string, std::string> control(const LoopbackListener &listener,
                                           std::map<std::string, std::string> params = {}) {
    params["control_port"] = std::to_string(listener.port());
    return params;
}

}  // namespace

// ---- MacPython `mactcp` ------------------------------------------------------------------

TEST(Clients, MacPythonModuleFunctions) {
    const HostNetworkInfo network = discover_host_network();
    const uint32_t expected_mtu = std::clamp<uint32_t>(network.mtu - 28, 548, 65507);
    run("clients_macpython_globals", {{"expected_addr", std::to_string(network.address)},
                                      {"expected_mask", std::to_string(network.netmask)},
                                      {"expected_mtu", std::to_string(expected_mtu)}});
}

TEST(Clients, MacPythonClientSession) {
    LoopbackListener server;
    Peer peer([&] {
        {
            Conn c(accept_within(server.fd(), 30s));
            ASSERT_TRUE(c.ok()) << "the guest never connected";
            ASSERT_TRUE(c.send("220 ready\n"));
            std::string line, payload;
            ASSERT_TRUE(c.line(line));
            EXPECT_EQ(line, "UNREAD");
            ASSERT_TRUE(c.send("0123456789"));
            ASSERT_TRUE(c.line(line));
            ASSERT_EQ(line, "ECHO 1500");
            ASSERT_TRUE(c.bytes(1500, payload));
            ASSERT_TRUE(c.send(payload));
            ASSERT_TRUE(c.line(line));
            ASSERT_EQ(line, "URG 3");
            const uint64_t start = c.consumed();
            ASSERT_TRUE(c.bytes(3, payload));
            EXPECT_EQ(payload, "abc");
            long mark = -1;
            for (const uint64_t m : c.marks())
                if (m >= start && m < start + 3) mark = static_cast<long>(m - start);
            ASSERT_TRUE(c.send("mark " + std::to_string(mark) + "\n"));
            ASSERT_TRUE(c.line(line));
            EXPECT_EQ(line, "SENDURG");
            ASSERT_TRUE(c.send("XY", MSG_OOB));
            EXPECT_TRUE(c.until_eof()) << "no clean FIN from the guest's Close, errno " << c.last_errno();
        }
        {
            Conn c(accept_within(server.fd(), 30s));
            ASSERT_TRUE(c.ok()) << "the guest's second session never connected";
            ASSERT_TRUE(c.send("abort\n"));
            EXPECT_FALSE(c.until_eof()) << "Abort should reset the connection";
            EXPECT_EQ(c.last_errno(), ECONNRESET);
        }
    });
    run("clients_macpython_client",
        {{"server_port", std::to_string(server.port())}, {"closed_port", std::to_string(closed_loopback_port())}},
        options(60s));
}

TEST(Clients, MacPythonServerSession) {
    LoopbackListener control_listener;
    const uint16_t fixed_port = closed_loopback_port();
    Peer peer([&] {
        Conn ctl(accept_within(control_listener.fd(), 30s));
        ASSERT_TRUE(ctl.ok()) << "no control connection";
        std::string line;
        ASSERT_TRUE(ctl.line(line));
        ASSERT_EQ(line.rfind("port ", 0), 0u) << line;
        const uint16_t port = static_cast<uint16_t>(std::stoul(line.substr(5)));
        {
            Conn c(connect_with_timeouts(port));
            ASSERT_TRUE(c.ok()) << "cannot connect to the guest's passive open on " << port;
            ASSERT_TRUE(ctl.send("client " + std::to_string(local_port_of(c.fd())) + "\n"));
            ASSERT_TRUE(ctl.line(line));
            ASSERT_EQ(line, "go");
            ASSERT_TRUE(c.send("hello from host\n"));
            ASSERT_TRUE(c.line(line));
            EXPECT_EQ(line, "hello from mac");
            ::shutdown(c.fd(), SHUT_WR);
            EXPECT_TRUE(c.until_eof()) << "errno " << c.last_errno();
        }
        ASSERT_TRUE(ctl.line(line));
        ASSERT_EQ(line, "listening");
        {
            Conn c(connect_with_timeouts(fixed_port));
            ASSERT_TRUE(c.ok()) << "cannot connect to the guest's passive open on " << fixed_port;
            ASSERT_TRUE(c.send("bye\n"));
            c.until_eof();
        }
        ASSERT_TRUE(ctl.line(line));
        ASSERT_EQ(line.rfind("port ", 0), 0u) << line;
        {
            Conn c(connect_with_timeouts(static_cast<uint16_t>(std::stoul(line.substr(5)))));
            ASSERT_TRUE(c.ok()) << "cannot connect to the guest's third passive open";
            ASSERT_TRUE(ctl.line(line));  // held open until the guest is done with it
            EXPECT_EQ(line, "done");
        }
        ctl.until_eof();
    });
    run("clients_macpython_server", control(control_listener, {{"fixed_port", std::to_string(fixed_port)}}),
        options(60s));
}

TEST(Clients, MacPythonUdpRequestResponse) {
    const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr *>(&address), sizeof address), 0);
    set_timeouts(fd, 500ms);
    const uint16_t peer_port = local_port_of(fd);
    std::thread peer([fd] {
        const auto deadline = std::chrono::steady_clock::now() + 60s;
        while (std::chrono::steady_clock::now() < deadline) {
            char buffer[2048];
            sockaddr_in from{};
            socklen_t length = sizeof from;
            const ssize_t n = ::recvfrom(fd, buffer, sizeof buffer, 0, reinterpret_cast<sockaddr *>(&from), &length);
            if (n < 0) continue;
            const std::string text(buffer, static_cast<size_t>(n));
            auto reply = [&](const std::string &answer) {
                ::sendto(fd, answer.data(), answer.size(), 0, reinterpret_cast<sockaddr *>(&from), length);
            };
            if (text == "quit") break;
            if (text == "whoami") reply("from " + std::to_string(ntohs(from.sin_port)));
            else if (text.rfind("ping ", 0) == 0) reply("pong " + text.substr(5));
            else if (text == "later") { std::this_thread::sleep_for(300ms); reply("late"); }
            else if (text == "slow") { std::this_thread::sleep_for(2500ms); reply("slow reply"); }
            else if (text == "empty") { reply(""); reply("after empty"); }
            else if (text == "burst") { reply("d1"); reply("d2"); reply("d3"); }
            else if (text.rfind("len", 0) == 0) reply("len " + std::to_string(text.size()));
        }
    });
    run("clients_macpython_udp", {{"peer_port", std::to_string(peer_port)}}, options(60s));
    const int wake = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);  // ends the peer if the guest failed early
    address.sin_port = htons(peer_port);
    ::sendto(wake, "quit", 4, 0, reinterpret_cast<sockaddr *>(&address), sizeof address);
    ::close(wake);
    peer.join();
    ::close(fd);
}

// Issue 8, item 3: the connection ends between Rcv's NoCopyRcv and its BfrReturn.
TEST(Clients, MacPythonRcvWhenTheConnectionEndsBeforeBfrReturn) {
    LoopbackListener server;
    Peer peer([&] {
        Conn c(accept_within(server.fd(), 30s));
        ASSERT_TRUE(c.ok()) << "the guest never connected";
        EXPECT_TRUE(c.until_eof()) << "errno " << c.last_errno();  // the script's Close()
        ASSERT_TRUE(c.send("last one\n"));
        ::shutdown(c.fd(), SHUT_WR);
    });
    run("clients_macpython_rcv_at_close", {{"server_port", std::to_string(server.port())}}, options(60s));
}

// ---- The NCSA socket library's patterns (client-call-sequences 3) -------------------------

TEST(Clients, NcsaSeveralSendsInFlight) {
    LoopbackListener server;
    const int small = 4096;  // inherited by the accepted socket: the guest's sends back up soon
    ::setsockopt(server.fd(), SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    Peer peer([&] {
        Conn c(accept_within(server.fd(), 30s));
        ASSERT_TRUE(c.ok()) << "the guest never connected";
        // Not a byte is read until the guest, with all four sends outstanding, connects again.
        Conn go(accept_within(server.fd(), 60s));
        ASSERT_TRUE(go.ok()) << "the guest never had four sends in flight";
        unsigned long sum = 0;
        size_t count = 0, wrong = SIZE_MAX;
        char chunk[65536];
        for (;;) {
            const ssize_t n = ::recv(c.fd(), chunk, sizeof chunk, 0);
            if (n <= 0) {
                EXPECT_EQ(n, 0) << "errno " << errno;
                break;
            }
            for (ssize_t j = 0; j < n; ++j, ++count) {
                const size_t k = count % 16384;
                const auto expected = static_cast<unsigned char>((k * 31 + k / 256) & 0xFF);
                if (static_cast<unsigned char>(chunk[j]) != expected && wrong == SIZE_MAX) wrong = count;
                sum += static_cast<unsigned char>(chunk[j]);
            }
        }
        EXPECT_EQ(wrong, SIZE_MAX) << "first wrong byte";
        ASSERT_TRUE(c.send("got " + std::to_string(count) + " " + std::to_string(sum) + "\n"));
        ::shutdown(c.fd(), SHUT_WR);
        c.until_eof();
    });
    run("clients_ncsa_send_many", {{"server_port", std::to_string(server.port())}}, options(60s));
}

TEST(Clients, NcsaRcvReissuedFromCompletion) {
    LoopbackListener server;
    Peer peer([&] {
        Conn c(accept_within(server.fd(), 30s));
        ASSERT_TRUE(c.ok()) << "the guest never connected";
        std::string data(20000, '\0');
        for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>('a' + i % 23);
        for (size_t offset = 0; offset < data.size(); offset += 2000) {
            ASSERT_TRUE(c.send(data.substr(offset, 2000)));
            std::this_thread::sleep_for(offset % 6000 == 0 ? 300ms : 20ms);
        }
        c.until_eof();
    });
    run("clients_ncsa_rcv_reissue", {{"server_port", std::to_string(server.port())}}, options(60s));
}

TEST(Clients, NcsaListenSpinAndAcceptByRelisten) {
    LoopbackListener control_listener;
    Peer peer([&] {
        Conn ctl(accept_within(control_listener.fd(), 30s));
        ASSERT_TRUE(ctl.ok()) << "no control connection";
        std::string line;
        ASSERT_TRUE(ctl.line(line));
        ASSERT_EQ(line.rfind("port ", 0), 0u) << line;
        const uint16_t port = static_cast<uint16_t>(std::stoul(line.substr(5)));
        Conn first(connect_with_timeouts(port));
        ASSERT_TRUE(first.ok()) << "cannot connect to the guest's listen() on " << port;
        ASSERT_TRUE(ctl.line(line));
        ASSERT_EQ(line, "relistening");
        Conn second(connect_with_timeouts(port));
        ASSERT_TRUE(second.ok()) << "cannot connect to the guest's second listen() on " << port;
        ASSERT_TRUE(first.send("one\n"));
        ASSERT_TRUE(second.send("two\n"));
        ASSERT_TRUE(first.line(line));
        EXPECT_EQ(line, "ack one");
        ASSERT_TRUE(second.line(line));
        EXPECT_EQ(line, "ack two");
        ASSERT_TRUE(ctl.line(line));
        EXPECT_EQ(line, "done");
        ctl.until_eof();
    });
    run("clients_ncsa_listen_accept", control(control_listener), options(60s));
}

TEST(Clients, NcsaCloseByStatusPollingAndDrain) {
    LoopbackListener server;
    Peer peer([&] {
        Conn c(accept_within(server.fd(), 30s));
        ASSERT_TRUE(c.ok()) << "the guest never connected";
        std::string data;
        ASSERT_TRUE(c.bytes(6000, data));
        EXPECT_EQ(data.substr(0, 12), "012345678901");
        // The guest's FIN comes next; the tail goes out after it (guest in FIN Wait 2).
        std::string rest;
        EXPECT_FALSE(c.bytes(1, rest)) << "unexpected data";
        EXPECT_EQ(c.last_errno(), 0) << "expected a clean FIN";
        ASSERT_TRUE(c.send("got 6000; goodbye\n"));
        ::shutdown(c.fd(), SHUT_WR);
        c.until_eof();
    });
    run("clients_ncsa_close", {{"server_port", std::to_string(server.port())}}, options(60s));
}

// ---- DNR: MacPython `macdnr` and the NCSA library's inet_addr/gethostbyname --------------

machine::MachineOptions dnr_options(const test::TestDnsServer &dns) {
    machine::MachineOptions o = options(60s);
    // Every name these programs look up is answered by the server at once (none is silent), so
    // the resolver's per-try timeout only matters when the server's thread is kept off the CPU:
    // generous, or a starved run would answer noAnsErr where the contract says noErr.
    o.prefs["ippdns"] = dns.pref(2000, 2);
    machine::VirtualFile cdev;  // the bridge's DNR control panel, where dnr.c looks first
    cdev.folder = machine::VirtualFile::Folder::control_panels;
    cdev.macbinary_path = MTB_DNR_CDEV;
    o.files.push_back(cdev);
    return o;
}

TEST(Clients, MacPythonMacdnr) {
    test::TestDnsServer dns;
    dns.add_standard_zone();
    run("clients_macpython_macdnr", {}, dnr_options(dns));
}

TEST(Clients, NcsaInetAddrWithoutResultProc) {
    test::TestDnsServer dns;
    dns.add_standard_zone();
    run("clients_ncsa_inet_addr", {}, dnr_options(dns));
}

}  // namespace mtb::guest
