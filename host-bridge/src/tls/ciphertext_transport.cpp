// SPDX-License-Identifier: GPL-2.0-or-later
#include "tls/ciphertext_transport.h"

#include <sys/socket.h>

#include <cerrno>

namespace mtb::tls {

ssize_t FdTransport::receive(std::span<uint8_t> into) {
    for (;;) {
        const ssize_t got = ::recv(fd_, into.data(), into.size(), MSG_DONTWAIT);
        if (got >= 0 || errno != EINTR) return got;
    }
}

ssize_t FdTransport::send(std::span<const uint8_t> bytes) {
    for (;;) {
        const ssize_t sent = ::send(fd_, bytes.data(), bytes.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
        if (sent >= 0 || errno != EINTR) return sent;
    }
}

int FdTransport::shutdown_send() {
    if (::shutdown(fd_, SHUT_WR) == 0 || errno == ENOTCONN) return 0;
    return -1;
}

}  // namespace mtb::tls
