// SPDX-License-Identifier: GPL-2.0-or-later
#include "net/host_errors.h"

#include <boost/asio/error.hpp>
#include <cerrno>

#include "driver/mactcp_codes.h"

namespace mtb {

namespace {

struct Row {
    int host_errno;
    int16_t connect, bind, transfer, datagram, echo;
    bool icmp_notice;  // what an ICMP error leaves on a socket (is_icmp_notice)
};

// errno → result per operation. "transfer" covers TCP send and receive; "datagram" UDP sends,
// whose host send queue being full is the reference's "too many UDP datagrams queued"; "echo"
// an echo request that cannot leave the host, which ends with the timeout result the app would
// otherwise see after waiting (a route error when the host has no route at all).
constexpr int16_t kNoRoute = err::ipRouteErr, kNoEcho = err::icmpEchoTimeoutErr;
constexpr Row kTable[] = {
    {ECONNREFUSED, err::openFailed, err::duplicateSocket, err::connectionTerminated, kNoRoute, kNoEcho, true},
    {ETIMEDOUT, err::openFailed, err::duplicateSocket, err::connectionTerminated, kNoRoute, kNoEcho, true},
    {EHOSTUNREACH, err::openFailed, err::ipRouteErr, err::connectionTerminated, kNoRoute, kNoEcho, true},
    {ENETUNREACH, err::ipRouteErr, err::ipRouteErr, err::connectionTerminated, kNoRoute, kNoRoute, true},
    {EHOSTDOWN, err::openFailed, err::duplicateSocket, err::connectionTerminated, kNoRoute, kNoEcho, true},
    {ENONET, err::openFailed, err::duplicateSocket, err::connectionTerminated, kNoRoute, kNoEcho, true},
    {EPROTO, err::openFailed, err::duplicateSocket, err::connectionTerminated, kNoRoute, kNoEcho, true},
    {EADDRINUSE, err::duplicateSocket, err::duplicateSocket, err::connectionTerminated, kNoRoute, kNoEcho, false},
    {EADDRNOTAVAIL, err::openFailed, err::duplicateSocket, err::connectionTerminated, kNoRoute, kNoEcho, false},
    {EACCES, err::openFailed, err::duplicateSocket, err::connectionTerminated, kNoRoute, kNoEcho, false},
    {EPERM, err::openFailed, err::duplicateSocket, err::connectionTerminated, kNoRoute, kNoEcho, false},
    {EINVAL, err::openFailed, err::duplicateSocket, err::connectionTerminated, kNoRoute, kNoEcho, false},
    {ECONNRESET, err::openFailed, err::duplicateSocket, err::connectionTerminated, kNoRoute, kNoEcho, false},
    {ECONNABORTED, err::openFailed, err::duplicateSocket, err::connectionTerminated, kNoRoute, kNoEcho, false},
    {EPIPE, err::openFailed, err::duplicateSocket, err::connectionTerminated, kNoRoute, kNoEcho, false},
    {EAGAIN, err::openFailed, err::duplicateSocket, err::connectionTerminated, err::insufficientResources, kNoEcho, false},
    {ENOBUFS, err::insufficientResources, err::insufficientResources, err::insufficientResources,
     err::insufficientResources, kNoEcho, false},
    {ENOMEM, err::insufficientResources, err::insufficientResources, err::insufficientResources,
     err::insufficientResources, kNoEcho, false},
    {EMFILE, err::insufficientResources, err::insufficientResources, err::insufficientResources,
     err::insufficientResources, kNoEcho, false},
    {ENFILE, err::insufficientResources, err::insufficientResources, err::insufficientResources,
     err::insufficientResources, kNoEcho, false},
    // TCP: a segment the path cannot carry unfragmented; UDP: a datagram IPv4 cannot carry.
    {EMSGSIZE, err::openFailed, err::duplicateSocket, err::ipDontFragErr, err::ipNoFragMemErr, kNoEcho, false},
    {ECANCELED, err::openFailed, err::duplicateSocket, err::connectionTerminated, kNoRoute, kNoEcho, false},
};

int16_t pick(const Row &row, HostOperation operation) {
    switch (operation) {
    case HostOperation::connect:
    case HostOperation::accept: return row.connect;
    case HostOperation::bind: return row.bind;
    case HostOperation::send:
    case HostOperation::receive: return row.transfer;
    case HostOperation::datagram: return row.datagram;
    case HostOperation::echo: return row.echo;
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
    case HostOperation::datagram: return err::ipRouteErr;
    case HostOperation::echo: return err::icmpEchoTimeoutErr;
    }
    return err::openFailed;
}

const Row *find(int host_errno) {
    for (const Row &row : kTable)
        if (row.host_errno == host_errno) return &row;
    return nullptr;
}

}  // namespace

int16_t mactcp_result_for_errno(int host_errno, HostOperation operation, Logger &log) {
    if (host_errno == 0) return err::noErr;
    if (const Row *row = find(host_errno)) return pick(*row, operation);
    const int16_t result = fallback(operation);
    log.error("unmapped host error {} ({}): answering {}", host_errno,
              boost::system::error_code(host_errno, boost::system::system_category()).message(), result_name(result));
    return result;
}

int16_t mactcp_result_for(const boost::system::error_code &ec, HostOperation operation, Logger &log) {
    if (!ec) return err::noErr;
    if (ec == boost::asio::error::operation_aborted) return mactcp_result_for_errno(ECANCELED, operation, log);
    if (ec == boost::asio::error::eof) return err::connectionClosing;
    if (ec.category() == boost::system::system_category() || ec.category() == boost::system::generic_category())
        return mactcp_result_for_errno(ec.value(), operation, log);
    const int16_t result = fallback(operation);
    log.error("unmapped host error {} ({}): answering {}", ec.value(), ec.message(), result_name(result));
    return result;
}

bool is_icmp_notice(int host_errno) {
    const Row *row = find(host_errno);
    return row != nullptr && row->icmp_notice;
}

}  // namespace mtb
