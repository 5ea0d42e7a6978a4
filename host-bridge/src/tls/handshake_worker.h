// TLS handshakes off the emulation thread (the 1 ms rule: no call or interrupt drain may hold
// it for more than 1 ms of CPU). Processing a server's whole first flight (key exchange,
// certificate chain and CertificateVerify checks) took 0.6-1.4 ms of CPU in one
// SSL_do_handshake on the test machine (bench/tls_bench.cpp, BM_TlsHandshakeCallCpu), so the
// TLS decorator (tls_host_io.h) hands each handshake step to this one worker thread:
//   - the emulation thread reads the ciphertext that arrived (through the host-operations layer,
//     as always) into the connection's ShuttleTransport and posts the TlsSocket here;
//   - the worker runs TlsSocket::handshake() against the shuttle (no socket: its receive gives
//     the bytes read, its send collects what to send) and hands the TlsSocket back;
//   - the emulation thread sends what the shuttle collected and, once the handshake is over,
//     hands the shuttle over to the socket's real transport (ciphertext the shuttle still holds,
//     e.g. the server's first data behind its last handshake record, is read first).
// While a step is here the emulation thread holds no pointer to its TlsSocket: ownership moves
// with the step (a connection closed meanwhile drops it when it comes back). `notify` (the
// host's raise_interrupt) is called when a finished step is waiting, on the worker thread.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "net/host_io.h"
#include "tls/ciphertext_transport.h"
#include "tls/tls_socket.h"

namespace mtb::tls {

// The handshake's transport while it runs on the worker: ciphertext the emulation thread read
// from the socket in, ciphertext to send out. Touched by one thread at a time (see above).
// After hand_over() it passes everything to the real transport once its input is used up.
class ShuttleTransport final : public CiphertextTransport {
public:
    ssize_t receive(std::span<uint8_t> into) override;
    ssize_t send(std::span<const uint8_t> bytes) override;
    int shutdown_send() override { return then_ ? then_->shutdown_send() : 0; }

    void give(std::span<const uint8_t> bytes) { input_.insert(input_.end(), bytes.begin(), bytes.end()); }
    void end_of_stream() { ended_ = true; }
    void fail(int error) { error_ = error; }
    bool ended() const { return ended_ || error_ != 0; }
    bool has_input() const { return !input_.empty(); }
    std::vector<uint8_t> &output() { return output_; }
    // Only once output() has left.
    void hand_over(std::unique_ptr<CiphertextTransport> then) { then_ = std::move(then); }

private:
    std::deque<uint8_t> input_;
    std::vector<uint8_t> output_;
    bool ended_ = false;
    int error_ = 0;
    std::unique_ptr<CiphertextTransport> then_;
};

class HandshakeWorker {
public:
    struct Step {
        net::SocketId id = net::kNoSocket;
        uint64_t serial = 0;  // tells the connection from a later one on the same id
        std::unique_ptr<TlsSocket> tls;
        TlsEngine::State state = TlsEngine::State::handshaking;  // after the step
    };

    explicit HandshakeWorker(std::function<void()> notify) : notify_(std::move(notify)) {}
    ~HandshakeWorker() { stop(); }
    HandshakeWorker(const HandshakeWorker &) = delete;
    HandshakeWorker &operator=(const HandshakeWorker &) = delete;

    void post(Step step);       // emulation thread; starts the thread on first use
    bool take(Step &finished);  // emulation thread: a finished step, oldest first
    void stop();                // joins the thread; steps not taken are dropped

private:
    void run();

    std::function<void()> notify_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<Step> todo_, done_;
    std::atomic<bool> any_done_{false};  // take() without the lock when nothing finished
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace mtb::tls
