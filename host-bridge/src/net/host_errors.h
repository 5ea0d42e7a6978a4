// The one table from host socket errors (errno) to MacTCP result codes, for TCP, UDP and IP
// (ICMP echo): each row is one errno, each column what it means for one kind of operation.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <boost/system/error_code.hpp>
#include <cstdint>

#include "driver/logger.h"

namespace mtb {

enum class HostOperation {
    connect,   // TCP active open
    bind,      // TCP listen, UDPCreate / UDPMultiCreate
    send,      // TCP send on a connection
    receive,   // TCP receive on a connection
    accept,    // TCP passive open
    datagram,  // UDPWrite / UDPMultiSend
    echo,      // ipctlEchoICMP's request
};

// Maps `host_errno` (0: noErr) for `operation`. Errors the table does not know are logged at
// error level and answered with the operation's documented fallback (connect, accept:
// openFailed; bind: duplicateSocket; send/receive: connectionTerminated; datagram: ipRouteErr;
// echo: icmpEchoTimeoutErr).
int16_t mactcp_result_for_errno(int host_errno, HostOperation operation, Logger &log);
// The same for an Asio error (end of file: connectionClosing; aborted: as ECANCELED).
int16_t mactcp_result_for(const boost::system::error_code &ec, HostOperation operation, Logger &log);

// Errors an ICMP message leaves on a socket with IP_RECVERR (it sets sk_err, which the next
// recvmsg or sendmsg answers once, whatever that call was for): the message itself waits in the
// error queue (HostIo::take_error), where it is reported from.
bool is_icmp_notice(int host_errno);

}  // namespace mtb
