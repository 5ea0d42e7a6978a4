// mtb-machine: runs one 68k guest program on the test machine.
//   mtb-machine --cpu 68000|68020 [--plugin PATH] [--pref k=v]... [--param k=v]...
//               [--timeout SEC] [--ram MB] program.bin
// Guest output goes to stdout as it is printed; the exit status is the guest's exit code, or
// 125 with a report on stderr when the run faulted or timed out.
// SPDX-License-Identifier: GPL-2.0-or-later
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

#include "mtb_machine/test_machine.h"

namespace {

int usage() {
  std::fprintf(stderr,
               "usage: mtb-machine --cpu 68000|68020 [--plugin PATH] [--pref k=v]... "
               "[--param k=v]... [--timeout SEC] [--ram MB] [--quiet-log] program.bin\n");
  return 2;
}

bool split(const std::string &kv, std::string &k, std::string &v) {
  auto eq = kv.find('=');
  if (eq == std::string::npos || eq == 0) return false;
  k = kv.substr(0, eq);
  v = kv.substr(eq + 1);
  return true;
}

}  // namespace

int main(int argc, char **argv) {
  using namespace mtb::machine;
  MachineOptions options;
  options.echo_output = true;
  std::string program;
  bool have_cpu = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> const char * { return i + 1 < argc ? argv[++i] : nullptr; };
    std::string k, v;
    if (arg == "--cpu") {
      const char *name = value();
      auto model = name ? parse_cpu_model(name) : std::nullopt;
      if (!model) return usage();
      options.cpu = *model;
      have_cpu = true;
    } else if (arg == "--plugin") {
      const char *p = value();
      if (!p) return usage();
      options.plugin_path = p;
    } else if (arg == "--pref" || arg == "--param") {
      const char *p = value();
      if (!p || !split(p, k, v)) return usage();
      (arg == "--pref" ? options.prefs : options.params)[k] = v;
    } else if (arg == "--timeout") {
      const char *p = value();
      if (!p) return usage();
      options.timeout = std::chrono::milliseconds(static_cast<long>(std::atof(p) * 1000));
    } else if (arg == "--ram") {
      const char *p = value();
      if (!p) return usage();
      options.ram_size = static_cast<uint32_t>(std::atoi(p)) << 20;
    } else if (arg == "--quiet-log") {
      options.echo_log = false;
    } else if (!arg.empty() && arg[0] != '-' && program.empty()) {
      program = arg;
    } else {
      return usage();
    }
  }
  if (!have_cpu || program.empty()) return usage();
  try {
    TestMachine machine(options);
    RunResult r = machine.run_program(program);
    if (!r.exited) {
      std::fprintf(stderr, "mtb-machine: %s\n", r.failure.c_str());
      return 125;
    }
    return r.exit_code & 0xFF;
  } catch (const std::exception &e) {
    std::fprintf(stderr, "mtb-machine: %s\n", e.what());
    return 125;
  }
}
