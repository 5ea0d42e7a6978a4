// SPDX-License-Identifier: GPL-2.0-or-later
#include "abi_barrier.h"

#include <cstdint>
#include <cstdio>

namespace mtb::plugin {
namespace {

// MacTCP's answers (mactcp-reference): a driver that cannot start, and a request it could not serve.
constexpr int16_t kIpLoadErr = -23003;
constexpr int16_t kInsufficientResources = -23009;
constexpr uint32_t kIoResult = 16;  // offset in the parameter block

}  // namespace

void report_escaped(const mtb_host_api &host, const char *entry, const char *what) noexcept {
    char line[256];
    std::snprintf(line, sizeof line, "MacTCP Bridge: %s failed: %s", entry, what != nullptr ? what : "?");
    try {
        host.log(host.ctx, MTB_LOG_ERROR, line);
    } catch (...) {  // a host log that throws has nothing left to tell
    }
}

void answer_failed_call(const mtb_host_api &host, mtb_regs &regs) noexcept {
    const bool is_open = regs.d[0] == MTB_OP_OPEN;
    const bool is_request = regs.d[0] == MTB_OP_PRIME || regs.d[0] == MTB_OP_CONTROL || regs.d[0] == MTB_OP_STATUS;
    const int16_t result = is_open ? kIpLoadErr : kInsufficientResources;
    if (is_request && host.write_guest != nullptr) {
        const uint8_t big_endian[2] = {static_cast<uint8_t>(static_cast<uint16_t>(result) >> 8),
                                       static_cast<uint8_t>(result & 0xff)};
        try {
            host.write_guest(host.ctx, regs.a[0] + kIoResult, big_endian, sizeof big_endian);  // checked by the host
        } catch (...) {
        }
    }
    regs.d[0] = static_cast<uint32_t>(static_cast<int32_t>(result));
}

}  // namespace mtb::plugin
