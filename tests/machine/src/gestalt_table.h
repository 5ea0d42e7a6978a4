// Gestalt selectors: fixed values registered by the machine's owner (MachineOptions::gestalt),
// and guest selector functions installed with NewGestalt/ReplaceGestalt (the .IPP driver
// registers 'mtcp' that way). A selector function is a Pascal
// FUNCTION (selector: OSType; VAR response: LONGINT): OSErr.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstdint>
#include <map>
#include <optional>

namespace mtb::machine {

class GestaltTable {
 public:
  struct Entry {
    bool is_proc = false;
    uint32_t value = 0;  // the response, or the guest address of the selector function
  };
  static constexpr int16_t kUndefSelectorErr = -5551;
  static constexpr int16_t kDupSelectorErr = -5552;

  void set_value(uint32_t selector, uint32_t value) { entries_[selector] = {false, value}; }
  int16_t new_proc(uint32_t selector, uint32_t proc);
  // On success *old_proc is the previous function (0 when the selector held a fixed value).
  int16_t replace_proc(uint32_t selector, uint32_t proc, uint32_t *old_proc);
  std::optional<Entry> find(uint32_t selector) const;

 private:
  std::map<uint32_t, Entry> entries_;
};

}  // namespace mtb::machine
