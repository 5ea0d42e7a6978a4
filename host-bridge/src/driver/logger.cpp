// SPDX-License-Identifier: GPL-2.0-or-later
#include "driver/logger.h"

namespace mtb {

Logger::Logger(HostEnvironment &host) : host_(&host) {}

LogLevel Logger::parse_level(std::string_view text, LogLevel fallback) {
    if (text == "error" || text == "0") return LogLevel::error;
    if (text == "warning" || text == "1") return LogLevel::warning;
    if (text == "info" || text == "2") return LogLevel::info;
    if (text == "debug" || text == "3") return LogLevel::debug;
    return fallback;
}

}  // namespace mtb
