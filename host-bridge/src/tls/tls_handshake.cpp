// SPDX-License-Identifier: GPL-2.0-or-later
//
// The TLS decorator's handshakes, stepped on the worker thread (tls/handshake_worker.h): the
// emulation thread only moves ciphertext between the socket and the connection's shuttle.
#include <array>
#include <cerrno>

#include "net/ipv4_text.h"
#include "tls/seam_transport.h"
#include "tls/tls_host_io.h"

namespace mtb::tls {

namespace {
// Ciphertext taken from the socket per step: a server's first flight (certificate chain
// included) is a few KB; a bigger one is taken over several steps.
constexpr std::size_t kStepInput = 64 * 1024;
}  // namespace

// Takes what arrived (up to kStepInput, until the socket would block or ends) into the shuttle
// and posts the TlsSocket to the worker when there is news for the engine; the first step (no
// input) writes the ClientHello.
void TlsHostIo::start_step(net::SocketId id, Wrapped &w, bool first) {
    std::array<uint8_t, 16384> chunk;
    std::size_t taken = 0;
    while (taken < kStepInput && !w.shuttle->ended()) {
        const net::IoResult got = inner().receive(id, chunk);
        if (got.ok() && got.bytes > 0) {
            w.shuttle->give(std::span(chunk).first(static_cast<std::size_t>(got.bytes)));
            taken += static_cast<std::size_t>(got.bytes);
        } else if (got.ok()) {
            w.shuttle->end_of_stream();  // the server closed: the step fails the handshake
        } else {
            if (!got.would_block()) w.shuttle->fail(got.error);
            break;
        }
    }
    if (!first && taken == 0 && !w.shuttle->ended()) return;  // nothing new: wait for the next event
    w.stepping = true;
    worker_.post({id, w.serial, std::move(w.tls)});
}

// A step came back: the connection takes its TlsSocket again (unless it was closed meanwhile:
// the step is dropped here, on the emulation thread).
bool TlsHostIo::finish_step(HandshakeWorker::Step &step, net::Event &out) {
    const auto found = wrapped_.find(step.id);
    if (found == wrapped_.end() || found->second.serial != step.serial) return false;
    Wrapped &w = found->second;
    w.tls = std::move(step.tls);
    w.stepping = false;
    if (step.state != TlsEngine::State::handshaking) w.ended = step.state;
    return progress(step.id, w, out);
}

// Between steps, whenever the socket has news: what the last step wrote goes out first (all of
// it before the next step, which writes to the same shuttle); then the handshake ends, or the
// next step takes what arrived.
bool TlsHostIo::progress(net::SocketId id, Wrapped &w, net::Event &out) {
    std::vector<uint8_t> &output = w.shuttle->output();
    while (!output.empty()) {
        const iovec part{output.data(), output.size()};
        const net::IoResult sent = inner().send(id, std::span(&part, 1), false);
        if (sent.would_block()) return false;  // the socket's writable event brings us back
        if (!sent.ok()) {
            if (!w.ended) w.ended = TlsEngine::State::failed;  // the connection ended during the handshake
            output.clear();
            break;
        }
        output.erase(output.begin(), output.begin() + sent.bytes);
    }
    if (w.ended) return conclude(id, w, out);
    if (inner().readiness(id) & (net::ready::readable | net::ready::hangup | net::ready::error)) start_step(id, w, false);
    return false;
}

// The handshake is over and its last flight left: Event{connected} for the TCP service, with
// an error (and ONE log line) when it failed; else the connection's ciphertext now goes through
// the socket.
bool TlsHostIo::conclude(net::SocketId id, Wrapped &w, net::Event &out) {
    w.handshaking = false;
    out = net::Event{};
    out.kind = net::Event::Kind::connected;
    out.socket = id;
    if (*w.ended == TlsEngine::State::failed) {
        const std::string &reason = w.tls->engine().failure();
        log_->error("{}", TlsUpstream::failure_line(w.plan, w.address,
                                                    reason.empty() ? "the connection ended during the TLS handshake" : reason));
        out.error = ECONNREFUSED;  // openFailed, as for a server that refuses
        return true;
    }
    w.shuttle->hand_over(std::make_unique<SeamTransport>(inner(), id));
    if (w.tls->engine().accepted_by_pin())
        log_->info("TLS to {} port {}: certificate accepted by the pinned fingerprint of rule '{}'",
                   w.plan.peer.host_name.empty() ? format_ipv4(w.address) : w.plan.peer.host_name, w.plan.tls_port,
                   w.plan.rule);
    // The handshake may have read application data along with its last flight, and the socket's
    // own readable flag is clear by now: say once what the plaintext stream offers.
    net::Event ready;
    ready.kind = net::Event::Kind::ready;
    ready.socket = id;
    ready.flags = plaintext_readiness(id, w);
    queue_own(ready);
    return true;
}

}  // namespace mtb::tls
