// One TCP stream as the guest created it (a stream is not a connection: mactcp-reference 7.1).
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <memory>
#include <optional>

#include "driver/request_table.h"

namespace mtb {

// The host socket of a connection. Owned jointly by the stream (emulation thread) and the
// network thread's pending operations; the socket object itself is used on the network thread
// only, which also closes it.
struct HostTcpSocket {
    explicit HostTcpSocket(boost::asio::io_context &io) : socket(io) {}
    boost::asio::ip::tcp::socket socket;
};

struct TcpStream {
    // Guest-visible identity and buffer (TCPCreate). The StreamPtr is the buffer's address.
    uint32_t stream_ptr = 0;
    uint32_t rcv_buff = 0;
    uint32_t rcv_buff_len = 0;
    uint32_t notify_proc = 0;
    uint32_t user_data = 0;
    uint32_t a5 = 0;  // A5 at TCPCreate, for ASRs

    // The connection, if any.
    uint8_t state = 0;  // tcp_state::*
    uint32_t local_host = 0, remote_host = 0;  // host byte order
    uint16_t local_port = 0, remote_port = 0;
    uint8_t ulp_timeout_seconds = 120;
    bool ulp_timeout_abort = true;
    uint8_t tos = 0, precedence = 0;
    std::shared_ptr<HostTcpSocket> socket;
    std::optional<RequestId> open_request;
};

}  // namespace mtb
