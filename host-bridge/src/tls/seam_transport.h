// Ciphertext through the host-operations layer (net/host_io.h) for one SocketId: the TLS
// decorator's transport once a handshake is over.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cerrno>

#include "net/host_io.h"
#include "tls/ciphertext_transport.h"

namespace mtb::tls {

// Ciphertext through the inner layer's socket: the one data path (and readiness bookkeeping)
// every other connection uses.
class SeamTransport final : public CiphertextTransport {
public:
    SeamTransport(net::HostIo &io, net::SocketId id) : io_(&io), id_(id) {}
    ssize_t receive(std::span<uint8_t> into) override { return result(io_->receive(id_, into)); }
    ssize_t send(std::span<const uint8_t> bytes) override {
        const iovec part{const_cast<uint8_t *>(bytes.data()), bytes.size()};  // sendmsg only reads
        return result(io_->send(id_, std::span(&part, 1), false));
    }
    int shutdown_send() override {
        const int error = io_->shutdown_send(id_);
        if (error == 0 || error == ENOTCONN) return 0;
        errno = error;
        return -1;
    }

private:
    static ssize_t result(const net::IoResult &r) {
        if (r.ok()) return static_cast<ssize_t>(r.bytes);
        errno = r.error;
        return -1;
    }
    net::HostIo *io_;
    net::SocketId id_;
};


}  // namespace mtb::tls
