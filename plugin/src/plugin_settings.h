// Where the plugin finds a setting: the emulators declare one pass-through prefs item,
// "ippconfig", given once per setting as NAME=VALUE, so a setting added to the plugin later
// needs no emulator change. Hosts that pass a setting's own item ("ipplisten"; the test
// machine, emulator patches of earlier releases) keep working: that item wins.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mtb::plugin {

inline constexpr std::string_view kConfigItem = "ippconfig";

// The value of setting `item` ("ipplisten") in `config`: the "ippconfig" values, one per line,
// each "listen=VALUE" or "ipplisten=VALUE". The last line naming it wins, as when an emulator
// prefs file repeats a single item. Spaces around the name and before the value are ignored.
std::optional<std::string> setting_from_config(std::string_view config, std::string_view item);

}  // namespace mtb::plugin
