// SPDX-License-Identifier: GPL-2.0-or-later
#include "tcp/host_errors.h"

#include <boost/asio/error.hpp>
#include <cerrno>

#include "driver/mactcp_codes.h"

namespace mtb {

namespace {

struct Row {
    int host_errno;
    int16_t connect, bind, transfer;
};

// errno → result per operation. "transfer" covers send and receive.
constexpr Row kTable[] = {
    {ECONNREFUSED, err::openFailed, err::duplicateSocket, err::connectionTerminated},
    {ETIMEDOUT, err::openFailed, err::duplicateSocket, err::connectionTerminated},
    {EHOSTUNREACH, err::openFailed, err::ipRouteErr, err::connectionTerminated},
    {ENETUNREACH, err::ipRouteErr, err::ipRouteErr, err::connectionTerminated},
    {EADDRINUSE, err::duplicateSocket, err::duplicateSocket, err::connectionTerminated},
    {EADDRNOTAVAIL, err::openFailed, err::duplicateSocket, err::connectionTerminated},
    {EACCES, err::openFailed, err::duplicateSocket, err::connectionTerminated},
    {EPERM, err::openFailed, err::duplicateSocket, err::connectionTerminated},
    {ECONNRESET, err::openFailed, err::duplicateSocket, err::connectionTerminated},
    {ECONNABORTED, err::openFailed, err::duplicateSocket, err::connectionTerminated},
    {EPIPE, err::openFailed, err::duplicateSocket, err::connectionTerminated},
    {ENOBUFS, err::insufficientResources, err::insufficientResources, err::insufficientResources},
    {ENOMEM, err::insufficientResources, err::insufficientResources, err::insufficientResources},
    {EMFILE, err::insufficientResources, err::insufficientResources, err::insufficientResources},
    {ENFILE, err::insufficientResources, err::insufficientResources, err::insufficientResources},
    {EMSGSIZE, err::openFailed, err::duplicateSocket, err::ipDontFragErr},
    {ECANCELED, err::openFailed, err::duplicateSocket, err::connectionTerminated},
};

int16_t pick(const Row &row, HostOperation operation) {
    switch (operation) {
    case HostOperation::connect:
    case HostOperation::accept: return row.connect;
    case HostOperation::bind: return row.bind;
    case HostOperation::send:
    case HostOperation::receive: return row.transfer;
    }
    return row.connect;
}

int16_t fallback(HostOperation operation) {
    switch (operation) {
    case HostOperation::connect:
    case HostOperation::accept: return err::openFailed;
    case HostOperation::bind: return err::duplicateSocket;
    case HostOperation::send:
    case HostOperation::receive: return err::connectionTerminated;
    }
    return err::openFailed;
}

}  // namespace

int16_t mactcp_result_for(const boost::system::error_code &ec, HostOperation operation, Logger &log) {
    if (!ec) return err::noErr;
    if (ec == boost::asio::error::operation_aborted) return pick(kTable[sizeof kTable / sizeof kTable[0] - 1], operation);
    if (ec == boost::asio::error::eof) return err::connectionClosing;
    if (ec.category() == boost::system::system_category() || ec.category() == boost::system::generic_category()) {
        for (const Row &row : kTable) {
            if (row.host_errno == ec.value()) return pick(row, operation);
        }
    }
    const int16_t result = fallback(operation);
    log.error("unmapped host error {} ({}): answering {}", ec.value(), ec.message(), result_name(result));
    return result;
}

}  // namespace mtb
