// TLS upstream (issue 15), the policy half: the `ipptls` rules and the `ipptlsca` trust
// anchors, read once at start (each refused rule named in an error line), and per
// TCPActiveOpen the decision whether it goes over TLS, to which port, and whom to verify.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "driver/logger.h"
#include "mactcp_bridge/host_environment.h"
#include "tls/tls_client_context.h"
#include "tls/tls_engine.h"
#include "tls/tls_rules.h"

namespace mtb::tls {

class TlsUpstream {
public:
    TlsUpstream(HostEnvironment &host, Logger &log);

    bool has_rules() const { return !rules_.rules.empty(); }

    struct Plan {
        uint16_t tls_port = 0;
        TlsPeer peer;          // the name (or address) to verify, and the rule's pin
        std::string rule;      // as written, for log lines
    };
    // Whether a guest connection to `address:port` goes over TLS. `looked_up_name` is what the
    // guest resolved through our DNR for this address (empty when it connected by number).
    std::optional<Plan> plan(uint32_t address, uint16_t port, const std::string &looked_up_name) const;

    // A client engine for the plan; nullptr when no trust anchors could be loaded (then
    // `problem` says why and the open must fail: never plaintext where TLS was asked for).
    std::unique_ptr<TlsEngine> engine(const Plan &plan, std::string &problem) const;

    // The one log line of a failed TLS open: host, port and reason.
    static std::string failure_line(const Plan &plan, uint32_t address, const std::string &reason);

private:
    TlsRuleSet rules_;
    std::unique_ptr<TlsClientContext> context_;
    std::string context_problem_;
};

}  // namespace mtb::tls
