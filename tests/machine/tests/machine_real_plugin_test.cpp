// The machine hosting the real libmactcp_bridge.so through dlopen and the real ABI: .IPP is
// installed from the plugin's image, opened by name, and requests complete both at once and
// later through the plugin's interrupt path. A smoke test of the boundary, not of MacTCP
// semantics (those are tests/guest's client-sequence programs).
// SPDX-License-Identifier: GPL-2.0-or-later
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "machine_test_support.h"

namespace mtb::machine::testing {
namespace {

// A loopback TCP socket on an ephemeral port; listening (the kernel completes handshakes into
// the backlog, nobody needs to accept) or merely bound and closed again (a refused port).
class LoopbackPort {
 public:
  explicit LoopbackPort(bool listen_on_it) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (bind(fd_, reinterpret_cast<sockaddr *>(&a), sizeof a) != 0 ||
        getsockname(fd_, reinterpret_cast<sockaddr *>(&a), &len) != 0 ||
        (listen_on_it && listen(fd_, 4) != 0))
      throw std::runtime_error("loopback socket");
    port_ = ntohs(a.sin_port);
    if (!listen_on_it) {
      close(fd_);
      fd_ = -1;
    }
  }
  ~LoopbackPort() {
    if (fd_ >= 0) close(fd_);
  }
  std::string port() const { return std::to_string(port_); }

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
};

TEST(MachineRealPlugin, OpensIppAndCompletesRequests) {
  LoopbackPort listener(true), refused(false);
  MachineOptions o = default_options();
  o.plugin_path = MTB_PLUGIN_PATH;
  o.timeout = std::chrono::milliseconds(8000);
  o.params = {{"listen_port", listener.port()}, {"closed_port", refused.port()}};
  TestMachine m(o);
  EXPECT_LT(m.driver_refnum(), 0);
  RunResult r = m.run_program(guest_program("machine_selftest_ipp"));
  std::string log;
  for (const auto &line : r.log) log += line + "\n";
  EXPECT_TRUE(r.ok()) << r.failure << "\n" << r.output << "\n" << log;
  EXPECT_NE(r.output.find(" passed, 0 failed"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace mtb::machine::testing
