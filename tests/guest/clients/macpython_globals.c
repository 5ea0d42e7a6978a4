/*
 * MacPython `mactcp` module functions MTU(), IPAddr(), NetMask() (seed-mactcp-module.txt) through
 * the module's own calls: ipctlGetAddr, and UDPMaxMTUSize with remoteHost = our own address.
 * Parameters: expected_addr, expected_mask, expected_mtu.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "mtb_test.h"
#include "common/pymactcp.h"

int main(void)
{
    /* print mactcp.IPAddr(), mactcp.NetMask(), mactcp.MTU() */
    unsigned long addr = py_IPAddr();
    long mask = py_NetMask();
    unsigned short mtu = py_MTU();
    printf("IPAddr %lu.%lu.%lu.%lu NetMask %08lx MTU %u\n", addr >> 24, (addr >> 16) & 255,
           (addr >> 8) & 255, addr & 255, (unsigned long)mask, mtu);
    CHECK(py_driver_refnum() < 0);
    CHECK_EQ(addr, mtb_param("expected_addr"));
    CHECK_EQ(mask, mtb_param("expected_mask"));
    CHECK_EQ(mtu, mtb_param("expected_mtu"));
    /* A second round: the module opens the driver once and reuses the refnum. */
    short refnum = py_driver_refnum();
    CHECK_EQ(py_IPAddr(), addr);
    CHECK_EQ(py_MTU(), mtu);
    CHECK_EQ(py_driver_refnum(), refnum);
    return mtb_test_finish();
}
