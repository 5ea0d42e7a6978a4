// Issue 6: the DNR on the 68k test machine. Our dnr.c-style glue finds the build's cdev in the
// machine's virtual Control Panels folder (or the 'dnrp' in the System file), loads it and calls
// it; the real plugin answers from the test's DNS server on 127.0.0.1.
// SPDX-License-Identifier: GPL-2.0-or-later
#include <gtest/gtest.h>

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "guest_harness.h"
#include "loopback_socket.h"
#include "test_dns_server.h"

namespace mtb::guest {
namespace {

using test::bind_loopback;
using test::LoopbackSocket;

using machine::VirtualFile;

machine::MachineOptions dnr_options(const test::TestDnsServer &dns, VirtualFile::Folder where) {
    machine::MachineOptions o = options();
    o.prefs["ippdns"] = dns.pref(300, 2);
    VirtualFile cdev;
    cdev.folder = where;
    cdev.macbinary_path = MTB_DNR_CDEV;
    o.files.push_back(cdev);
    return o;
}

TEST(GuestDnr, FoundInControlPanels) {
    test::TestDnsServer dns;
    run("dnr_find", {{"in_cdev", "1"}}, dnr_options(dns, VirtualFile::Folder::control_panels));
}

// No cdev anywhere: the 'dnrp' in the System file is still found, by dnr.c's last step
// (GetIndResource across the open resource chain), but not by PuTTY's search.
TEST(GuestDnr, FoundThroughTheResourceChain) {
    test::TestDnsServer dns;
    run("dnr_find", {{"in_cdev", "0"}}, dnr_options(dns, VirtualFile::Folder::system_file));
}

TEST(GuestDnr, EverySelector) {
    test::TestDnsServer dns;
    dns.add_standard_zone();
    const auto result = run("dnr_selectors", {}, dnr_options(dns, VirtualFile::Folder::control_panels));
    // One A question (the second STRTOADDR came from the cache) and one HINFO question; counted
    // as questions, since the resolver re-sends one whose answer came later than its 300 ms
    // timeout (under load a packet count was 3 once).
    EXPECT_EQ(dns.questions_for("www.test.example"), 2);
    (void)result;
}

TEST(GuestDnr, FiftyInFlightAndCloseWithALookupPending) {
    test::TestDnsServer dns;
    dns.add_standard_zone();
    dns.set_delay(std::chrono::milliseconds(50));
    run("dnr_stress", {}, dnr_options(dns, VirtualFile::Folder::control_panels));
}

TEST(GuestDnr, BadInput) {
    test::TestDnsServer dns;
    dns.add_standard_zone();
    auto o = dnr_options(dns, VirtualFile::Folder::control_panels);
    run("dnr_bad_input", {{"ram_size", std::to_string(o.ram_size)}}, o);
}

TEST(GuestDnr, HostsFiles) {
    test::TestDnsServer dns;  // asked nothing: every name comes from the hosts files
    auto o = dnr_options(dns, VirtualFile::Folder::control_panels);
    VirtualFile hosts;
    hosts.folder = VirtualFile::Folder::system_folder;
    hosts.name = "Hosts";
    hosts.data = "; MacTCP hosts file\rprinter.lab IN A 10.9.8.7\rlaser CNAME printer.lab.\r";
    o.files.push_back(hosts);
    VirtualFile lab = hosts;
    lab.name = "Lab Hosts";
    lab.data = "bench.lab A 10.10.10.1\nbench.lab A 10.10.10.2\n";
    o.files.push_back(lab);
    run("dnr_hosts", {}, o);
    EXPECT_EQ(dns.queries(), 0);
}

// Issue 15: UDP with an IPv6-only host. A UDP echo peer on [::1] stands behind the test DNS
// server's AAAA-only v6only.test.example: it checks every datagram's pattern (the guest's
// fill()), echoes it, and records the guest's closing "done BYTES".
class Ipv6EchoPeer {
public:
    Ipv6EchoPeer() {
        const LoopbackSocket bound = bind_loopback(AF_INET6, SOCK_DGRAM);
        fd_ = bound.fd;
        port_ = bound.port;
        thread_ = std::thread([this] { serve(); });
    }
    ~Ipv6EchoPeer() {
        stop_ = true;
        thread_.join();
        ::close(fd_);
    }
    uint16_t port() const { return port_; }
    long good() const { return good_; }
    long bad() const { return bad_; }
    std::string summary() const {
        std::lock_guard lock(mutex_);
        return summary_;
    }

private:
    void serve() {
        std::vector<uint8_t> buffer(70000);
        while (!stop_) {
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, 50) != 1) continue;
            sockaddr_in6 from{};
            socklen_t length = sizeof from;
            const ssize_t n = ::recvfrom(fd_, buffer.data(), buffer.size(), 0, reinterpret_cast<sockaddr *>(&from), &length);
            if (n < 0) continue;
            const std::string text(buffer.begin(), buffer.begin() + n);
            if (text.rfind("done ", 0) == 0) {
                std::lock_guard lock(mutex_);
                summary_ = text;
                continue;
            }
            // Datagram i of udp_ipv6.c: 1 + (i * 97) % 1400 bytes, byte k = k * 31 + i * 7 + (k >> 5).
            const long i = good_ + bad_;
            bool ok = n == 1 + (i * 97) % 1400;
            for (ssize_t k = 0; ok && k < n; ++k) ok = buffer[k] == static_cast<uint8_t>(k * 31 + i * 7 + (k >> 5));
            ++(ok ? good_ : bad_);
            ::sendto(fd_, buffer.data(), static_cast<size_t>(n), 0, reinterpret_cast<sockaddr *>(&from), length);
        }
    }

    int fd_ = -1;
    uint16_t port_ = 0;
    std::atomic<bool> stop_{false};
    std::atomic<long> good_{0}, bad_{0};
    mutable std::mutex mutex_;
    std::string summary_;
    std::thread thread_;
};

TEST(GuestDnr, UdpWithAnIpv6OnlyHostThroughItsStandIn) {
    constexpr long kCount = 200;
    test::TestDnsServer dns;
    dns.add_standard_zone();  // v6only.test.example: AAAA ::1 only
    Ipv6EchoPeer peer;
    auto o = dnr_options(dns, VirtualFile::Folder::control_panels);
    o.prefs["ippallow"] += ",198.18.0.0/15";  // `ippallow` judges the stand-in (loopback only otherwise)
    const auto result = run("dnr_udp_ipv6", {{"peer_port", std::to_string(peer.port())}, {"count", std::to_string(kCount)}}, o);
    std::printf("%s", result.output.c_str());
    EXPECT_EQ(peer.good(), kCount);
    EXPECT_EQ(peer.bad(), 0);
    long bytes = 0;
    for (long i = 0; i < kCount; ++i) bytes += 1 + (i * 97) % 1400;
    for (int tries = 0; tries < 100 && peer.summary().empty(); ++tries) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    EXPECT_EQ(peer.summary(), "done " + std::to_string(bytes));
}

}  // namespace
}  // namespace mtb::guest
