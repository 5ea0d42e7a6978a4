// SPDX-License-Identifier: GPL-2.0-or-later
#include "ip/icmp_echo.h"

#include <sys/uio.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

#include "dnr/ipv6_mapping_pool.h"
#include "driver/mactcp_codes.h"
#include "driver/scratch_layout.h"
#include "guest/pb_layout.h"
#include "ip/icmp_packet.h"
#include "net/host_errors.h"
#include "net/ipv4_text.h"

namespace mtb {

namespace E = layout::icmp_echo;

namespace {

constexpr uint32_t kMaxEchoPayload = 65535 - 20 - icmp_packet::kHeaderSize;
// The timeout's units are unconfirmed (reference 3.4, "probably seconds"): seconds it is,
// and 0 or a negative value means this default, as the ULP timeout's 0 means a default.
constexpr int kDefaultTimeoutSeconds = 5;

// Replies taken per readiness event (the rest at the next interrupt).
constexpr int kRepliesPerEvent = 64;

}  // namespace

IcmpEcho::IcmpEcho(DriverCore &core) : core_(&core), packet_(65536) {
    preference_ = core.host().pref("ippicmp").value_or("auto");
}

IcmpEcho::~IcmpEcho() = default;

const char *IcmpEcho::mode_name(Mode mode) {
    switch (mode) {
    case Mode::datagram: return "ICMP datagram socket";
    case Mode::raw: return "raw ICMP socket";
    default: return "none";
    }
}

IcmpEcho::Mode IcmpEcho::mode() {
    if (!tried_) open_socket();
    return mode_;
}

// Unprivileged ICMP datagram sockets work when net.ipv4.ping_group_range covers our group;
// raw sockets need CAP_NET_RAW. Tried once, in that order (the pref may force one or none).
bool IcmpEcho::open_socket() {
    tried_ = true;
    net::HostIo &io = core_->io();
    net::Opened opened;
    int datagram_error = 0, raw_error = 0;
    if (preference_ == "auto" || preference_ == "datagram") {
        opened = io.open(net::SocketKind::icmp_datagram);
        if (opened.id != net::kNoSocket) mode_ = Mode::datagram;
        else datagram_error = opened.error;
    }
    if (opened.id == net::kNoSocket && (preference_ == "auto" || preference_ == "raw")) {
        opened = io.open(net::SocketKind::icmp_raw);
        if (opened.id != net::kNoSocket) {
            mode_ = Mode::raw;
            // Only echo replies: a raw socket otherwise sees every ICMP message of the host.
            io.set_option(opened.id, net::Option::echo_reply_only, true);
            // Ours among every echo reply the host receives. From the host clock, which differs
            // between bridges on one host and which a trace records (a replay picks the same).
            const auto ticks = static_cast<uint64_t>(io.now().time_since_epoch().count());
            identifier_ = static_cast<uint16_t>((ticks ^ (ticks >> 16) ^ (ticks >> 32)) ^ 0x4D54);
        } else {
            raw_error = opened.error;
        }
    }
    if (opened.id == net::kNoSocket) {
        mode_ = Mode::none;
        if (preference_ == "off")
            core_->log().warning("ICMP echo disabled (ippicmp=off): ipctlEchoICMP answers icmpEchoTimeoutErr");
        else
            core_->log().warning("ICMP echo unavailable: the host forbids ICMP datagram sockets ({}; see "
                                 "net.ipv4.ping_group_range) and raw sockets ({}): ipctlEchoICMP answers "
                                 "icmpEchoTimeoutErr",
                                 datagram_error ? std::strerror(datagram_error) : "not tried",
                                 raw_error ? std::strerror(raw_error) : "not tried");
        return false;
    }
    socket_ = opened.id;
    core_->router().route(socket_, *this);
    // An `ipplisten` naming one interface: echoes leave from it and only replies addressed to
    // it are seen (a raw socket otherwise sees every echo reply reaching the host).
    const ListenAddress &listen = core_->listen();
    if (listen.names_an_interface()) {
        if (const int error = io.bind(socket_, {listen.address(), 0}); error != 0)
            core_->log().warning("ICMP echo: cannot use the ipplisten address: {}", std::strerror(error));
    }
    core_->log().info("ICMP echo through a {} on {}", mode_name(mode_), listen.names_an_interface() ? format_ipv4(listen.address()) : "every interface");
    return true;
}

uint32_t IcmpEcho::ticks() { return core_->guest_ticks(); }

uint16_t IcmpEcho::next_sequence() {
    do {
        ++sequence_;
    } while (pending_.count(sequence_) != 0);
    return sequence_;
}

Outcome IcmpEcho::echo(Call &call) {
    const ParamBlock &pb = call.pb;
    GuestMemory &memory = core_->memory();
    const uint32_t destination = pb.get(E::dest);
    const uint16_t length = pb.get(E::dataLength);
    const uint32_t data = pb.get(E::dataPtr);
    // The data is one WDS entry (reference 3.4): a bad one is the WDS error.
    const auto payload = memory.bytes(data, length);
    if (length != 0 && (data == 0 || !payload)) return err::invalidWDS;
    if (length > kMaxEchoPayload) return err::ipNoFragMemErr;
    if (pb.get(E::optLength) != 0) core_->log().debug("ipctlEchoICMP: IP options ignored");

    // Requests whose routine is gone (KillIO) no longer wait for their replies.
    for (auto it = pending_.begin(); it != pending_.end();) it = core_->is_pending(it->second.id) ? std::next(it) : pending_.erase(it);

    Request request;
    request.pb = pb.address();
    request.destination = destination;
    request.user_data = pb.get(E::userDataPtr);
    request.icmp_completion = pb.get(E::icmpCompletion);
    request.io_completion = call.completion;
    request.async = call.async;
    request.a5 = call.a5;
    request.ticks_out = ticks();
    request.id = core_->begin_pending(call);
    const uint16_t sequence = next_sequence();
    pending_.emplace(sequence, request);

    const int16_t timeout = pb.get_signed(E::timeout);
    const int seconds = timeout > 0 ? timeout : kDefaultTimeoutSeconds;
    core_->set_request_timeout(request.id, std::chrono::seconds(seconds),
                               [this, sequence] { finish(sequence, err::icmpEchoTimeoutErr, {}); });

    // Requests that cannot leave the host end at once, logged, with the timeout result (the
    // app would see nothing else after waiting); both completion routines still run.
    if (!core_->outgoing().allows(destination)) {
        core_->log().warning("ipctlEchoICMP to {} refused by ippallow", format_ipv4(destination));
        finish(sequence, err::icmpEchoTimeoutErr, {});
        return kPending;
    }
    if (dnr::Ipv6MappingPool::in_pool(destination)) {
        // A stand-in for an IPv6-only host (issue 15): ICMPv6 echo is not carried (it needs a
        // second socket kind and privileges of its own); the request would only time out.
        core_->log().warning("ipctlEchoICMP to {}: a stand-in for an IPv6-only host; echo to IPv6 hosts is not "
                             "supported (answered as a timeout)",
                             format_ipv4(destination));
        finish(sequence, err::icmpEchoTimeoutErr, {});
        return kPending;
    }
    if (mode() == Mode::none) {
        finish(sequence, err::icmpEchoTimeoutErr, {});
        return kPending;
    }
    const std::span<const uint8_t> bytes = payload ? std::span<const uint8_t>(*payload) : std::span<const uint8_t>();
    auto header = icmp_packet::echo_request_header(identifier_, sequence, bytes);
    const iovec parts[2] = {{header.data(), header.size()}, {const_cast<uint8_t *>(bytes.data()), bytes.size()}};
    const std::span<const iovec> gathered(parts, bytes.empty() ? 1 : 2);
    if (const int error = core_->io().send_to(socket_, gathered, {destination, 0}); error != 0) {
        core_->log().info("ipctlEchoICMP to {}: send failed: {}", format_ipv4(destination), std::strerror(error));
        finish(sequence, mactcp_result_for_errno(error, HostOperation::echo, core_->log()), {});
    }
    return kPending;
}

void IcmpEcho::on_socket_event(const net::Event &event) {
    if (event.kind == net::Event::Kind::ready && event.socket == socket_ && (event.flags & net::ready::readable))
        take_replies();
}

// Every reply is taken (the socket's readiness is edge-triggered: it must be read until it
// would block), ours are matched to pending requests by sequence and source.
void IcmpEcho::take_replies() {
    net::HostIo &io = core_->io();
    for (int taken = 0; taken < kRepliesPerEvent; ++taken) {
        if (socket_ == net::kNoSocket) return;
        const net::Datagram got = io.receive_from(socket_, packet_, false);
        if (got.length < 0) {
            if (got.error == EINTR) continue;
            return;  // EAGAIN: all taken (readable is cleared); others: nothing to take
        }
        const bool raw = mode_ == Mode::raw;
        const std::size_t length = std::min<std::size_t>(static_cast<std::size_t>(got.length), packet_.size());
        const auto reply = icmp_packet::parse_echo_reply(std::span<const uint8_t>(packet_.data(), length), raw);
        if (!reply) continue;
        // Datagram sockets: the kernel matched the identifier (it chose it) and strips the IP
        // header; raw sockets see every reply on the host, so ours are picked by identifier.
        if (raw && reply->identifier != identifier_) continue;
        const uint32_t source = raw ? reply->source : got.from.host;
        const auto found = pending_.find(reply->sequence);
        if (found == pending_.end() || found->second.destination != source) continue;
        // The payload lives in packet_, which nothing else writes until finish() returns.
        finish(reply->sequence, err::noErr, reply->payload);
    }
    take_replies_soon();
}

// A take that stopped at its budget: the socket stays flagged readable, so no new event comes;
// the rest is taken at the next interrupt.
void IcmpEcho::take_replies_soon() {
    if (replies_scheduled_) return;
    replies_scheduled_ = true;
    core_->schedule(std::chrono::microseconds(0), [this, socket = socket_] {
        replies_scheduled_ = false;
        if (socket == socket_ && (core_->io().readiness(socket_) & net::ready::readable)) take_replies();
    });
}

uint32_t IcmpEcho::store_echoed(std::span<const uint8_t> payload, uint32_t &length) {
    GuestCallbacks &callbacks = core_->callbacks();
    length = 0;
    if (payload.empty() || !callbacks.has_driver()) return 0;
    length = std::min<uint32_t>(static_cast<uint32_t>(payload.size()), scratch::echoDataSize);
    if (length < payload.size())
        core_->log().info("ipctlEchoICMP: echoed data truncated to {} of {} bytes", length, payload.size());
    if (echo_cursor_ + length > scratch::echoDataSize) echo_cursor_ = 0;
    const uint32_t address = callbacks.scratch() + scratch::echoData + echo_cursor_;
    if (!core_->memory().write(address, payload.data(), length)) {
        length = 0;
        return 0;
    }
    echo_cursor_ = (echo_cursor_ + length + 1) & ~1u;  // keep each payload on an even address
    return address;
}

// Completes the request: result fields, ioResult, then ioCompletion (async calls, by
// DriverCore), then icmpCompletion — C convention like ioCompletion, pb on the stack. Whether
// real MacTCP calls both is unconfirmed (reference 3.4): each non-NIL routine runs once, and
// once only when both are the same routine.
void IcmpEcho::finish(uint16_t sequence, int16_t result, std::span<const uint8_t> payload) {
    const auto found = pending_.find(sequence);
    if (found == pending_.end()) return;
    const Request request = found->second;
    pending_.erase(found);
    const uint32_t ticks_in = result == err::noErr ? ticks() : 0;
    uint32_t echoed_length = 0;
    const uint32_t echoed = result == err::noErr ? store_echoed(payload, echoed_length) : 0;
    const bool completed = core_->complete(request.id, result, [&](const ParamBlock &pb) {
        pb.set(E::echoRequestOut, request.ticks_out);
        pb.set(E::echoReplyIn, ticks_in);
        pb.set(E::echoedDataLength, static_cast<uint16_t>(echoed_length));
        pb.set(E::echoedDataPtr, echoed);
        pb.set(E::replyOptions, 0);
        pb.set(E::replyUserDataPtr, request.user_data);
    });
    if (!completed || request.icmp_completion == 0) return;
    if (request.async && request.icmp_completion == request.io_completion) return;  // already called
    core_->deliver([this, request, result] {
        core_->callbacks().completion(core_->memory(), request.icmp_completion, request.pb, result, request.a5);
    });
}

void IcmpEcho::reset() {
    pending_.clear();
    if (socket_ != net::kNoSocket) {
        core_->router().forget(socket_);
        core_->io().close(socket_, false);
        socket_ = net::kNoSocket;
    }
    replies_scheduled_ = false;  // the core drops its timers on a reset
    tried_ = false;
    mode_ = Mode::none;
    echo_cursor_ = 0;
}

}  // namespace mtb
