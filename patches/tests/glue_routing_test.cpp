// Routing between the emulator and a loaded plugin: the IPP EMUL_OP with register translation,
// INTFLAG_IPP, execute68k, guest memory, and the order of reset, shutdown and unloading.
// SPDX-License-Identifier: GPL-2.0-or-later
#include <thread>
#include <vector>

#include "emul_op.h"
#include "glue_test_support.h"

namespace {

using ::testing::ElementsAre;

class Routing : public GlueTest {
protected:
    void SetUp() override {
        GlueTest::SetUp();
        init_with(FAKE_PLUGIN_GOOD);
    }

    static const mtb_regs &last_regs() {
        return *reinterpret_cast<const mtb_regs *(*)()>(loaded_symbol(FAKE_PLUGIN_GOOD, "fake_plugin_last_regs"))();
    }
};

M68kRegisters numbered_registers(uint32_t d0) {
    M68kRegisters r{};
    for (int i = 0; i < 8; ++i) {
        r.d[i] = 0x100u + static_cast<uint32_t>(i);
        r.a[i] = 0x200u + static_cast<uint32_t>(i);
    }
    r.d[0] = d0;
#ifndef SHEEPSHAVER
    r.sr = 0x2700;
#endif
    return r;
}

TEST_F(Routing, TheEmulOpPassesEveryRegisterRaw) {
    M68kRegisters r = numbered_registers(MTB_OP_CONTROL);
    const Output output = output_of([&] { fake::emul_op(M68K_EMUL_OP_IPP, &r); });
    EXPECT_THAT(output.out, ElementsAre("IPP: fake: emul_op d0=2"));
    const mtb_regs &seen = last_regs();
    EXPECT_EQ(seen.d[0], uint32_t{MTB_OP_CONTROL});
    for (int i = 1; i < 8; ++i) EXPECT_EQ(seen.d[i], 0x100u + i);
    for (int i = 0; i < 8; ++i) EXPECT_EQ(seen.a[i], 0x200u + i);
    EXPECT_FALSE(fake::state().bogus_emul_op);
}

TEST_F(Routing, TheEmulOpTakesBackEveryRegisterButA7) {
    M68kRegisters r = numbered_registers(0x101);
    output_of([&] { fake::emul_op(M68K_EMUL_OP_IPP, &r); });
    for (int i = 0; i < 8; ++i) EXPECT_EQ(r.d[i], 0xd0000000u + i);
    for (int i = 0; i < 7; ++i) EXPECT_EQ(r.a[i], 0xa0000000u + i);
    EXPECT_EQ(r.a[7], 0x207u) << "the guest stack pointer is not the plugin's";
#ifndef SHEEPSHAVER
    EXPECT_EQ(r.sr, 0x2700) << "Basilisk II's sr is not part of the plugin's registers";
#endif
}

TEST_F(Routing, Execute68kTranslatesRegistersBothWays) {
    fake::state().on_execute68k = [](uint32_t, M68kRegisters *r) {
        r->d[1] = 0xcafe0001;
        r->a[3] = 0xcafe0003;
    };
    M68kRegisters r = numbered_registers(0x100);
    r.a[2] = 0x00012340;  // the guest routine the fake plugin calls
    output_of([&] { fake::emul_op(M68K_EMUL_OP_IPP, &r); });

    ASSERT_EQ(fake::state().executes.size(), 1u);
    const fake::ExecuteCall &call = fake::state().executes[0];
    EXPECT_EQ(call.addr, 0x00012340u);
    for (int i = 1; i < 8; ++i) EXPECT_EQ(call.regs.d[i], 0x10101010u * i);
    for (int i = 0; i < 7; ++i) EXPECT_EQ(call.regs.a[i], i == 2 ? 0x00012340u : 0x200u + i);
    EXPECT_EQ(r.d[0], 0u) << "execute68k succeeded";
    EXPECT_EQ(r.d[1], 0xcafe0001u);
    EXPECT_EQ(r.d[2], 0x20202020u);
    EXPECT_EQ(r.a[3], 0xcafe0003u);
}

TEST_F(Routing, Execute68kIsRefusedOutsideAnEmulOpHandler) {
    mtb_regs regs{};
    int failed = 0;
    const Output output = output_of([&] { failed = host().execute68k(host().ctx, 0x1000, &regs); });
    EXPECT_NE(failed, 0);
    EXPECT_TRUE(fake::state().executes.empty());
    EXPECT_THAT(output.err, ElementsAre("IPP ERROR: execute68k refused outside an EMUL_OP handler"));
}

TEST_F(Routing, RaiseInterruptFromAnotherThreadSetsTheFlagAndTriggers) {
    std::thread network([this] { host().raise_interrupt(host().ctx); });
    network.join();
    EXPECT_EQ(fake::interrupt_flags(), uint32_t{INTFLAG_IPP});
    EXPECT_EQ(fake::trigger_count(), 1);
}

TEST_F(Routing, TheIrqCallsThePluginOnlyWhenItsFlagIsSet) {
    M68kRegisters irq{};
    Output output = output_of([&] { fake::emul_op(M68K_EMUL_OP_IRQ, &irq); });
    EXPECT_TRUE(output.out.empty());

    fake::set_interrupt_flags(INTFLAG_IPP | INTFLAG_ETHER);
    output = output_of([&] { fake::emul_op(M68K_EMUL_OP_IRQ, &irq); });
    EXPECT_THAT(output.out, ElementsAre("IPP: fake: interrupt"));
    EXPECT_EQ(fake::interrupt_flags(), uint32_t{INTFLAG_ETHER});

    output = output_of([&] { fake::emul_op(M68K_EMUL_OP_IRQ, &irq); });
    EXPECT_TRUE(output.out.empty()) << "one raise, one call";
}

TEST_F(Routing, TheInterruptHookMayRunGuestCode) {
    reinterpret_cast<void (*)(uint32_t)>(loaded_symbol(FAKE_PLUGIN_GOOD, "fake_plugin_set_interrupt_call"))(0x4000);
    fake::set_interrupt_flags(INTFLAG_IPP);
    M68kRegisters irq{};
    const Output output = output_of([&] { fake::emul_op(M68K_EMUL_OP_IRQ, &irq); });
    EXPECT_THAT(output.out, ElementsAre("IPP: fake: interrupt", "IPP: fake: interrupt execute68k -> 0"));
    ASSERT_EQ(fake::state().executes.size(), 1u);
    EXPECT_EQ(fake::state().executes[0].addr, 0x4000u);
    reinterpret_cast<void (*)(uint32_t)>(loaded_symbol(FAKE_PLUGIN_GOOD, "fake_plugin_set_interrupt_call"))(0);
}

// An interrupt arriving inside the plugin's EMUL_OP handler (nested in its guest call here; from
// a signal handler on SheepShaver for PowerPC hosts) waits until the handler has returned.
TEST_F(Routing, AnInterruptDuringTheEmulOpIsDeferredNotNested) {
    fake::set_interrupt_flags(INTFLAG_IPP);  // pending: taken inside the plugin's execute68k
    M68kRegisters r = numbered_registers(0x100);
    r.a[2] = 0x00012340;
    const Output during = output_of([&] { fake::emul_op(M68K_EMUL_OP_IPP, &r); });
    EXPECT_THAT(during.out, ElementsAre("IPP: fake: emul_op d0=256")) << "no interrupt inside the handler";
    EXPECT_EQ(fake::interrupt_flags(), uint32_t{INTFLAG_IPP}) << "raised again for later";
    EXPECT_EQ(fake::trigger_count(), 1);

    M68kRegisters irq{};
    const Output after = output_of([&] { fake::emul_op(M68K_EMUL_OP_IRQ, &irq); });
    EXPECT_THAT(after.out, ElementsAre("IPP: fake: interrupt")) << "delivered once, after the handler";
    EXPECT_EQ(fake::interrupt_flags(), 0u);
}

TEST_F(Routing, AnInterruptDuringTheInterruptHookIsDeferredToo) {
    reinterpret_cast<void (*)(uint32_t)>(loaded_symbol(FAKE_PLUGIN_GOOD, "fake_plugin_set_interrupt_call"))(0x4000);
    fake::state().on_execute68k = [](uint32_t, M68kRegisters *) { SetInterruptFlag(INTFLAG_IPP); };
    fake::set_interrupt_flags(INTFLAG_IPP);
    M68kRegisters irq{};
    const Output output = output_of([&] { fake::emul_op(M68K_EMUL_OP_IRQ, &irq); });
    EXPECT_THAT(output.out, ElementsAre("IPP: fake: interrupt", "IPP: fake: interrupt execute68k -> 0"));
    EXPECT_EQ(fake::interrupt_flags(), uint32_t{INTFLAG_IPP}) << "the raise from the network thread is kept";
    reinterpret_cast<void (*)(uint32_t)>(loaded_symbol(FAKE_PLUGIN_GOOD, "fake_plugin_set_interrupt_call"))(0);
}

// A completion routine or ASR run by the plugin calls the driver again: the EMUL_OP nests.
TEST_F(Routing, ANestedGuestCallReachesThePluginInsideItsOwnCall) {
    fake::state().on_execute68k = [](uint32_t, M68kRegisters *) {
        M68kRegisters inner = numbered_registers(0x102);
        fake::emul_op(M68K_EMUL_OP_IPP, &inner);
    };
    M68kRegisters r = numbered_registers(0x100);
    r.a[2] = 0x00012340;
    const Output output = output_of([&] { fake::emul_op(M68K_EMUL_OP_IPP, &r); });
    EXPECT_THAT(output.out, ElementsAre("IPP: fake: emul_op d0=256", "IPP: fake: emul_op d0=258"));
    EXPECT_EQ(r.d[0], 0u);
    EXPECT_FALSE(fake::state().execute68k_outside_emul_op);
}

TEST_F(Routing, GuestRamIsDescribedAndCopiesAreChecked) {
    mtb_ram_region ram{};
    ASSERT_EQ(host().get_ram(host().ctx, &ram), 0);
    EXPECT_EQ(ram.guest_base, fake::kRamBase);
    EXPECT_EQ(ram.size, fake::kRamSize);
    EXPECT_EQ(ram.host, RAMBaseHost);

    const uint8_t bytes[4] = {1, 2, 3, 4};
    uint8_t back[4] = {};
    const uint32_t last = fake::kRamBase + fake::kRamSize - 4;
    EXPECT_EQ(host().write_guest(host().ctx, last, bytes, 4), 0);
    EXPECT_EQ(host().read_guest(host().ctx, last, back, 4), 0);
    EXPECT_EQ(std::vector<uint8_t>(back, back + 4), std::vector<uint8_t>(bytes, bytes + 4));
    EXPECT_EQ(ReadMacInt32(last), 0x01020304u);

    EXPECT_NE(host().read_guest(host().ctx, last + 1, back, 4), 0) << "crosses the end of RAM";
    EXPECT_NE(host().write_guest(host().ctx, last, bytes, 5), 0) << "crosses the end of RAM";
    EXPECT_NE(host().read_guest(host().ctx, 0xfffffffe, back, 4), 0) << "wraps around";
    EXPECT_NE(host().read_guest(host().ctx, fake::kRamBase, back, 0xffffffff), 0) << "longer than RAM";
    EXPECT_NE(host().read_guest(host().ctx, 0x80000000, back, 1), 0) << "not RAM";
    EXPECT_EQ(host().read_guest(host().ctx, fake::kRamBase + fake::kRamSize, back, 0), 0) << "empty range at the end";
}

TEST_F(Routing, LowMemoryIsReadableWhereverRamIs) {
    WriteMacInt32(0x16a, 0x00001234);  // Ticks
    uint8_t ticks[4] = {};
    EXPECT_EQ(host().read_guest(host().ctx, 0x16a, ticks, 4), 0);
    EXPECT_EQ(ticks[2], 0x12);
    EXPECT_EQ(ticks[3], 0x34);
}

TEST_F(Routing, ResetReachesThePlugin) {
    const Output output = output_of([] { fake::emul_op(M68K_EMUL_OP_RESET, nullptr); });
    EXPECT_THAT(output.out, ElementsAre("IPP: fake: reset"));
}

TEST_F(Routing, ExitShutsDownOnceThenUnloadsAndEveryHookGoesQuiet) {
    const Output exit = output_of([] { IPPPluginExit(); });
    EXPECT_THAT(exit.out, ElementsAre("IPP: fake: shutdown", "fake: unloaded"));
    EXPECT_FALSE(is_loaded(FAKE_PLUGIN_GOOD));

    const Output after = output_of([this] {
        IPPPluginExit();
        fake::emul_op(M68K_EMUL_OP_RESET, nullptr);
        expect_runs_on_without_plugin();
    });
    EXPECT_TRUE(after.all().empty());
}

TEST_F(Routing, UnknownEmulOpWordsStillReachTheEmulatorsDefault) {
    M68kRegisters r{};
    fake::emul_op(static_cast<uint16_t>(M68K_EMUL_OP_IPP + 1), &r);
    EXPECT_TRUE(fake::state().bogus_emul_op) << "the fake's default case works, so the checks above mean something";
}

}  // namespace
