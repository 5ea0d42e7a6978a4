// Issue 6: the DNR on the 68k test machine. Our dnr.c-style glue finds the build's cdev in the
// machine's virtual Control Panels folder (or the 'dnrp' in the System file), loads it and calls
// it; the real plugin answers from the test's DNS server on 127.0.0.1.
// SPDX-License-Identifier: GPL-2.0-or-later
#include <gtest/gtest.h>

#include "guest_harness.h"
#include "test_dns_server.h"

namespace mtb::guest {
namespace {

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

}  // namespace
}  // namespace mtb::guest
