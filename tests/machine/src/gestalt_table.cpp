// SPDX-License-Identifier: GPL-2.0-or-later
#include "gestalt_table.h"

namespace mtb::machine {

int16_t GestaltTable::new_proc(uint32_t selector, uint32_t proc) {
  if (entries_.count(selector)) return kDupSelectorErr;
  entries_[selector] = {true, proc};
  return 0;
}

int16_t GestaltTable::replace_proc(uint32_t selector, uint32_t proc, uint32_t *old_proc) {
  auto it = entries_.find(selector);
  if (it == entries_.end()) return kUndefSelectorErr;
  *old_proc = it->second.is_proc ? it->second.value : 0;
  it->second = {true, proc};
  return 0;
}

std::optional<GestaltTable::Entry> GestaltTable::find(uint32_t selector) const {
  auto it = entries_.find(selector);
  if (it == entries_.end()) return std::nullopt;
  return it->second;
}

}  // namespace mtb::machine
