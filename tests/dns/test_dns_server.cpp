// SPDX-License-Identifier: GPL-2.0-or-later
#include "test_dns_server.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/steady_timer.hpp>

namespace mtb::test {

namespace asio = boost::asio;
using asio::ip::udp;

namespace {

constexpr uint16_t kA = 1, kCNAME = 5, kPTR = 12, kHINFO = 13, kMX = 15, kAAAA = 28;

std::string lower(std::string s) {
    for (char &c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!s.empty() && s.back() == '.') s.pop_back();
    return s;
}

struct Record {
    uint16_t type;
    uint32_t ttl;
    std::vector<uint8_t> rdata;
};

void put16(std::vector<uint8_t> &out, uint16_t v) {
    out.push_back(static_cast<uint8_t>(v >> 8));
    out.push_back(static_cast<uint8_t>(v));
}
void put32(std::vector<uint8_t> &out, uint32_t v) {
    put16(out, static_cast<uint16_t>(v >> 16));
    put16(out, static_cast<uint16_t>(v));
}
// Uncompressed names only: simple, and it exercises the client's plain path.
void put_name(std::vector<uint8_t> &out, const std::string &name) {
    std::size_t start = 0;
    while (start < name.size()) {
        std::size_t dot = name.find('.', start);
        if (dot == std::string::npos) dot = name.size();
        out.push_back(static_cast<uint8_t>(dot - start));
        out.insert(out.end(), name.begin() + static_cast<long>(start), name.begin() + static_cast<long>(dot));
        start = dot + 1;
    }
    out.push_back(0);
}
void put_string(std::vector<uint8_t> &out, const std::string &s) {
    out.push_back(static_cast<uint8_t>(std::min<std::size_t>(s.size(), 255)));
    out.insert(out.end(), s.begin(), s.begin() + static_cast<long>(std::min<std::size_t>(s.size(), 255)));
}

std::string ptr_name(uint32_t a) {
    return std::to_string(a & 255) + "." + std::to_string((a >> 8) & 255) + "." + std::to_string((a >> 16) & 255) +
           "." + std::to_string(a >> 24) + ".in-addr.arpa";
}

}  // namespace

struct TestDnsServer::Impl {
    asio::io_context io;
    udp::socket socket{io, udp::endpoint(asio::ip::make_address_v4("127.0.0.1"), 0)};
    std::thread thread;
    std::array<uint8_t, 1500> buffer{};
    udp::endpoint peer;

    mutable std::mutex mutex;
    std::map<std::string, std::vector<Record>> zone;
    std::set<std::string> silent, servfail, truncated, malformed;
    int malformed_served = 0;
    std::chrono::milliseconds delay{0};
    int total = 0;
    std::map<std::string, int> per_name;
    std::map<std::string, std::set<uint32_t>> questions_per_name;  // (ID << 16) | QTYPE
    int hold_until = 0;  // hold_answers_until()
    std::vector<std::function<void()>> held;
    int unanswered = 0, most_unanswered = 0;

    void receive() {
        socket.async_receive_from(asio::buffer(buffer), peer, [this](const boost::system::error_code &ec, std::size_t n) {
            if (ec) return;
            if (auto reply = answer(std::vector<uint8_t>(buffer.begin(), buffer.begin() + static_cast<long>(n)))) {
                std::chrono::milliseconds wait;
                auto data = std::make_shared<std::vector<uint8_t>>(std::move(*reply));
                std::function<void()> send = [this, data, to = peer] {
                    boost::system::error_code ignored;
                    socket.send_to(asio::buffer(*data), to, 0, ignored);
                    std::lock_guard lock(mutex);
                    --unanswered;
                };
                std::vector<std::function<void()>> release;
                {
                    std::lock_guard lock(mutex);
                    wait = delay;
                    most_unanswered = std::max(most_unanswered, ++unanswered);
                    if (total < hold_until) {
                        held.push_back(send);
                        send = nullptr;
                    } else {
                        release.swap(held);
                    }
                }
                for (auto &held_send : release) held_send();
                if (send) {
                    auto timer = std::make_shared<asio::steady_timer>(io, wait);
                    timer->async_wait([timer, send](const boost::system::error_code &) { send(); });
                }
            }
            receive();
        });
    }

