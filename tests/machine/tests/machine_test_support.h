// Shared bits of the machine's GoogleTest suite. The CPU model comes from the command line
// (--cpu=68000|68020): one model per process (Unicorn's opcode table is process-global), so
// ctest runs the same binary once per model.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <string>

#include "mtb_machine/test_machine.h"

namespace mtb::machine::testing {

CpuModel test_cpu();
// Path of a guest program built by mtb_guest_program() for the model under test.
std::string guest_program(const std::string &name);
// Options every test starts from: the model under test, a short timeout, quiet logs.
MachineOptions default_options();

}  // namespace mtb::machine::testing
