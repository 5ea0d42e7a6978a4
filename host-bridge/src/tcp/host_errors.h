// The one table from host socket errors to MacTCP result codes.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <boost/system/error_code.hpp>
#include <cstdint>

#include "driver/logger.h"

namespace mtb {

enum class HostOperation { connect, bind, send, receive, accept };

// Maps `ec` for `operation`. Errors the table does not know are logged at error level and
// answered with the operation's documented fallback (connect: openFailed; bind: duplicateSocket;
// send/receive: connectionTerminated; accept: openFailed).
int16_t mactcp_result_for(const boost::system::error_code &ec, HostOperation operation, Logger &log);

}  // namespace mtb
