// One line per event, filtered by the `ipplog` pref.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <fmt/format.h>
#include <string>
#include <string_view>

#include "mactcp_bridge/host_environment.h"

namespace mtb {

class Logger {
public:
    explicit Logger(HostEnvironment &host);
    void set_level(LogLevel level) { level_ = level; }
    bool enabled(LogLevel level) const { return level <= level_; }

    template <typename... Args>
    void log(LogLevel level, fmt::format_string<Args...> fmt, Args &&...args) {
        if (enabled(level)) host_->log(level, fmt::format(fmt, std::forward<Args>(args)...));
    }
    template <typename... Args>
    void error(fmt::format_string<Args...> fmt, Args &&...args) { log(LogLevel::error, fmt, std::forward<Args>(args)...); }
    template <typename... Args>
    void warning(fmt::format_string<Args...> fmt, Args &&...args) { log(LogLevel::warning, fmt, std::forward<Args>(args)...); }
    template <typename... Args>
    void info(fmt::format_string<Args...> fmt, Args &&...args) { log(LogLevel::info, fmt, std::forward<Args>(args)...); }
    template <typename... Args>
    void debug(fmt::format_string<Args...> fmt, Args &&...args) { log(LogLevel::debug, fmt, std::forward<Args>(args)...); }

    // Parses `ipplog`: error|warning|info|debug or 0..3; anything else keeps the default.
    static LogLevel parse_level(std::string_view text, LogLevel fallback);

private:
    HostEnvironment *host_;
    LogLevel level_ = LogLevel::warning;
};

}  // namespace mtb
