// SPDX-License-Identifier: GPL-2.0-or-later
#include "plugin_settings.h"

namespace mtb::plugin {
namespace {

std::string_view trimmed(std::string_view text) {
    const auto first = text.find_first_not_of(" \t\r");
    if (first == std::string_view::npos) return {};
    const auto last = text.find_last_not_of(" \t\r");
    return text.substr(first, last - first + 1);
}

bool names(std::string_view key, std::string_view item) {
    constexpr std::string_view kPrefix = "ipp";
    if (key == item) return true;
    return item.starts_with(kPrefix) && key == item.substr(kPrefix.size());
}

}  // namespace

std::optional<std::string> setting_from_config(std::string_view config, std::string_view item) {
    std::optional<std::string> found;
    while (!config.empty()) {
        const auto end = config.find('\n');
        const std::string_view line = config.substr(0, end);
        config = end == std::string_view::npos ? std::string_view{} : config.substr(end + 1);
        const auto equals = line.find('=');
        if (equals == std::string_view::npos) continue;
        if (names(trimmed(line.substr(0, equals)), item)) {
            const std::string_view value = line.substr(equals + 1);
            const auto start = value.find_first_not_of(" \t");
            found = std::string(start == std::string_view::npos ? std::string_view{} : trimmed(value.substr(start)));
        }
    }
    return found;
}

}  // namespace mtb::plugin
