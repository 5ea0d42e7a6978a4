// The live HostIo: readiness recorded per socket and reported once per transition, connect
// completion, wake-ups, and every socket closed at shutdown whatever state it is in.
// SPDX-License-Identifier: GPL-2.0-or-later
#include <gtest/gtest.h>

#include <dirent.h>

#include <chrono>
#include <string>

#include "fake_host.h"
#include "net/live_host_io.h"
#include "tcp_test_support.h"

namespace mtb::test {

namespace {

using net::Event;

std::size_t open_descriptors() {
    std::size_t count = 0;
    if (DIR *dir = ::opendir("/proc/self/fd")) {
        while (::readdir(dir) != nullptr) ++count;
        ::closedir(dir);
    }
    return count;
}

// Waits for the next event (the interrupt says when to look).
bool wait_event(FakeHost &host, net::HostIo &io, Event &event, Event::Kind kind) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (std::chrono::steady_clock::now() < deadline) {
        const uint64_t seen = host.raised();
        while (io.next_event(event))
            if (event.kind == kind) return true;
        host.wait_for_raise(seen, std::chrono::milliseconds(50));
    }
    return false;
}

struct Listener {
    int fd = -1;
    uint16_t port = 0;
    Listener() {
        fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::bind(fd, reinterpret_cast<sockaddr *>(&a), sizeof a);
        ::listen(fd, 8);
        socklen_t n = sizeof a;
        ::getsockname(fd, reinterpret_cast<sockaddr *>(&a), &n);
        port = ntohs(a.sin_port);
    }
    ~Listener() { ::close(fd); }
};

}  // namespace

TEST(LiveHostIo, ConnectThenReadinessOncePerTransition) {
    FakeHost host;
    net::LiveHostIo io(host);
    Listener listener;
    const net::Opened opened = io.open(net::SocketKind::tcp);
    ASSERT_NE(opened.id, net::kNoSocket);
    const int started = io.connect(opened.id, {0x7F000001, listener.port});
    ASSERT_TRUE(started == 0 || started == EINPROGRESS);
    Event event;
    if (started == EINPROGRESS) {
        ASSERT_TRUE(wait_event(host, io, event, Event::Kind::connected));
        EXPECT_EQ(event.socket, opened.id);
        EXPECT_EQ(event.error, 0);
    }
    HostPeer peer(::accept(listener.fd, nullptr, nullptr));
    peer.send_all("hello");
    ASSERT_TRUE(wait_event(host, io, event, Event::Kind::ready));
    EXPECT_EQ(event.socket, opened.id);
    EXPECT_TRUE(event.flags & net::ready::readable);
    uint8_t buffer[16];
    const net::IoResult got = io.receive(opened.id, buffer);
    EXPECT_EQ(got.bytes, 5);
    EXPECT_TRUE(io.receive(opened.id, buffer).would_block());
    EXPECT_FALSE(io.readiness(opened.id) & net::ready::readable);  // recorded: nothing to read
    peer.send_all("again");
    ASSERT_TRUE(wait_event(host, io, event, Event::Kind::ready));
    EXPECT_TRUE(io.readiness(opened.id) & net::ready::readable);
    EXPECT_EQ(io.receive(opened.id, buffer).bytes, 5);
    io.close(opened.id, false);
    EXPECT_EQ(io.readiness(opened.id), 0);  // a closed id names nothing
}

TEST(LiveHostIo, RefusedConnectReportsTheError) {
    FakeHost host;
    net::LiveHostIo io(host);
    uint16_t port;
    {
        Listener gone;  // a port nobody listens on any more
        port = gone.port;
    }
    const net::Opened opened = io.open(net::SocketKind::tcp);
    const int started = io.connect(opened.id, {0x7F000001, port});
    if (started == EINPROGRESS) {
        Event event;
        ASSERT_TRUE(wait_event(host, io, event, Event::Kind::connected));
        EXPECT_EQ(event.error, ECONNREFUSED);
    } else {
        EXPECT_EQ(started, ECONNREFUSED);
    }
}

