// One TCP stream as the guest created it (a stream is not a connection: mactcp-reference 7.1),
// with the requests pending on it and the state of its current connection.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "driver/request_table.h"
#include "driver/timer_queue.h"
#include "net/host_io.h"
#include "tcp/lazy_fifo.h"
#include "tcp/receive_ring.h"

namespace mtb {

// Reserved at the start of the receive buffer: the TCPConnectionStats block that TCPStatus's
// connStatPtr points at (86 bytes, rounded up to keep the ring even).
inline constexpr uint32_t kConnectionStatsReserve = 88;

struct PendingSend {
    RequestId id;
    std::vector<RingPiece> pieces;  // the WDS entries, checked against RAM at issue
    uint32_t total = 0;
    uint32_t sent = 0;
    // Where the unsent bytes start: pieces[next_piece] from byte piece_offset, so that every
    // round gathers from there (linear in the WDS entries however often the socket fills).
    std::size_t next_piece = 0;
    uint32_t piece_offset = 0;
    bool urgent = false;
};

struct PendingReceive {
    RequestId id;
    bool no_copy = false;   // TCPNoCopyRcv (RDS) rather than TCPRcv (copy)
    uint32_t buffer = 0;    // TCPRcv: destination
    uint16_t length = 0;    // TCPRcv: its size
    uint32_t rds = 0;       // TCPNoCopyRcv: the RDS array
    uint16_t rds_entries = 0;
};

struct TcpStream {
    // Guest-visible identity and buffer (TCPCreate). The StreamPtr is the buffer's address.
    uint32_t stream_ptr = 0;
    uint32_t rcv_buff = 0;
    uint32_t rcv_buff_len = 0;
    uint32_t notify_proc = 0;
    uint32_t user_data = 0;
    uint32_t a5 = 0;  // A5 at TCPCreate, for ASRs
    ReceiveRing ring;

    // The connection, if any. `connection` changes with every open, so that events about an
    // older connection of the same stream are recognised and dropped.
    uint64_t connection = 0;
    bool established = false;  // a connection came up (TCPTerminate is owed when it ends)
    uint32_t local_host = 0, remote_host = 0;  // host byte order
    // A pool stand-in for an IPv6 host this connection holds (never remapped while held), or 0.
    uint32_t ipv6_stand_in = 0;
    uint16_t local_port = 0, remote_port = 0;
    uint8_t ulp_timeout_seconds = 120;
    bool ulp_timeout_abort = true;
    uint8_t tos = 0, precedence = 0;
    // The host socket (HostIo handle) from the active open or the accept until the connection
    // ends; `attached` once the connection is up.
    net::SocketId socket = net::kNoSocket;
    bool attached = false;

    // Opening.
    std::optional<RequestId> open_request;
    bool passive = false;
    uint16_t listen_port = 0;  // guest port of the shared listener we wait on
    uint32_t filter_host = 0;  // passive open: 0 = anyone
    uint16_t filter_port = 0;

    // Data and closing.
    LazyFifo<PendingSend> sends;
    LazyFifo<PendingReceive> receives;
    std::optional<RequestId> close_request;
    bool close_issued = false;  // TCPClose accepted (later sends: connectionClosing)
    bool fin_sent = false;      // shutdown(SHUT_WR) done
    bool peer_fin = false;      // the socket reported end of stream
    bool closing_reported = false;  // TCPClosing delivered: peer done and all data read
    bool peer_closed_first = false;
    bool data_arrival_armed = true;  // TCPDataArrival is edge-triggered
    bool ended_gracefully = false;   // the last connection ended with both FINs (reason 7)
    std::optional<uint64_t> urgent_begin, urgent_end;  // stream offsets of urgent data
    bool urgent_announced = false;  // TCPUrgent ASR or urgentFlag delivered for it
    std::optional<TimerQueue::TimerId> ulp_timer;
    bool resume_scheduled = false;
    // Receives and sends this connection finished whose completion waits for the next drain
    // (DriverCore::is_deferred): still pending for the guest, so an abort ends them too.
    std::vector<RequestId> deferred;  // a pump stopped at its bound continues at the next interrupt

    // Counters for TCPStatus, TCPConnectionStats and TCPGlobalInfo.
    uint64_t bytes_sent = 0, bytes_received = 0;
    uint32_t sends_done = 0, receives_done = 0;
    uint32_t send_buffer = 0;  // the socket's usable send queue, read once (TCPStatus)
    bool connected() const { return attached; }
    bool opening() const { return !attached && open_request.has_value(); }
};

// The connectionState TCPStatus reports (mactcp-reference 7.2), derived from what the host
// socket told us rather than stored, so it cannot drift from reality.
uint8_t connection_state(const TcpStream &stream);

}  // namespace mtb
