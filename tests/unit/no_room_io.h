// The live host layer with a datagram send queue that is full for the next `no_room` send_to
// calls: each answers EAGAIN without sending, as a host whose queue is full would (loopback
// never fills one: the kernel frees each datagram as it delivers it). For BridgeHarness's
// inject<NoRoomIo>().
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cerrno>

#include "fake_host.h"
#include "net/forwarding_host_io.h"
#include "net/live_host_io.h"

namespace mtb::test {

class NoRoomIo final : public net::ForwardingHostIo {
public:
    explicit NoRoomIo(FakeHost &host) : ForwardingHostIo(live_), live_(host) {}
    int send_to(net::SocketId id, std::span<const iovec> parts, net::Endpoint to) override {
        if (no_room == 0) return ForwardingHostIo::send_to(id, parts, to);
        --no_room;
        ++refused;
        return EAGAIN;
    }
    int no_room = 0;  // send_to calls still to refuse
    int refused = 0;  // send_to calls refused so far

private:
    net::LiveHostIo live_;
};

}  // namespace mtb::test