TEST(LiveHostIo, WakeUpArrivesAsAnEvent) {
    FakeHost host;
    net::LiveHostIo io(host);
    io.arm_wake_up(io.now() + std::chrono::milliseconds(5));
    Event event;
    EXPECT_TRUE(wait_event(host, io, event, Event::Kind::wake));
}

// A datagram socket has room from its open (no event needed: it is not watched for room, which
// would wake the network thread for every datagram sent); sends go out, and a datagram that
// arrives is an Event{ready} with readable, room still recorded.
TEST(LiveHostIo, DatagramSocketsHaveRoomFromTheirOpen) {
    FakeHost host;
    net::LiveHostIo io(host);
    const net::SocketId sender = io.open(net::SocketKind::udp).id;
    const net::SocketId receiver = io.open(net::SocketKind::udp).id;
    EXPECT_EQ(io.readiness(sender), net::ready::writable);
    ASSERT_EQ(io.bind(receiver, {0x7F000001, 0}), 0);
    const uint16_t port = io.local_endpoint(receiver)->port;
    char bytes[] = "datagram";
    const iovec part{bytes, sizeof bytes};
    for (int i = 0; i < 100; ++i) ASSERT_EQ(io.send_to(sender, {&part, 1}, {0x7F000001, port}), 0);
    EXPECT_EQ(io.readiness(sender), net::ready::writable);
    Event event;
    ASSERT_TRUE(wait_event(host, io, event, Event::Kind::ready));
    EXPECT_EQ(event.socket, receiver);
    EXPECT_EQ(event.flags, net::ready::readable | net::ready::writable);
    uint8_t into[16];
    const net::Datagram got = io.receive_from(receiver, into, false);
    EXPECT_EQ(got.length, static_cast<int64_t>(sizeof bytes));
}

// A drain that spent its budget leaves events queued with no interrupt pending and arms a
// wake-up to come back for them (DriverCore::interrupt's breather): that wake-up raises the
// interrupt although the queue is not empty. It was raised only on the queue's empty -> non-empty
// transition, so it was swallowed and the bridge never ran again (issue 13: a guest's sync
// TCPActiveOpen, and a receive, stalled for good behind a busy stream).
TEST(LiveHostIo, AWakeUpRaisesTheInterruptWhileEventsAreStillQueued) {
    FakeHost host;
    net::LiveHostIo io(host);
    Listener listener;
    const net::Opened opened = io.open(net::SocketKind::tcp);
    const int started = io.connect(opened.id, {0x7F000001, listener.port});
    ASSERT_TRUE(started == 0 || started == EINPROGRESS);
    ASSERT_TRUE(host.wait_for_raise(0, std::chrono::seconds(5))) << "the connection queued no event";
    // The event stays queued, as a spent drain leaves it; the interrupt it raised was taken.
    const uint64_t seen = host.raised();
    io.arm_wake_up(io.now());
    EXPECT_TRUE(host.wait_for_raise(seen, std::chrono::seconds(5))) << "the wake-up raised no interrupt";
    Event event;
    EXPECT_TRUE(wait_event(host, io, event, Event::Kind::wake));
}

// Issue 13 defect 1: sockets handed to the host layer are closed at shutdown, in every state
// (connecting, listening, bound, plain), with no network-thread work still to run.
TEST(LiveHostIo, ShutdownClosesEverySocket) {
    FakeHost host;
    Listener listener;
    const std::size_t before = open_descriptors();
    {
        net::LiveHostIo io(host);
        const std::size_t with_io = open_descriptors();
        io.connect(io.open(net::SocketKind::tcp).id, {0x7F000001, listener.port});
        const net::SocketId server = io.open(net::SocketKind::tcp).id;
        io.bind(server, {0x7F000001, 0});
        io.listen(server);
        io.open(net::SocketKind::udp);
        io.open(net::SocketKind::tcp);
        EXPECT_EQ(open_descriptors(), with_io + 4);
        EXPECT_EQ(io.open_sockets(), 4u);
        io.shutdown();
        EXPECT_EQ(io.open_sockets(), 0u);
    }
    EXPECT_EQ(open_descriptors(), before);
}

}  // namespace mtb::test
