// SPDX-License-Identifier: GPL-2.0-or-later
#include "tls/tls_upstream.h"

#include "tcp/listen_config.h"

namespace mtb::tls {

TlsUpstream::TlsUpstream(HostEnvironment &host, Logger &log) {
    if (auto pref = host.pref("ipptls")) rules_ = parse_tls_rules(*pref);
    for (const std::string &problem : rules_.problems) log.error("{}", problem);
    if (rules_.rules.empty()) return;
    const std::string ca_file = host.pref("ipptlsca").value_or("");
    context_ = TlsClientContext::create(ca_file, context_problem_);
    if (!context_) {
        log.error("ipptls: {}; connections matching the rules will fail to open", context_problem_);
        return;
    }
    std::string summary;
    for (const TlsRule &rule : rules_.rules) summary += (summary.empty() ? "" : ", ") + rule.text;
    log.info("ipptls: {} (trusting {})", summary, ca_file.empty() ? "the host's CA store" : ca_file);
}

std::optional<TlsUpstream::Plan> TlsUpstream::plan(uint32_t address, uint16_t port, const std::string &looked_up_name) const {
    const TlsRule *rule = rules_.match(port, address, looked_up_name);
    if (rule == nullptr) return std::nullopt;
    Plan plan;
    plan.tls_port = rule->tls_port;
    plan.peer.host_name = looked_up_name;
    plan.peer.address = address;
    plan.peer.pin = rule->pin;
    plan.rule = rule->text;
    return plan;
}

std::unique_ptr<TlsEngine> TlsUpstream::engine(const Plan &plan, std::string &problem) const {
    if (!context_) {
        problem = context_problem_;
        return nullptr;
    }
    auto engine = std::make_unique<TlsEngine>(*context_, plan.peer);
    if (engine->state() == TlsEngine::State::failed) {
        problem = engine->failure();
        return nullptr;
    }
    return engine;
}

std::string TlsUpstream::failure_line(const Plan &plan, uint32_t address, const std::string &reason) {
    const std::string host = plan.peer.host_name.empty() ? format_ipv4(address)
                                                         : plan.peer.host_name + " (" + format_ipv4(address) + ")";
    return "TLS to " + host + " port " + std::to_string(plan.tls_port) + " (ipptls rule '" + plan.rule + "') failed: " + reason;
}

}  // namespace mtb::tls
