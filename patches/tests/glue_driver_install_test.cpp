// Installing .IPP from InstallDrivers(): a free unit from the top of the table down to 48, the
// image in the system heap with the emulator's EMUL_OP word at every placeholder, a
// pointer-based DCE, and Open through the driver's own entry point.
// SPDX-License-Identifier: GPL-2.0-or-later
#include <cstring>

#include "emul_op.h"
#include "glue_test_support.h"

namespace {

using ::testing::ElementsAre;

constexpr uint16_t kNewPtrSysClear = 0xa71e, kDisposePtr = 0xa01f, kDrvrInstall = 0xa43d, kHLock = 0xa029,
                   kOpen = 0xa000, kGetOSTrapAddress = 0xa346, kGetToolTrapAddress = 0xa746, kGestalt = 0xa1ad;

class DriverInstall : public GlueTest {
protected:
    void SetUp() override {
        GlueTest::SetUp();
        init_with(FAKE_PLUGIN_GOOD);
    }

    // Loading a plugin logs nothing else; each test starts from an empty trap record.
    Output install() {
        fake::state().traps.clear();
        return output_of([] { fake::emul_op(M68K_EMUL_OP_INSTALL_DRIVERS, nullptr); });
    }

    static const mtb_plugin_api &plugin_table() {
        auto entry = reinterpret_cast<mtb_entry_fn>(loaded_symbol(FAKE_PLUGIN_GOOD, "mactcp_bridge_entry"));
        return *entry(&fake_plugin_host_table());
    }