    // Parses one question; nullopt = drop the query.
    std::optional<std::vector<uint8_t>> answer(const std::vector<uint8_t> &q) {
        if (q.size() < 12) return std::nullopt;
        std::size_t at = 12;
        std::string name;
        while (at < q.size() && q[at] != 0) {
            const uint8_t len = q[at];
            if ((len & 0xC0) || at + 1 + len > q.size()) return std::nullopt;
            if (!name.empty()) name.push_back('.');
            name.append(reinterpret_cast<const char *>(&q[at + 1]), len);
            at += 1 + len;
        }
        if (at + 5 > q.size()) return std::nullopt;
        const std::size_t question_end = at + 5;
        const uint16_t qtype = static_cast<uint16_t>((q[at + 1] << 8) | q[at + 2]);
        name = lower(name);

        std::lock_guard lock(mutex);
        ++total;
        ++per_name[name];
        questions_per_name[name].insert((uint32_t{q[0]} << 24) | (uint32_t{q[1]} << 16) | qtype);
        if (silent.contains(name)) return std::nullopt;

        std::vector<uint8_t> answers;
        int count = 0;
        uint8_t rcode = 0;
        if (malformed.contains(name)) return malformed_answer(q, question_end, malformed_served++);
        if (truncated.contains(name)) {
            std::vector<uint8_t> out(q.begin(), q.begin() + static_cast<long>(question_end));
            out[2] = static_cast<uint8_t>(0x86 | (q[2] & 0x01));  // QR, AA, TC, RD copied
            out[3] = 0x80;
            out[6] = out[7] = out[8] = out[9] = out[10] = out[11] = 0;
            return out;
        }
        if (servfail.contains(name)) {
            rcode = 2;
        } else {
            std::string at_name = name;
            bool known = false;
            for (int hop = 0; hop < 8; ++hop) {
                auto found = zone.find(at_name);
                if (found == zone.end()) break;
                known = true;
                auto cname = std::find_if(found->second.begin(), found->second.end(),
                                          [](const Record &r) { return r.type == kCNAME; });
                if (cname != found->second.end() && qtype != kCNAME) {
                    put_name(answers, at_name);
                    put16(answers, kCNAME);
                    put16(answers, 1);
                    put32(answers, cname->ttl);
                    put16(answers, static_cast<uint16_t>(cname->rdata.size()));
                    answers.insert(answers.end(), cname->rdata.begin(), cname->rdata.end());
                    ++count;
                    // rdata is the target in wire form: read it back as text.
                    std::string target;
                    for (std::size_t i = 0; i < cname->rdata.size() && cname->rdata[i] != 0;) {
                        const uint8_t len = cname->rdata[i];
                        if (!target.empty()) target.push_back('.');
                        target.append(reinterpret_cast<const char *>(&cname->rdata[i + 1]), len);
                        i += 1 + len;
                    }
                    at_name = lower(target);
                    continue;
                }
                for (const Record &r : found->second) {
                    if (r.type != qtype) continue;
                    put_name(answers, at_name);
                    put16(answers, r.type);
                    put16(answers, 1);
                    put32(answers, r.ttl);
                    put16(answers, static_cast<uint16_t>(r.rdata.size()));
                    answers.insert(answers.end(), r.rdata.begin(), r.rdata.end());
                    ++count;
                }
                break;
            }
            if (!known) rcode = 3;  // NXDOMAIN
        }
        std::vector<uint8_t> out(q.begin(), q.begin() + static_cast<long>(question_end));
        out[2] = static_cast<uint8_t>(0x84 | (q[2] & 0x01));  // QR, AA, RD copied
        out[3] = static_cast<uint8_t>(0x80 | rcode);           // RA
        out[4] = 0;
        out[5] = 1;
        out[6] = static_cast<uint8_t>(count >> 8);
        out[7] = static_cast<uint8_t>(count);
        out[8] = out[9] = out[10] = out[11] = 0;
        out.insert(out.end(), answers.begin(), answers.end());
        return out;
    }

    // Three kinds of lie in turn, after a correct header and question.
    static std::vector<uint8_t> malformed_answer(const std::vector<uint8_t> &q, std::size_t question_end, int kind) {
        std::vector<uint8_t> out(q.begin(), q.begin() + static_cast<long>(question_end));
        out[2] = static_cast<uint8_t>(0x84 | (q[2] & 0x01));
        out[3] = 0x80;
        out[6] = 0;
        out[7] = 3;  // three answers announced
        out[8] = out[9] = out[10] = out[11] = 0;
        const uint16_t qtype = static_cast<uint16_t>((q[question_end - 4] << 8) | q[question_end - 3]);
        switch (kind % 3) {
        case 0: break;  // none of them there
        case 1:         // one record whose data runs past the end
            put16(out, 0xC00C);
            put16(out, qtype);
            put16(out, 1);
            put32(out, 300);
            put16(out, 200);
            out.insert(out.end(), {7, 'M', 'C'});
            break;
        default:  // an owner name that points at itself
            put16(out, static_cast<uint16_t>(0xC000 | out.size()));
            put16(out, qtype);
            put16(out, 1);
            put32(out, 300);
            put16(out, 4);
            put32(out, 0x0A000001);
            break;
        }
        return out;
    }

