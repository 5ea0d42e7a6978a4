// Unicorn 2.0.1's m68k CPU-model quirks (unicorn-m68k-notes section 2a) in one place.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <unicorn/unicorn.h>

#include "mtb_machine/test_machine.h"

namespace mtb::machine {

// The value to pass to uc_ctl_set_cpu_model. The header's enum names are off by one against
// the internal table: 0 ("M5206") is the real 68000, 1 ("M68000") the 68020.
int unicorn_model_value(CpuModel model);

// Throws if this process already created an engine with another model: the opcode table is a
// process-global static built by the first engine.
void claim_process_cpu_model(CpuModel model);

// Runs a probe right after mapping memory: a 68020-only instruction (BFEXTU) must trap on the
// 68000 model and run on the 68020 model. Throws with an explanation otherwise (a future Unicorn
// that fixes the enum would be caught here). Leaves no translated code behind.
void self_test_cpu_model(uc_engine *uc, CpuModel model, uint32_t scratch_addr);

}  // namespace mtb::machine