    static const mtb_host_api &fake_plugin_host_table() {
        return *reinterpret_cast<const mtb_host_api *(*)()>(loaded_symbol(FAKE_PLUGIN_GOOD, "fake_plugin_host"))();
    }
};

TEST_F(DriverInstall, TakesTheHighestFreeUnitAndOpensTheDriver) {
    const Output output = install();
    EXPECT_THAT(fake::state().traps, ElementsAre(kNewPtrSysClear, kDrvrInstall, kHLock, kOpen, kGetOSTrapAddress,
                                                 kGetToolTrapAddress, kGestalt));
    ASSERT_EQ(output.out.size(), 5u);
#ifdef SHEEPSHAVER
    EXPECT_THAT(output.out[0], testing::MatchesRegex("IPP: guest RAM at 0x10000000, 4096 KB, host address .*; low memory mapped apart"));
#else
    EXPECT_THAT(output.out[0], testing::MatchesRegex("IPP: guest RAM at 0x00000000, 4096 KB, host address .*; low memory inside RAM"));
#endif
    EXPECT_THAT(std::vector<std::string>(output.out.begin() + 1, output.out.end()),
                ElementsAre("IPP: fake: emul_op d0=0", "IPP: .IPP installed in unit 63 (refNum -64), Open returned 0",
                            "IPP: no other .IPP in the unit table", "IPP: Gestalt 'mtcp' answers 3"));
    EXPECT_FALSE(fake::state().execute68k_outside_emul_op) << "every trap from inside EMUL_OP INSTALL_DRIVERS";

    const uint32_t handle = fake::unit(63);
    ASSERT_NE(handle, 0u);
    const uint32_t dce = ReadMacInt32(handle);
    const uint32_t image = ReadMacInt32(dce + 0);
    EXPECT_EQ(ReadMacInt16(dce + 4), 0x4c00u | fake::kDOpened) << "header flags, dRAMBased clear, opened";
    EXPECT_EQ(fake::pascal_string(image + 18), ".IPP");

    // Open ran through the driver's entry point with the Device Manager's registers.
    const mtb_regs &open = *reinterpret_cast<const mtb_regs *(*)()>(loaded_symbol(FAKE_PLUGIN_GOOD, "fake_plugin_last_regs"))();
    EXPECT_EQ(open.d[0], uint32_t{MTB_OP_OPEN});
    EXPECT_EQ(open.a[1], dce);
    EXPECT_EQ(ReadMacInt32(open.a[0] + 18), image + 18) << "ioNamePtr: the name inside the image";
    EXPECT_GE(open.a[0], image + 0x3e) << "the parameter block lies behind the image";
}

TEST_F(DriverInstall, CopiesTheImageAndPatchesEveryEmulOpPlaceholder) {
    install();
    const uint32_t image = ReadMacInt32(ReadMacInt32(fake::unit(63)));
    const mtb_plugin_api &table = plugin_table();
    for (uint32_t offset = 0; offset < table.driver_image_size; offset += 2) {
        bool placeholder = false;
        for (uint32_t i = 0; i < table.emul_op_offset_count; ++i) placeholder |= table.emul_op_offsets[i] == offset;
        const uint32_t original = (uint32_t{table.driver_image[offset]} << 8) | table.driver_image[offset + 1];
        EXPECT_EQ(ReadMacInt16(image + offset), placeholder ? M68K_EMUL_OP_IPP : original) << "offset " << offset;
    }
    EXPECT_EQ(fake::state().flush_count, 1);
}

TEST_F(DriverInstall, SkipsTakenUnits) {
    fake::take_unit(63);
    fake::take_unit(62);
    const uint32_t taken63 = fake::unit(63), taken62 = fake::unit(62);
    const Output output = install();
    EXPECT_THAT(output.out, testing::Contains("IPP: .IPP installed in unit 61 (refNum -62), Open returned 0"));
    EXPECT_EQ(fake::unit(63), taken63);
    EXPECT_EQ(fake::unit(62), taken62);
}

TEST_F(DriverInstall, TakesUnit48WhenItIsTheLastFreeOne) {
    for (int unit = 49; unit < 64; ++unit) fake::take_unit(unit);
    const Output output = install();
    EXPECT_THAT(output.out, testing::Contains("IPP: .IPP installed in unit 48 (refNum -49), Open returned 0"));
}

TEST_F(DriverInstall, AFullTableIsLeftAloneAndNotGrown) {
    std::vector<uint32_t> taken;
    for (int unit = 48; unit < 64; ++unit) {
        fake::take_unit(unit);
        taken.push_back(fake::unit(unit));
    }
    const Output output = install();
    EXPECT_THAT(output.err, ElementsAre("IPP ERROR: no free unit table entry, .IPP not installed"));
    EXPECT_EQ(output.out.size(), 1u) << "the RAM layout only";
    EXPECT_TRUE(fake::state().traps.empty());
    EXPECT_EQ(ReadMacInt16(fake::kUnitNtryCnt), 64u);
    EXPECT_EQ(ReadMacInt32(fake::kUTableBase), fake::kUnitTable);
    for (int unit = 48; unit < 64; ++unit) EXPECT_EQ(fake::unit(unit), taken[unit - 48]);
}

TEST_F(DriverInstall, ATableWithNoDynamicUnitsCountsAsFull) {
    fake::reset_guest(48);
    const Output output = install();
    EXPECT_THAT(output.err, ElementsAre("IPP ERROR: no free unit table entry, .IPP not installed"));
    EXPECT_TRUE(fake::state().traps.empty());
}

TEST_F(DriverInstall, AUnitTableOutsideRamIsNotTouched) {
    WriteMacInt32(fake::kUTableBase, 0xf0000000);
    const Output output = install();
    EXPECT_THAT(output.err, ElementsAre("IPP ERROR: no free unit table entry, .IPP not installed"));
    EXPECT_TRUE(fake::state().traps.empty());
}

TEST_F(DriverInstall, NoSystemHeapMemory) {
    fake::state().fail_new_ptr = true;
    const Output output = install();
    EXPECT_THAT(output.err, ElementsAre("IPP ERROR: no system heap memory for .IPP, not installed"));
    EXPECT_THAT(fake::state().traps, ElementsAre(kNewPtrSysClear));
    EXPECT_EQ(fake::unit(63), 0u);
}

TEST_F(DriverInstall, AFailedDrvrInstallFreesTheImage) {
    fake::state().drvr_install_error = -29;  // unitTblFullErr
    const Output output = install();
    EXPECT_THAT(output.err, ElementsAre("IPP ERROR: DrvrInstall of .IPP in unit 63 failed (-29), not installed"));
    EXPECT_THAT(fake::state().traps, ElementsAre(kNewPtrSysClear, kDrvrInstall, kDisposePtr));
    EXPECT_EQ(fake::state().disposed, fake::state().allocated);
    EXPECT_EQ(fake::unit(63), 0u);
}

TEST_F(DriverInstall, EveryBootInstallsAgain) {
    install();
    fake::emul_op(M68K_EMUL_OP_RESET, nullptr);
    fake::reset_guest();  // the guest's memory is rebuilt after a restart
    const Output output = install();
    EXPECT_THAT(output.out, testing::Contains("IPP: .IPP installed in unit 63 (refNum -64), Open returned 0"));
}

TEST_F(DriverInstall, AnotherIppAlreadyOpenThatOpenFindsFirstIsReportedAsTheWinner) {
    fake::take_unit(40, ".ipp", /*opened=*/true, /*handle_based=*/true);  // MacTCP's, from its resource
    const Output output = install();
    EXPECT_THAT(output.err, ElementsAre("IPP WARNING: Open(\".IPP\") reached the .IPP in unit 40, not ours in unit 63: "
                                        "programs will use that one, not MacTCP Bridge"));
    EXPECT_THAT(fake::state().traps, testing::Not(testing::Contains(kGestalt))) << "'mtcp' would be the other's";
}

TEST_F(DriverInstall, AnotherIppThatOpenFindsLaterIsReportedAndOursWins) {
    fake::take_unit(63, ".IPP", /*opened=*/true);
    const Output output = install();
    EXPECT_TRUE(output.err.empty()) << output.err.at(0);
    EXPECT_THAT(output.out, testing::Contains("IPP: .IPP installed in unit 62 (refNum -63), Open returned 0"));
    EXPECT_THAT(output.out, testing::Contains("IPP: another .IPP is in unit 63; ours answers Open(\".IPP\")"));
}

TEST_F(DriverInstall, AMissingGestaltRegistrationIsAWarning) {
    fake::state().open_registers_gestalt = false;
    const Output output = install();
    EXPECT_THAT(output.err, ElementsAre("IPP WARNING: Gestalt 'mtcp' is not registered (-5551): programs that check it "
                                        "will not use MacTCP"));
}

TEST_F(DriverInstall, ASystemWithoutGestaltIsNoted) {
    fake::state().has_gestalt = false;
    const Output output = install();
    EXPECT_TRUE(output.err.empty());
    EXPECT_THAT(output.out, testing::Contains("IPP: no Gestalt in this System: 'mtcp' not registered"));
    EXPECT_THAT(fake::state().traps, testing::Not(testing::Contains(kGestalt)));
}

}  // namespace
