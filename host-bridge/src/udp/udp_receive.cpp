// SPDX-License-Identifier: GPL-2.0-or-later
//
// Receiving: a socket's Event{ready} (net/host_io.h) says it is readable or has ICMP errors
// queued; the emulation thread then takes datagrams from the socket straight into the stream's
// receive buffer, never more than it has room for, and hands them to pending reads (or raises
// UDPDataArrival).
#include <algorithm>
#include <cerrno>
#include <chrono>

#include "dnr/dnr_text.h"
#include "driver/mactcp_codes.h"
#include "driver/scratch_layout.h"
#include "guest/pb_layout.h"
#include "net/host_errors.h"
#include "net/ipv4_text.h"
#include "udp/icmp_report.h"
#include "udp/udp_service.h"

namespace mtb {

namespace L = layout::udp;

namespace {

// Datagrams taken per readiness event, so a flood cannot hold the emulation thread; the rest
// is taken at the next interrupt (the socket stays flagged readable, so no new event comes).
constexpr int kDrainBudget = 256;

// UDPRead timeouts below the documented 2-second minimum (clients pass 1) are raised to it,
// as the real driver's minimum implies; 0 means no timeout.
constexpr uint16_t kMinReadTimeoutSeconds = 2;

// Logged on the 1st, 10th, 100th... drop at warning level, every drop at info level.
bool is_power_of_ten(uint64_t n) {
    while (n >= 10 && n % 10 == 0) n /= 10;
    return n == 1;
}

}  // namespace

// Zero-length datagrams take no room (reference 7.8); the pointer a read returns for them is
// the end of the receive buffer, which no stored datagram can start at. BfrReturn of it is
// accepted while zero-length datagrams are out (apps need not return them, some do).
static uint32_t zero_length_pointer(const UdpStream &stream) { return stream.area.base() + stream.area.length(); }

// One datagram record per 4 bytes of buffer at most: bounds the queue of zero-length
// datagrams, which take no room, the way real MacTCP's in-buffer bookkeeping would.
static std::size_t max_queued(const UdpStream &stream) { return std::max<std::size_t>(stream.area.length() / 4, 1); }

Outcome UdpService::read(Call &call, UdpStream &stream, bool multi) {
    while (!stream.reads.empty() && !core_->is_pending(stream.reads.front().request)) stream.reads.pop_front();
    if (!stream.queued.empty() && stream.reads.empty()) {
        const Datagram datagram = stream.queued.front();
        stream.queued.pop_front();
        hand_out(stream, datagram);
        write_read_outputs(call.pb, zero_length_pointer(stream), datagram, multi);
        return err::noErr;
    }
    const uint16_t timeout = call.pb.get(L::receive::timeOut);
    const RequestId request = core_->begin_pending(call);
    stream.reads.push_back({request, multi});
    if (timeout != 0) {
        const auto seconds = std::chrono::seconds(std::max(timeout, kMinReadTimeoutSeconds));
        core_->set_request_timeout(request, seconds, [this, stream_ptr = stream.stream_ptr, serial = stream.serial, request] {
            on_read_timeout(stream_ptr, serial, request);
        });
    }
    return kPending;
}

void UdpService::on_read_timeout(uint32_t stream_ptr, uint64_t serial, RequestId request) {
    if (UdpStream *stream = find(stream_ptr, serial)) {
        auto &reads = stream->reads;
        reads.erase(std::remove_if(reads.begin(), reads.end(), [&](const PendingRead &r) { return r.request == request; }),
                    reads.end());
    }
    core_->complete(request, err::commandTimeout);
}

// A datagram read: the guest owns its bytes until UDPBfrReturn; the next arrival may raise
// UDPDataArrival again.
void UdpService::hand_out(UdpStream &stream, const Datagram &datagram) {
    if (datagram.length != 0)
        stream.handed_out.emplace(datagram.address, datagram);
    else
        ++stream.zero_length_handed_out;
    stream.data_arrival_armed = true;
}

// A datagram handed to a read whose request ended (KillIO, a release, a timeout) before its
// completion ran: it goes back to the head of the queue, for the next read.
void UdpService::give_back(uint32_t stream_ptr, uint64_t serial, const Datagram &datagram) {
    UdpStream *stream = find(stream_ptr, serial);
    if (stream == nullptr) return;
    if (datagram.length != 0) {
        if (stream->handed_out.erase(datagram.address) == 0) return;
    } else {
        if (stream->zero_length_handed_out == 0) return;
        --stream->zero_length_handed_out;
    }
    stream->queued.push_front(datagram);
    Outbox out;
    serve_reads(*stream, out);
}

void UdpService::write_read_outputs(const ParamBlock &pb, uint32_t zero_length_pointer, const Datagram &datagram,
                                    bool multi) {
    pb.set(L::receive::remoteHost, datagram.remote_host);
    pb.set(L::receive::remotePort, datagram.remote_port);
    pb.set(L::receive::rcvBuff, datagram.length != 0 ? datagram.address : zero_length_pointer);
    pb.set(L::receive::rcvBuffLen, static_cast<uint16_t>(datagram.length));
    if (multi) {  // bytes 52..57: UDPMultiRead's block only (DriverCore gives others 52 bytes)
        pb.set(L::receive::destHost, datagram.local_host != 0 ? datagram.local_host : network_->address);
        pb.set(L::receive::destPort, datagram.local_port);
    }
}

// The pointer must be one a read handed out and not yet returned (reference 6: invalidBufPtr
// for "UDP buffer returned that the user does not own"), so a second return of the same
// datagram fails too.
Outcome UdpService::bfr_return(Call &call, UdpStream &stream) {
    const uint32_t address = call.pb.get(L::bfr_return::rcvBuff);
    const auto found = stream.handed_out.find(address);
    if (found != stream.handed_out.end()) {
        stream.area.release(address);
        stream.handed_out.erase(found);
        return err::noErr;
    }
    if (address == zero_length_pointer(stream) && stream.zero_length_handed_out > 0) {
        --stream.zero_length_handed_out;
        return err::noErr;
    }
    return err::invalidBufPtr;
}

void UdpService::on_socket_event(const net::Event &event) {
    if (event.kind != net::Event::Kind::ready) return;
    const auto owner = by_socket_.find(event.socket);
    if (owner == by_socket_.end()) return;
    UdpStream *stream = find(owner->second);
    HostUdpSocket *socket = stream != nullptr ? socket_of(*stream, event.socket) : nullptr;
    if (socket == nullptr) return;
    Outbox out;
    on_ready(*stream, *socket, event.flags, out);
}

HostUdpSocket *UdpService::socket_of(UdpStream &stream, net::SocketId id) {
    for (auto *sockets : {&stream.sockets, &stream.sockets6})
        for (HostUdpSocket &socket : *sockets)
            if (socket.id == id) return &socket;
    return nullptr;
}

// `flags`: the socket's recorded readiness. A syscall runs only when they say it can succeed:
// receive_from while readable, the error queue while an error is flagged (or a send consumed
// an error's notice). Guest-visible effects go to `out` (driver/outbox.h).
void UdpService::on_ready(UdpStream &stream, HostUdpSocket &socket, uint8_t flags, Outbox &out) {
    if ((flags & net::ready::readable) && drain(stream, socket) >= kDrainBudget) schedule_drain(stream);
    if ((flags & net::ready::error) || socket.errors_queued) {
        socket.errors_queued = false;
        report_icmp_errors(stream, socket, out);
    }
    serve_reads(stream, out);
}

// A drain that stopped at its budget goes on at the next interrupt, with every socket of the
// stream still flagged readable.
void UdpService::schedule_drain(UdpStream &stream) {
    if (stream.drain_scheduled) return;
    stream.drain_scheduled = true;
    core_->schedule(std::chrono::microseconds(0), [this, stream_ptr = stream.stream_ptr, serial = stream.serial] {
        UdpStream *stream = find(stream_ptr, serial);
        if (stream == nullptr) return;
        stream->drain_scheduled = false;
        Outbox out;
        for (auto *sockets : {&stream->sockets, &stream->sockets6}) {
            for (HostUdpSocket &socket : *sockets) {
                const uint8_t flags = core_->io().readiness(socket.id);
                if (flags & net::ready::readable) on_ready(*stream, socket, net::ready::readable, out);
            }
        }
    });
}

// One recvmsg per datagram, straight into the largest free extent of the receive buffer, then
// claimed at its real length. A datagram that does not fit is dropped, as a network would drop
// it, never written past the buffer: the reference implies the drop (7.8), and leaving it queued
// on the host would hand the app stale datagrams later. A filtered datagram's bytes land in free
// buffer space the guest does not see. Returns the number of receive_from calls made: the
// budget when it stopped there with the socket possibly still readable.
int UdpService::drain(UdpStream &stream, HostUdpSocket &socket) {
    net::HostIo &io = core_->io();
    // Every recvmsg counts against the budget, errors too: a flood of ICMP errors must not
    // hold the emulation thread either.
    for (int attempt = 0; attempt < kDrainBudget; ++attempt) {
        const bool record_free = stream.queued.size() < max_queued(stream);
        const ReceiveArea::Gap gap = record_free ? stream.area.largest_gap() : ReceiveArea::Gap{};
        std::optional<GuestMemory::WriteSpan> span;
        if (gap.size != 0) {
            if (auto writable = core_->memory().writable(gap.address, gap.size)) span.emplace(std::move(*writable));
        }
        const std::span<uint8_t> into = span ? std::span<uint8_t>(span->data(), span->size()) : std::span<uint8_t>();
        const net::Datagram arrival = io.receive_from(socket.id, into, false);
        // What the kernel wrote into guest RAM, stored or not (the trace records every write).
        if (span) {
            const std::size_t written = arrival.length > 0 ? static_cast<std::size_t>(arrival.length) : 0;
            span->commit(static_cast<uint32_t>(std::min(written, into.size())));
        }
        if (arrival.length < 0) {
            if (arrival.error == EAGAIN || arrival.error == EWOULDBLOCK) return attempt;
            if (is_icmp_notice(arrival.error)) {
                socket.errors_queued = true;  // reported from the error queue
                continue;
            }
            if (arrival.error == EINTR) continue;
            core_->log().error("UDP stream 0x{:08x}: receive failed, errno {}", stream.stream_ptr, arrival.error);
            return attempt;
        }
        const auto length = static_cast<uint32_t>(arrival.length);
        // An IPv6 source is known to the guest by a stand-in (udp_ipv6.cpp), given only to a
        // datagram that is kept.
        net::Datagram seen = arrival;
        if (!invited(stream, arrival.from, stand_in_of(arrival.from, false).value_or(0)))
            note_drop(stream, socket, arrival, stream.dropped_filtered, "from a host the stream never wrote to (ipplisten)");
        else if (length > stream.area.length())
            note_drop(stream, socket, arrival, stream.dropped_too_big, "larger than the whole receive buffer");
        else if (!record_free)
            note_drop(stream, socket, arrival, stream.dropped_full, "receive buffer full (too many datagrams)");
        else if (length > into.size())
            note_drop(stream, socket, arrival, stream.dropped_full, "receive buffer full");
        else if (const auto stand_in = stand_in_of(arrival.from, true); !stand_in)
            note_drop(stream, socket, arrival, stream.dropped_filtered, "no stand-in address free for its IPv6 source");
        else {
            seen.from.host = *stand_in;
            store(stream, socket, seen, gap.address);
        }
    }
    return kDrainBudget;
}

void UdpService::store(UdpStream &stream, const HostUdpSocket &socket, const net::Datagram &arrival, uint32_t at) {
    Datagram datagram;
    datagram.length = static_cast<uint32_t>(arrival.length);
    if (datagram.length != 0) {
        if (!stream.area.claim(at, datagram.length)) return;  // cannot happen: `at` was the free gap
        datagram.address = at;
        if (core_->trace().enabled()) core_->trace().data("to_guest", stream.stream_ptr, datagram.length);
    }
    datagram.remote_host = arrival.from.host;
    datagram.remote_port = arrival.from.port;
    datagram.local_host = arrival.local_host;
    datagram.local_port = socket.port;
    stream.queued.push_back(datagram);
    ++stream.received;
}

void UdpService::note_drop(UdpStream &stream, const HostUdpSocket &socket, const net::Datagram &dropped,
                           uint64_t &counter, const char *why) {
    ++counter;
    const LogLevel level = is_power_of_ten(counter) ? LogLevel::warning : LogLevel::info;
    const std::string from = dropped.from.ipv6 ? fmt::format("[{}]", dnr::format_ipv6(*dropped.from.ipv6))
                                                : format_ipv4(dropped.from.host);
    core_->log().log(level, "UDP stream 0x{:08x} port {}: dropped a {}-byte datagram from {}:{}: {} ({} so far)",
                     stream.stream_ptr, socket.port, dropped.length, from, dropped.from.port, why, counter);
}

// Port unreachable and friends, queued on the socket by IP_RECVERR, become UDPICMPReceived.
void UdpService::report_icmp_errors(UdpStream &stream, HostUdpSocket &socket, Outbox &out) {
    for (int taken = 0; taken < kDrainBudget; ++taken) {
        const auto error = core_->io().take_error(socket.id);
        if (!error) return;
        // SO_EE_ORIGIN_ICMP on IPv4 sockets, SO_EE_ORIGIN_ICMP6 on a stream's udp6 companions.
        const bool icmp6 = error->origin == 3;
        if (error->origin != 2 && !icmp6) continue;
        const auto type = icmp6 ? report_type_for_icmp6(error->type, error->code) : report_type_for(error->type, error->code);
        if (!type) continue;
        // The guest knows an IPv6 host by its stand-in; one it does not know sent it nothing.
        const auto remote_host = stand_in_of(error->offender, false);
        if (!remote_host) continue;
        IcmpReport report;
        report.stream = stream.stream_ptr;
        report.local_host = network_->address;
        report.local_port = socket.port;
        report.remote_host = *remote_host;
        report.remote_port = error->offender.port;
        report.report_type = *type;
        // parmProblem: the offending byte's offset in the IP header (ICMP's pointer field;
        // ICMPv6's is a 32-bit one in ee_info).
        if (*type == icmp_report_type::parmProblem)
            report.optional_info = static_cast<uint16_t>(icmp6 ? std::min<uint32_t>(error->info, 0xFFFF) : error->info >> 24);
        core_->log().info("UDP stream 0x{:08x}: ICMP type {} code {} for {}:{}", stream.stream_ptr, error->type,
                          error->code, format_ipv4(report.remote_host), report.remote_port);
        queue_asr(stream, udp_event::icmpReceived, &report, out);
    }
}

// Hands queued datagrams to pending reads, oldest first; with none pending, raises
// UDPDataArrival once until a read completes again (edge triggered, like TCP's).
void UdpService::serve_reads(UdpStream &stream, Outbox &out) {
    for (;;) {
        while (!stream.reads.empty() && !core_->is_pending(stream.reads.front().request)) stream.reads.pop_front();
        if (stream.queued.empty()) return;
        if (stream.reads.empty()) {
            if (stream.data_arrival_armed && stream.notify_proc != 0) {
                stream.data_arrival_armed = false;
                queue_asr(stream, udp_event::dataArrival, nullptr, out);
            }
            return;
        }
        const PendingRead read = stream.reads.front();
        stream.reads.pop_front();
        const Datagram datagram = stream.queued.front();
        stream.queued.pop_front();
        hand_out(stream, datagram);
        out.add([this, stream_ptr = stream.stream_ptr, serial = stream.serial, zero = zero_length_pointer(stream), read,
                 datagram] {
            // By value: a completion deferred to the next drain runs after this action is gone.
            const auto outputs = [this, zero, datagram, multi = read.multi](const ParamBlock &pb) {
                write_read_outputs(pb, zero, datagram, multi);
            };
            if (!core_->complete(read.request, err::noErr, outputs)) give_back(stream_ptr, serial, datagram);
        });
    }
}

// The ASR runs through the driver's Pascal trampoline with A5 from UDPCreate. Its icmpMsg
// argument is never NIL: one client dereferences it for every event (client-call-sequences
// 5.8), so events other than ICMP get a report holding the stream and its local address with
// every other field 0 (the reference suggests 0 for them; the value is unconfirmed).
void UdpService::queue_asr(const UdpStream &stream, uint16_t event, const IcmpReport *icmp, Outbox &out) {
    if (stream.notify_proc == 0) return;
    IcmpReport report;
    if (icmp != nullptr) {
        report = *icmp;
    } else {
        report.stream = stream.stream_ptr;
        report.local_host = network_->address;
        report.local_port = stream.first_port;
    }
    out.add([this, report, event, routine = stream.notify_proc, user_data = stream.user_data, a5 = stream.a5] {
        core_->deliver([this, report, event, routine, user_data, a5] {
            GuestCallbacks &callbacks = core_->callbacks();
            if (!callbacks.has_driver()) return;
            const uint32_t record = callbacks.scratch() + scratch::icmpReport;
            // Written just before the call: the record is shared and valid only during it.
            write_icmp_report(core_->memory(), record, report);
            callbacks.udp_asr(core_->memory(), routine, report.stream, event, user_data, record, a5);
        });
    });
}

}  // namespace mtb
