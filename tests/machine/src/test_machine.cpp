// SPDX-License-Identifier: GPL-2.0-or-later
#include "mtb_machine/test_machine.h"

#include <fstream>
#include <iterator>
#include <vector>

#include "machine.h"

namespace mtb::machine {

TestMachine::TestMachine(MachineOptions options)
    : machine_(std::make_unique<Machine>(std::move(options))) {}

TestMachine::~TestMachine() = default;

void TestMachine::set_param(const std::string &name, const std::string &value) {
  machine_->set_param(name, value);
}

void TestMachine::register_gestalt(uint32_t selector, uint32_t value) {
  machine_->register_gestalt(selector, value);
}

RunResult TestMachine::run_program(const std::string &bin_path) {
  std::ifstream in(bin_path, std::ios::binary);
  if (!in) {
    RunResult r;
    r.failure = "cannot read guest program " + bin_path;
    return r;
  }
  std::vector<uint8_t> image((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return machine_->run_image(image);
}

RunResult TestMachine::run_image(std::span<const uint8_t> image) {
  return machine_->run_image(image);
}

void TestMachine::reset_plugin() {
  if (PluginHost *p = machine_->plugin()) p->reset();
}

int16_t TestMachine::driver_refnum() const { return machine_->driver_refnum(); }
uint8_t *TestMachine::ram() { return machine_->ram().host(); }
uint32_t TestMachine::ram_size() const { return machine_->ram().size(); }

}  // namespace mtb::machine
