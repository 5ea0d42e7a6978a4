// Where a TlsSocket's ciphertext goes: a connected TCP socket, named however the caller names
// sockets. FdTransport is a plain non-blocking descriptor (tests, benchmarks); the bridge's TLS
// decorator of the host-operations layer (issue 12's HostIo) supplies one over its SocketIds, so
// the TLS engine never owns a socket and the bridge keeps its one data path.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <span>

namespace mtb::tls {

class CiphertextTransport {
public:
    virtual ~CiphertextTransport() = default;
    // Like recv/send with MSG_DONTWAIT: bytes moved, 0 at the end of the stream (receive), or
    // -1 with errno set (EAGAIN when it would block). Never blocks.
    virtual ssize_t receive(std::span<uint8_t> into) = 0;
    virtual ssize_t send(std::span<const uint8_t> bytes) = 0;
    // Our FIN (shutdown SHUT_WR): 0, or -1 with errno set.
    virtual int shutdown_send() = 0;
};

// A connected socket descriptor, used non-blocking; not owned (the caller closes it).
class FdTransport final : public CiphertextTransport {
public:
    explicit FdTransport(int fd) : fd_(fd) {}
    ssize_t receive(std::span<uint8_t> into) override;
    ssize_t send(std::span<const uint8_t> bytes) override;
    int shutdown_send() override;

private:
    int fd_;
};

}  // namespace mtb::tls
