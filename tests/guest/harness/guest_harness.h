// Host side of the guest suites: runs 68k MacTCP programs on the test machine through the real
// plugin, with loopback peers started by the test.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <string>

#include "mtb_machine/test_machine.h"

namespace mtb::guest {

// The CPU model this process runs (one per process: Unicorn's opcode table is global).
machine::CpuModel cpu();

// Machine options for a MacTCP guest test: the real plugin, outgoing traffic restricted to
// loopback (no test may reach an outside address), a bounded run time.
machine::MachineOptions options(std::chrono::milliseconds timeout = std::chrono::seconds(30));

// Path of the built guest program `name` for this process's CPU model.
std::string program(const std::string &name);

// Runs `name` with `params` (numbers as decimal text). Fails the current test, with the
// guest's output and the machine's report, unless the program exits with 0 failures.
machine::RunResult run(const std::string &name, const std::map<std::string, std::string> &params = {},
                       machine::MachineOptions base = options());

// A listening TCP socket on 127.0.0.1 with an ephemeral port. The kernel completes handshakes
// from its backlog, so no accept loop is needed for tests that only open connections.
class LoopbackListener {
public:
    LoopbackListener();
    ~LoopbackListener();
    LoopbackListener(const LoopbackListener &) = delete;
    LoopbackListener &operator=(const LoopbackListener &) = delete;
    uint16_t port() const { return port_; }
    int fd() const { return fd_; }

private:
    int fd_ = -1;
    uint16_t port_ = 0;
};

// A loopback TCP port with nothing listening on it, reserved for this process: below the
// kernel's ephemeral range (no outgoing connection anywhere takes it as its source port) and
// locked against the other test processes of a parallel run, so a guest server can listen on it
// and a "closed port" stays closed.
uint16_t closed_loopback_port();

// One connection attempt to 127.0.0.1:`port`; the socket, or -1.
int connect_loopback(uint16_t port);

// A host client of a guest server: connects as soon as the guest listens, however long the
// guest takes to get there on a loaded machine; -1 only once `guest_finished` is set.
int connect_when_listening(uint16_t port, const std::atomic<bool> &guest_finished);

}  // namespace mtb::guest
