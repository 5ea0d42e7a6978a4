// TCPPassiveOpen: host listeners shared per port, filters, port 0, prefs ipplisten/ippportmap,
// command timeouts, aborting a pending open; TCPActiveOpen errors and timeouts.
// SPDX-License-Identifier: GPL-2.0-or-later
#include <gtest/gtest.h>

#include <linux/capability.h>
#include <sys/syscall.h>

#include "tcp/listen_config.h"
#include "tcp_test_support.h"

namespace mtb::test {

constexpr uint32_t kStream = 0x10000;
constexpr uint32_t kStream2 = 0x18000;
constexpr uint32_t kStream3 = 0x20000;

TEST(TcpListen, PortZeroIsVisibleWhileTheOpenIsPending) {
    TcpHarness h;
    ASSERT_EQ(h.create(kStream), 0);
    h.passive_open(0x5000, kStream, 0);
    EXPECT_EQ(h.result(0x5000), err::inProgress);
    const uint16_t port = h.host.get16(0x5000 + T::open::localPort.offset);
    EXPECT_NE(port, 0);
    EXPECT_EQ(h.host.get32(0x5000 + T::open::localHost.offset), 0x7F000001u);  // ipplisten default
    EXPECT_EQ(h.state(kStream), tcp_state::listen);
    EXPECT_EQ(h.status(kStream), 0);  // noErr with state 2 while listening
    HostPeer client = connect_to(port);
    ASSERT_GE(client.fd, 0);
    ASSERT_TRUE(h.wait_done(0x5000));
    EXPECT_EQ(h.result(0x5000), 0);
    EXPECT_EQ(h.host.get32(0x5000 + T::open::remoteHost.offset), 0x7F000001u);
    EXPECT_EQ(h.host.get16(0x5000 + T::open::remotePort.offset), local_port_of(client.fd));
    EXPECT_EQ(h.state(kStream), tcp_state::established);
    client.send_all("hi");
    h.rcv(0x5100, kStream, 0x80000, 10);
    ASSERT_TRUE(h.wait_done(0x5100));
    EXPECT_EQ(h.get_bytes(0x80000, 2), "hi");
    // A second passive open on a connected stream.
    h.passive_open(0x5200, kStream, 0);
    EXPECT_EQ(h.result(0x5200), err::connectionExists);
}

TEST(TcpListen, OneListenerPerPortSharedInIssueOrder) {
    TcpHarness h;
    ASSERT_EQ(h.create(kStream), 0);
    ASSERT_EQ(h.create(kStream2), 0);
    h.passive_open(0x5000, kStream, 0);
    const uint16_t port = h.host.get16(0x5000 + T::open::localPort.offset);
    h.passive_open(0x5100, kStream2, port);  // same port: shares the listener
    EXPECT_EQ(h.result(0x5100), err::inProgress);
    EXPECT_EQ(h.host.get16(0x5100 + T::open::localPort.offset), port);
    HostPeer first = connect_to(port);
    ASSERT_TRUE(h.wait_done(0x5000));
    EXPECT_EQ(h.result(0x5000), 0);
    h.settle();
    EXPECT_EQ(h.result(0x5100), err::inProgress);  // second waiter still waiting
    HostPeer second = connect_to(port);
    ASSERT_TRUE(h.wait_done(0x5100));
    EXPECT_EQ(h.result(0x5100), 0);
    EXPECT_EQ(h.host.get16(0x5100 + T::open::remotePort.offset), local_port_of(second.fd));
    // No waiter left: a connection waits in the backlog through the listener's one-second
    // linger (kept for servers that re-listen at once) and is reset when it ends unused; after
    // it connections are refused.
    h.settle();
    HostPeer unwanted = connect_to(port);
    if (unwanted.fd >= 0) {
        char c;
        pollfd p{unwanted.fd, POLLIN, 0};
        h.pump_until([&] { return ::poll(&p, 1, 0) == 1; }, std::chrono::seconds(2));
        EXPECT_LE(::recv(unwanted.fd, &c, 1, 0), 0);
    }
    h.settle(std::chrono::milliseconds(1300));
    EXPECT_LT(connect_to(port).fd, 0);
}

// A server that re-listens after each session (tcp_server.c, DGD, Tcl): a client that connects
// between the end of one passive open and the next is not reset but taken by the next open.
TEST(TcpListen, AConnectionBetweenTwoOpensOnAPortGoesToTheNextOpen) {
    TcpHarness h;
    ASSERT_EQ(h.create(kStream), 0);
    ASSERT_EQ(h.create(kStream2), 0);
    h.passive_open(0x5000, kStream, 0);
    const uint16_t port = h.host.get16(0x5000 + T::open::localPort.offset);
    HostPeer first = connect_to(port);
    ASSERT_TRUE(h.wait_done(0x5000));
    EXPECT_EQ(h.result(0x5000), 0);
    HostPeer early = connect_to(port);  // nobody listens on the guest side now
    ASSERT_GE(early.fd, 0);
    h.settle(std::chrono::milliseconds(200));
    pollfd p{early.fd, POLLIN, 0};
    EXPECT_EQ(::poll(&p, 1, 0), 0) << "the early connection was reset";
    h.passive_open(0x5100, kStream2, port);
    ASSERT_TRUE(h.wait_done(0x5100));
    EXPECT_EQ(h.result(0x5100), 0);
    EXPECT_EQ(h.host.get16(0x5100 + T::open::remotePort.offset), local_port_of(early.fd));
    early.send_all("late");
    h.rcv(0x5200, kStream2, 0x80000, 10);
    ASSERT_TRUE(h.wait_done(0x5200));
    EXPECT_EQ(h.get_bytes(0x80000, 4), "late");
}

TEST(TcpListen, RemoteFiltersPickTheMatchingOpenAndUnmatchedConnectionsAreReset) {
    TcpHarness h;
    ASSERT_EQ(h.create(kStream), 0);
    ASSERT_EQ(h.create(kStream2), 0);
    // Three clients on ports the kernel picked, named in the filters before they connect.
    HostPeer from1 = bound_client(), from2 = bound_client(), stranger = bound_client();
    ASSERT_GE(from1.fd, 0);
    ASSERT_GE(from2.fd, 0);
    ASSERT_GE(stranger.fd, 0);
    const uint16_t port1 = local_port_of(from1.fd), port2 = local_port_of(from2.fd);
    h.passive_open(0x5000, kStream, 0, 0, 0x7F000001, port1);  // only from port1
    const uint16_t port = h.host.get16(0x5000 + T::open::localPort.offset);
    h.passive_open(0x5100, kStream2, port, 0, 0x7F000001, port2);  // only from port2
    ASSERT_TRUE(connect_from(from2, port));
    ASSERT_TRUE(h.wait_done(0x5100));
    EXPECT_EQ(h.result(0x5100), 0);
    EXPECT_EQ(h.host.get16(0x5100 + T::open::remotePort.offset), port2);
    EXPECT_EQ(h.result(0x5000), err::inProgress);
    ASSERT_TRUE(connect_from(stranger, port));  // the host completes the handshake, then we reset it
    char c;
    pollfd p{stranger.fd, POLLIN, 0};
    h.pump_until([&] { return ::poll(&p, 1, 0) == 1; }, std::chrono::seconds(3));
    EXPECT_EQ(::recv(stranger.fd, &c, 1, 0), -1);
    EXPECT_EQ(h.result(0x5000), err::inProgress);
    ASSERT_TRUE(connect_from(from1, port));
    ASSERT_TRUE(h.wait_done(0x5000));
    EXPECT_EQ(h.result(0x5000), 0);
    EXPECT_EQ(h.host.get16(0x5000 + T::open::remotePort.offset), port1);
}

TEST(TcpListen, CommandTimeoutEndsAPendingOpen) {
    TcpHarness h;
    ASSERT_EQ(h.create(kStream), 0);
    h.passive_open(0x5000, kStream, 0, 1);
    ASSERT_TRUE(h.wait_done(0x5000, std::chrono::seconds(3)));
    EXPECT_EQ(h.result(0x5000), err::commandTimeout);
    EXPECT_EQ(h.state(kStream), 0);
    EXPECT_EQ(h.count_asr(tcp_event::terminate), 0u);  // no connection came up
}

TEST(TcpListen, AbortCancelsAPendingOpenAndFreesThePort) {
    TcpHarness h;
    ASSERT_EQ(h.create(kStream), 0);
    h.passive_open(0x5000, kStream, 0);
    const uint16_t port = h.host.get16(0x5000 + T::open::localPort.offset);
    EXPECT_EQ(h.abort(kStream), 0);
    EXPECT_EQ(h.result(0x5000), err::connectionTerminated);
    h.settle();
    EXPECT_EQ(h.completions(0x5000), 1u);
    EXPECT_EQ(h.count_asr(tcp_event::terminate), 0u);
    // The guest can listen on the same port again at once (SO_REUSEADDR on listeners).
    h.passive_open(0x5100, kStream, port);
    EXPECT_EQ(h.result(0x5100), err::inProgress);
    EXPECT_EQ(h.host.get16(0x5100 + T::open::localPort.offset), port);
    EXPECT_EQ(h.release(kStream), 0);
    EXPECT_EQ(h.result(0x5100), err::connectionTerminated);
}

TEST(TcpListen, ReceiveIssuedWhileListeningWaitsForTheConnection) {
    TcpHarness h;
    ASSERT_EQ(h.create(kStream), 0);
    h.passive_open(0x5000, kStream, 0);
    const uint16_t port = h.host.get16(0x5000 + T::open::localPort.offset);
    h.rcv(0x5100, kStream, 0x80000, 10);
    EXPECT_EQ(h.result(0x5100), err::inProgress);
    h.send_text(0x5200, kStream, 0x81000, "x");
    EXPECT_EQ(h.result(0x5200), err::connectionDoesntExist);  // choice: nothing to send on yet
    h.close(0x5200, kStream);
    EXPECT_EQ(h.result(0x5200), err::connectionDoesntExist);  // choice: nothing to half-close
    HostPeer client = connect_to(port);
    client.send_all("early");
    ASSERT_TRUE(h.wait_done(0x5100));
    EXPECT_EQ(h.result(0x5100), 0);
    EXPECT_EQ(h.get_bytes(0x80000, 5), "early");
}

TEST(TcpListen, PassiveOpenOnAPortTheHostUsesFails) {
    TcpHarness h;
    HostListener other;  // someone else's listener on the host
    ASSERT_EQ(h.create(kStream), 0);
    h.passive_open(0x5000, kStream, other.port);
    EXPECT_EQ(h.result(0x5000), err::duplicateSocket);
    EXPECT_EQ(h.state(kStream), 0);
}

TEST(TcpListen, ListenAddressFromThePref) {
    FakeHost host;  // prefs are read when the bridge is built
    host.prefs["ipplisten"] = "any";
    host.prefs["ipplog"] = "info";
    host.install_driver();
    Bridge bridge(host, host);
    GuestRegs regs;
    regs.d[0] = 0;
    regs.a[1] = FakeHost::kDceAddress;
    bridge.emul_op(regs);
    auto control = [&](uint16_t cs, uint32_t pb) {
        host.put16(pb + 6, 0xA404);
        host.put16(pb + 26, cs);
        GuestRegs r;
        r.d[0] = 2;
        r.a[0] = pb;
        bridge.emul_op(r);
    };
    host.put32(0x4000 + T::create::rcvBuff.offset, kStream);
    host.put32(0x4000 + T::create::rcvBuffLen.offset, 8192);
    control(kTcpCreate, 0x4000);
    host.put32(0x5000 + T::stream.offset, kStream);
    control(kTcpPassiveOpen, 0x5000);
    const uint16_t port = host.get16(0x5000 + T::open::localPort.offset);
    bool logged = false;
    for (const auto &line : host.logs)
        if (line.find("0.0.0.0:" + std::to_string(port)) != std::string::npos) logged = true;
    EXPECT_TRUE(logged);  // every listener is logged with its address
    EXPECT_NE(port, 0);
}

// ipplisten itself: listen_address_test.cpp.
TEST(TcpListen, ListenConfigParsesThePortMap) {
    ListenConfig c;
    EXPECT_EQ(c.address, 0x7F000001u);
    EXPECT_EQ(c.mapped(21), 10021);
    EXPECT_EQ(c.mapped(80), 10080);
    EXPECT_FALSE(c.mapped(1024));
    EXPECT_FALSE(c.set_port_map("20000"));
    EXPECT_EQ(c.mapped(21), 20021);
    EXPECT_FALSE(c.set_port_map("off"));
    EXPECT_FALSE(c.mapped(21));
    EXPECT_TRUE(c.set_port_map("70000"));
}

// Runs `body` on this thread with CAP_NET_BIND_SERVICE dropped from the effective set (threads
// have their own capabilities on Linux), so that a root test run sees ports < 1024 refused.
template <typename Fn>
bool without_bind_capability(Fn &&body) {
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[2]{};
    if (::syscall(SYS_capget, &header, data) != 0) return false;
    const auto saved0 = data[0];
    data[0].effective &= ~(1u << CAP_NET_BIND_SERVICE);
    if (::syscall(SYS_capset, &header, data) != 0) return false;
    body();
    data[0] = saved0;
    ::syscall(SYS_capset, &header, data);
    return true;
}

TEST(TcpListen, RefusedLowPortsAreMappedAndTheGuestSeesItsOwnPort) {
    TcpHarness h;
    ASSERT_EQ(h.create(kStream), 0);
    // Find a guest port whose mapped port is free.
    uint16_t guest_port = 0;
    for (uint16_t candidate = 1000; candidate > 900 && guest_port == 0; --candidate) {
        const int probe = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a.sin_port = htons(static_cast<uint16_t>(candidate + 10000));
        if (::bind(probe, reinterpret_cast<sockaddr *>(&a), sizeof a) == 0) guest_port = candidate;
        ::close(probe);
    }
    ASSERT_NE(guest_port, 0);
    const bool dropped = without_bind_capability([&] { h.passive_open(0x5000, kStream, guest_port); });
    if (!dropped && ::geteuid() == 0) GTEST_SKIP() << "cannot drop CAP_NET_BIND_SERVICE";
    EXPECT_EQ(h.result(0x5000), err::inProgress);
    EXPECT_EQ(h.host.get16(0x5000 + T::open::localPort.offset), guest_port);  // its own port
    bool logged = false;
    for (const auto &line : h.host.logs)
        if (line.find("ippportmap") != std::string::npos && line.find(std::to_string(guest_port + 10000)) != std::string::npos)
            logged = true;
    EXPECT_TRUE(logged);
    HostPeer client = connect_to(static_cast<uint16_t>(guest_port + 10000));
    ASSERT_TRUE(h.wait_done(0x5000));
    EXPECT_EQ(h.result(0x5000), 0);
    EXPECT_EQ(h.state(kStream), tcp_state::established);
}

TEST(TcpListen, ActiveOpenParameterAndStateErrors) {
    TcpHarness h;
    HostListener listener;
    ASSERT_EQ(h.create(kStream), 0);
    h.active_open(0x5000, kStream, 0);
    EXPECT_EQ(h.result(0x5000), err::openFailed);  // no remote port
    h.active_open(0x5000, kStream, listener.port);
    EXPECT_EQ(h.result(0x5000), err::inProgress);
    h.active_open(0x5100, kStream, listener.port);
    EXPECT_EQ(h.result(0x5100), err::connectionExists);  // opening already
    ASSERT_TRUE(h.wait_done(0x5000));
    h.passive_open(0x5100, kStream, 0);
    EXPECT_EQ(h.result(0x5100), err::connectionExists);
    // duplicateSocket: a local port already bound by another connection of ours.
    HostPeer peer = listener.accept();
    h.status(kStream);
    const uint16_t used = h.host.get16(0x4800 + T::status::localPort.offset);
    ASSERT_EQ(h.create(kStream2), 0);
    h.active_open(0x5200, kStream2, listener.port, true, 10, 1, used);
    EXPECT_EQ(h.result(0x5200), err::duplicateSocket);
}

// A loopback listener whose accept queue is full drops SYNs: a local black hole (tests never
// reach outside addresses). The open ends with openFailed at its ULP timeout, 1 s raised to 2.
// Checked by order, not by a wall-clock bound a loaded host can overrun: a 3-second open issued
// first must end after it, and neither ends early (a timeout ignored, not raised, raised too far
// or counted in other units fails it).
TEST(TcpListen, ActiveOpenThatNeverConnectsTimesOutWithOpenFailed) {
    TcpHarness h;
    const int full = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::bind(full, reinterpret_cast<sockaddr *>(&a), sizeof a), 0);
    ASSERT_EQ(::listen(full, 0), 0);
    const uint16_t port = local_port_of(full);
    std::vector<HostPeer> fillers;
    for (int i = 0; i < 3; ++i) {
        const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        sockaddr_in to = a;
        to.sin_port = htons(port);
        ::connect(fd, reinterpret_cast<sockaddr *>(&to), sizeof to);
        fillers.emplace_back(fd);
    }
    // The queue is full once it holds a connection (backlog 0): a listener's TCP_INFO tcpi_unacked
    // is its accept queue's length. Waited for, not slept for.
    auto queued = [&] {
        tcp_info info{};
        socklen_t length = sizeof info;
        return ::getsockopt(full, IPPROTO_TCP, TCP_INFO, &info, &length) == 0 ? info.tcpi_unacked : 0u;
    };
    ASSERT_TRUE(h.pump_until([&] { return queued() >= 1; }));
    constexpr uint32_t kStream4 = 0x28000;
    ASSERT_EQ(h.create(kStream3), 0);
    ASSERT_EQ(h.create(kStream4), 0);
    const auto start = std::chrono::steady_clock::now();
    h.active_open(0x5100, kStream4, port, true, 3, 1);
    h.active_open(0x5000, kStream3, port, true, 1, 1);
    ASSERT_TRUE(h.wait_done(0x5000, std::chrono::seconds(10)));
    EXPECT_EQ(h.result(0x5000), err::openFailed);
    EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(1900));
    ASSERT_TRUE(h.wait_done(0x5100, std::chrono::seconds(10)));
    EXPECT_EQ(h.result(0x5100), err::openFailed);
    EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(2900));
    std::vector<uint32_t> order;  // the pbs of the completion routines run, in order
    for (const auto &call : h.host.calls)
        if (call.addr == FakeHost::kDriverAddress + guest_image::ipp_driver::symbol::ipp_tramp_completion)
            order.push_back(call.regs.a[0]);
    EXPECT_EQ(order, (std::vector<uint32_t>{0x5000, 0x5100}));
    EXPECT_EQ(h.state(kStream3), 0);
    EXPECT_EQ(h.state(kStream4), 0);
    ::close(full);
}

}  // namespace mtb::test
