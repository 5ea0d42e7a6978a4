// ipctlEchoICMP (MacTCP Ping): echo requests through an unprivileged ICMP datagram socket where
// the host allows it, a raw socket when privileged, else a logged timeout result.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "driver/call.h"
#include "driver/driver_core.h"
#include "net/event_router.h"

namespace mtb {

class IcmpEcho final : public net::SocketClient {
public:
    enum class Mode { datagram, raw, none };

    explicit IcmpEcho(DriverCore &core);
    ~IcmpEcho() override;
    Outcome echo(Call &call);
    void reset();
    // The echo socket became readable: replies are taken.
    void on_socket_event(const net::Event &event) override;

    // The way echo requests leave the host (opens the socket on first use).
    Mode mode();
    static const char *mode_name(Mode mode);

private:
    struct Request {
        RequestId id = 0;
        uint32_t pb = 0;
        uint32_t destination = 0;
        uint32_t user_data = 0;       // the request's userDataPtr (50), returned at 68
        uint32_t ticks_out = 0;
        uint32_t icmp_completion = 0;
        uint32_t io_completion = 0;
        bool async = false;
        uint32_t a5 = 0;
    };

    bool open_socket();
    void take_replies();
    void take_replies_soon();
    void finish(uint16_t sequence, int16_t result, std::span<const uint8_t> payload);
    uint16_t next_sequence();
    uint32_t ticks();
    uint32_t store_echoed(std::span<const uint8_t> payload, uint32_t &length);

    DriverCore *core_;
    std::string preference_;  // `ippicmp`: auto (default), datagram, raw, off
    bool tried_ = false;
    Mode mode_ = Mode::none;
    uint16_t identifier_ = 0;  // raw sockets: ours; datagram sockets: the kernel's
    uint16_t sequence_ = 0;
    net::SocketId socket_ = net::kNoSocket;  // through the core's HostIo
    bool replies_scheduled_ = false;         // a take stopped at its budget resumes next interrupt
    std::map<uint16_t, Request> pending_;  // by sequence number
    std::vector<uint8_t> packet_;          // receive buffer (host memory: replies are parsed)
    uint32_t echo_cursor_ = 0;             // next free byte of the scratch echo area
};

}  // namespace mtb
