// TCP calls (csCodes 30..43). The service is split by job over several files:
//   tcp_service.cpp   dispatch, TCPCreate, TCPRelease, stream registry, reset
//   tcp_open.cpp      TCPActiveOpen, TCPPassiveOpen, accepted connections
//   tcp_send.cpp      TCPSend and the send path (guest RAM -> socket)
//   tcp_receive.cpp   TCPRcv, TCPNoCopyRcv, TCPRcvBfrReturn and the receive path
//   tcp_close.cpp     TCPClose, TCPAbort, termination, ULP timer
//   tcp_status.cpp    TCPStatus, TCPGlobalInfo, TCPExtendedStat
//   tcp_events.cpp    host events (readiness, connect), the data path pump, ASR delivery
//   listener_pool.*   shared host listeners;  receive_ring.*  the receive buffer
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <sys/uio.h>

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <unordered_map>
#include <vector>

#include "driver/call.h"
#include "driver/driver_core.h"
#include "driver/outbox.h"
#include "ip/host_network_info.h"
#include "net/event_router.h"
#include "tcp/listen_config.h"
#include "tcp/listener_pool.h"
#include "tcp/tcp_stream.h"

namespace mtb::dnr {
class LookedUpNames;
}
namespace mtb::tls {
class TlsUpstream;
}

namespace mtb {

class TcpService final : public Service, public net::SocketClient {
public:
    TcpService(DriverCore &core, const HostNetworkInfo &network);
    ~TcpService() override;
    Outcome handle(Call &call) override;
    void reset() override;
    // A connection's socket became ready, or its connect finished (tcp_events.cpp).
    void on_socket_event(const net::Event &event) override;

    // `ipptls` rules and the DNR's memory of which name the guest looked up for an address
    // (the name a TLS connection verifies). Set once by the bridge, before any call.
    void use_tls(const tls::TlsUpstream &upstream, const dnr::LookedUpNames &names) {
        tls_ = &upstream;
        names_ = &names;
    }

    std::size_t stream_count() const { return streams_.size(); }
    std::size_t listener_count() const { return listeners_.size(); }

private:
    // tcp_service.cpp
    Outcome create(Call &call);
    Outcome release(Call &call, TcpStream &stream);
    TcpStream *find(uint32_t stream_ptr);
    TcpStream *find(uint32_t stream_ptr, uint64_t connection);
    bool overlaps_existing(uint32_t start, uint32_t length) const;

    // tcp_open.cpp
    Outcome active_open(Call &call, TcpStream &stream);
    Outcome passive_open(Call &call, TcpStream &stream);
    void on_connected(uint32_t stream_ptr, uint64_t connection, int16_t result);
    void on_accepted(uint16_t guest_port, AcceptedConnection connection);
    void attach(TcpStream &stream, net::SocketId socket);
    void start_connection(TcpStream &stream, uint8_t state);

    // tcp_send.cpp
    Outcome send(Call &call, TcpStream &stream);
    void push_sends(TcpStream &stream, Outbox &out);
    void advance_sends(TcpStream &stream, uint64_t taken, Outbox &out);

    // tcp_receive.cpp
    Outcome receive(Call &call, TcpStream &stream, bool no_copy);
    Outcome buffer_return(Call &call, TcpStream &stream);
    void pull(TcpStream &stream, Outbox &out);
    void serve_receives(TcpStream &stream, Outbox &out);
    bool try_direct_receive(TcpStream &stream, Outbox &out);
    void end_of_stream(TcpStream &stream);
    void receive_failed(TcpStream &stream, int error, Outbox &out);
    void set_receive_timeout(TcpStream &stream, RequestId id, uint8_t seconds);

    // tcp_close.cpp
    Outcome close(Call &call, TcpStream &stream);
    Outcome abort(Call &call, TcpStream &stream);
    void finish_close(TcpStream &stream, Outbox &out);
    // Ends the connection: every pending request completes with `pending_result`, the socket
    // closes (reset unless `graceful`), TCPTerminate(reason) if a connection had come up.
    void terminate(TcpStream &stream, uint16_t reason, int16_t pending_result, Outbox &out, bool graceful = false);
    void update_ulp_timer(TcpStream &stream);
    void on_ulp_timeout(uint32_t stream_ptr, uint64_t connection);
    void close_socket(TcpStream &stream, bool graceful);
    void own_socket(TcpStream &stream, net::SocketId socket);

    // tcp_status.cpp
    Outcome status(Call &call, TcpStream &stream);
    Outcome global_info(Call &call);
    Outcome extended_stat(Call &call, TcpStream &stream);
    void write_connection_stats(const TcpStream &stream, const net::TcpInfo &info);
    void init_connection_stats(const TcpStream &stream);

    // tcp_events.cpp
    // Runs the data path of one stream: socket -> ring -> receives, sends -> socket, close,
    // termination, ASRs. Each step makes a syscall only when the socket's recorded readiness
    // says it can succeed; a step that would block resumes on the socket's next Event{ready}.
    void pump(TcpStream &stream, Outbox &out);
    void resume_soon(TcpStream &stream);
    void resume_next_drain(TcpStream &stream);
    void queue_asr(const TcpStream &stream, uint16_t event, uint16_t reason, Outbox &out);
    void complete_later(RequestId id, int16_t result, Outbox &out,
                        std::function<void(const ParamBlock &)> outputs = {});
    // A receive or send that moved its data: noErr, remembered on the stream if deferred.
    void complete_transfer_later(const TcpStream &stream, RequestId id, Outbox &out,
                                 std::function<void(const ParamBlock &)> outputs = {});

    DriverCore *core_;
    const HostNetworkInfo *network_;
    ListenConfig listen_config_;
    std::map<uint32_t, TcpStream> streams_;  // by StreamPtr (= receive buffer address)
    // The stream find() found last: a busy stream among thousands is looked up several times
    // per call and interrupt, and a map walk of 10,000 nodes misses the cache on every level.
    // Map nodes stay put until erased: cleared wherever streams_ loses an element.
    uint32_t last_found_ptr_ = 0;
    TcpStream *last_found_ = nullptr;
    std::unordered_map<net::SocketId, uint32_t> by_socket_;  // host socket -> StreamPtr
    static constexpr std::size_t kMaxParts = 1024;  // IOV_MAX: pieces gathered per sendmsg
    std::array<iovec, kMaxParts> gather_;            // reused by every send (emulation thread)
    ListenerPool listeners_;
    uint64_t next_connection_ = 1;
    const tls::TlsUpstream *tls_ = nullptr;
    const dnr::LookedUpNames *names_ = nullptr;

    // TCPGlobalInfo's TCPStats counters.
    struct Totals {
        uint32_t attempted = 0, opened = 0, accepted = 0, closed = 0, aborted = 0;
        uint64_t bytes_in = 0, bytes_out = 0;
    } totals_;
};

}  // namespace mtb
