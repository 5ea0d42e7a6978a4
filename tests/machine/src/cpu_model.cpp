// SPDX-License-Identifier: GPL-2.0-or-later
#include "cpu_model.h"

#include <atomic>
#include <stdexcept>
#include <string>

namespace mtb::machine {

std::optional<CpuModel> parse_cpu_model(std::string_view name) {
  if (name == "68000" || name == "m68000") return CpuModel::M68000;
  if (name == "68020" || name == "m68020") return CpuModel::M68020;
  return std::nullopt;
}

const char *cpu_model_name(CpuModel model) {
  return model == CpuModel::M68000 ? "68000" : "68020";
}

int unicorn_model_value(CpuModel model) { return model == CpuModel::M68000 ? 0 : 1; }

void claim_process_cpu_model(CpuModel model) {
  static std::atomic<int> claimed{-1};
  int expected = -1;
  int wanted = static_cast<int>(model);
  if (!claimed.compare_exchange_strong(expected, wanted) && expected != wanted)
    throw std::runtime_error(std::string("this process already runs the ") +
                             cpu_model_name(static_cast<CpuModel>(expected)) +
                             " model; Unicorn's m68k opcode table is process-global, so run the " +
                             cpu_model_name(model) + " in another process");
}

void self_test_cpu_model(uc_engine *uc, CpuModel model, uint32_t scratch_addr) {
  // bfextu d0{0:8},d1 (68020+), then the end address.
  const uint8_t probe[] = {0xE9, 0xC0, 0x10, 0x08};
  if (uc_mem_write(uc, scratch_addr, probe, sizeof probe) != UC_ERR_OK)
    throw std::runtime_error("CPU self-test: cannot write the probe");
  // No INTR hook is installed yet, so a trap ends the run with UC_ERR_EXCEPTION.
  uc_err err = uc_emu_start(uc, scratch_addr, scratch_addr + sizeof probe, 0, 0);
  const uint8_t zero[sizeof probe] = {};
  uc_mem_write(uc, scratch_addr, zero, sizeof zero);
  uc_ctl_remove_cache(uc, scratch_addr, scratch_addr + sizeof probe);
  bool trapped = err == UC_ERR_EXCEPTION;
  if (model == CpuModel::M68000 && !trapped)
    throw std::runtime_error(
        "CPU self-test: BFEXTU ran on the model that should be a 68000 (Unicorn's model enum "
        "has changed; see unicorn-m68k-notes section 2a)");
  if (model == CpuModel::M68020 && err != UC_ERR_OK)
    throw std::runtime_error(std::string("CPU self-test: BFEXTU failed on the 68020 model: ") +
                             uc_strerror(err));
}

}  // namespace mtb::machine