    void add(const std::string &name, Record record) {
        std::lock_guard lock(mutex);
        zone[lower(name)].push_back(std::move(record));
    }
};

TestDnsServer::TestDnsServer() : impl_(std::make_unique<Impl>()) {
    impl_->receive();
    impl_->thread = std::thread([this] { impl_->io.run(); });
}

TestDnsServer::~TestDnsServer() {
    impl_->io.stop();
    impl_->thread.join();
}

uint16_t TestDnsServer::port() const { return impl_->socket.local_endpoint().port(); }

std::string TestDnsServer::pref(int timeout_ms, int tries) const {
    return "127.0.0.1:" + std::to_string(port()) + " timeout=" + std::to_string(timeout_ms) +
           " tries=" + std::to_string(tries);
}

void TestDnsServer::add_a(const std::string &name, uint32_t a, uint32_t ttl) {
    Record r{kA, ttl, {}};
    put32(r.rdata, a);
    impl_->add(name, std::move(r));
}
void TestDnsServer::add_cname(const std::string &alias, const std::string &target, uint32_t ttl) {
    Record r{kCNAME, ttl, {}};
    put_name(r.rdata, lower(target));
    impl_->add(alias, std::move(r));
}
void TestDnsServer::add_aaaa(const std::string &name, const std::array<uint8_t, 16> &address, uint32_t ttl) {
    Record r{kAAAA, ttl, std::vector<uint8_t>(address.begin(), address.end())};
    impl_->add(name, std::move(r));
}
void TestDnsServer::add_ptr(uint32_t a, const std::string &name, uint32_t ttl) {
    Record r{kPTR, ttl, {}};
    put_name(r.rdata, lower(name));
    impl_->add(ptr_name(a), std::move(r));
}
void TestDnsServer::add_mx(const std::string &name, uint16_t preference, const std::string &exchange, uint32_t ttl) {
    Record r{kMX, ttl, {}};
    put16(r.rdata, preference);
    put_name(r.rdata, lower(exchange));
    impl_->add(name, std::move(r));
}
void TestDnsServer::add_hinfo(const std::string &name, const std::string &cpu, const std::string &os, uint32_t ttl) {
    Record r{kHINFO, ttl, {}};
    put_string(r.rdata, cpu);
    put_string(r.rdata, os);
    impl_->add(name, std::move(r));
}
void TestDnsServer::add_silent(const std::string &name) {
    std::lock_guard lock(impl_->mutex);
    impl_->silent.insert(lower(name));
}
void TestDnsServer::add_servfail(const std::string &name) {
    std::lock_guard lock(impl_->mutex);
    impl_->servfail.insert(lower(name));
}
void TestDnsServer::add_truncated(const std::string &name) {
    std::lock_guard lock(impl_->mutex);
    impl_->truncated.insert(lower(name));
}
void TestDnsServer::add_malformed(const std::string &name) {
    std::lock_guard lock(impl_->mutex);
    impl_->malformed.insert(lower(name));
}
void TestDnsServer::set_delay(std::chrono::milliseconds delay) {
    std::lock_guard lock(impl_->mutex);
    impl_->delay = delay;
}
void TestDnsServer::hold_answers_until(int count) {
    std::lock_guard lock(impl_->mutex);
    impl_->hold_until = count;
}
int TestDnsServer::most_unanswered() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->most_unanswered;
}
int TestDnsServer::queries() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->total;
}
int TestDnsServer::queries_for(const std::string &name) const {
    std::lock_guard lock(impl_->mutex);
    auto found = impl_->per_name.find(lower(name));
    return found == impl_->per_name.end() ? 0 : found->second;
}

int TestDnsServer::questions_for(const std::string &name) const {
    std::lock_guard lock(impl_->mutex);
    auto found = impl_->questions_per_name.find(lower(name));
    return found == impl_->questions_per_name.end() ? 0 : static_cast<int>(found->second.size());
}

void TestDnsServer::add_standard_zone() {
    add_a("www.test.example", 0x0A010203, 300);    // 10.1.2.3
    add_a("www.test.example", 0x0A010204, 300);    // 10.1.2.4
    add_cname("alias.test.example", "www.test.example", 600);
    for (uint32_t i = 1; i <= 6; ++i) add_a("many.test.example", 0x0A020000 + i, 120);
    add_a("short.test.example", 0x0A030001, 2);
    add_ptr(0x0A010203, "www.test.example", 300);
    add_mx("test.example", 20, "mx2.test.example", 300);
    add_mx("test.example", 10, "mx1.test.example", 300);
    add_hinfo("www.test.example", "MC68040", "MACOS", 300);
    add_a("mx1.test.example", 0x0A010210, 300);
    add_silent("slow.test.example");
    add_servfail("broken.test.example");
    std::array<uint8_t, 16> loopback6{};
    loopback6[15] = 1;
    add_aaaa("v6only.test.example", loopback6, 300);
    add_aaaa("v6pair.test.example", loopback6, 300);
    loopback6[15] = 2;
    add_aaaa("v6pair.test.example", loopback6, 300);
    for (int i = 0; i < 60; ++i) add_a("host" + std::to_string(i) + ".test.example", 0x0A040000 + static_cast<uint32_t>(i), 300);
}

}  // namespace mtb::test
