// The fake emulator: definitions of every emulator symbol the glue uses, plus a tiny model of
// the Toolbox traps it calls. Addresses the glue did not check first abort the test binary.
// SPDX-License-Identifier: GPL-2.0-or-later
#include "fake_mac.h"

#include <array>
#include <atomic>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>

#include "emul_op.h"
#include "ipp_plugin.h"
#include "prefs.h"

// ---- Emulator globals, named and typed as in each emulator ----
#ifdef SHEEPSHAVER
uint32 RAMBase;
volatile uint32 InterruptFlags;
#else
uint32 RAMBaseMac;
uint32 InterruptFlags;
#endif
uint8 *RAMBaseHost;
uint32 RAMSize;

namespace fake {
namespace {

std::vector<uint8_t> g_ram(kRamSize);
std::array<uint8_t, 0x3000> g_low_memory{};  // SheepShaver only: low memory outside RAM
std::unique_ptr<State> g_state = std::make_unique<State>();
std::mutex g_flag_lock;
std::atomic<int> g_triggers{0};

[[noreturn]] void out_of_guest(uint32_t addr) {
    std::fprintf(stderr, "fake emulator: access to unmapped guest address 0x%08x\n", addr);
    std::abort();
}

// Host address of guest `addr`; `end_ok` admits the address just past RAM or low memory (a
// pointer to the end of an empty range), which no access may use.
uint8_t *host_address(uint32_t addr, bool end_ok) {
    const uint32_t slack = end_ok ? 1 : 0;
    if (addr >= kRamBase && addr - kRamBase < kRamSize + slack) return g_ram.data() + (addr - kRamBase);
#ifdef SHEEPSHAVER
    if (addr < g_low_memory.size() + slack) return g_low_memory.data() + addr;
#endif
    out_of_guest(addr);
}

// Run the one kind of 68k code the fake understands: `moveq #n,d0` then an EMUL_OP word.
// That is the shape of every .IPP entry point, and it proves the word was patched in.
void run_driver_entry(uint32_t entry, M68kRegisters *r) {
    const uint32_t moveq = ReadMacInt16(entry);
    if ((moveq & 0xff00) != 0x7000) {
        std::fprintf(stderr, "fake emulator: driver entry at 0x%08x does not start with moveq\n", entry);
        std::abort();
    }
    r->d[0] = static_cast<uint32_t>(static_cast<int32_t>(static_cast<int8_t>(moveq & 0xff)));
    emul_op(static_cast<uint16_t>(ReadMacInt16(entry + 2)), r);
}

bool same_name(const std::string &a, const std::string &b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
    }
    return true;
}

// _Open for a driver name: search the unit table from unit 0, call the driver's Open unless it
// is open already. Drivers of other makers (take_unit) have no code the fake can run: they open.
void trap_open(M68kRegisters *r) {
    const uint32_t pb = r->a[0];
    const std::string name = pascal_string(ReadMacInt32(pb + 18));
    const uint32_t table = ReadMacInt32(kUTableBase);
    const int count = static_cast<int>(ReadMacInt16(kUnitNtryCnt));
    for (int unit = 0; unit < count; ++unit) {
        const uint32_t handle = ReadMacInt32(table + unit * 4);
        if (handle == 0) continue;
        const uint32_t dce = ReadMacInt32(handle);
        const uint32_t flags = ReadMacInt16(dce + 4);
        uint32_t driver = ReadMacInt32(dce);
        if (driver != 0 && (flags & kDRamBased) != 0) driver = ReadMacInt32(driver);
        if (driver == 0 || !same_name(pascal_string(driver + 18), name)) continue;
        const int16_t ref_num = static_cast<int16_t>(~unit);
        int16_t result = 0;
        const uint32_t entry = driver + ReadMacInt16(driver + 8);
        if ((flags & kDOpened) == 0 && ReadMacInt16(driver + 8) != 0) {
            M68kRegisters open{};
            open.a[0] = pb;
            open.a[1] = dce;
            run_driver_entry(entry, &open);
            result = static_cast<int16_t>(open.d[0]);
            // The real .IPP registers Gestalt 'mtcp' after its EMUL_OP (ipp_driver.S)
            if (result == 0 && g_state->open_registers_gestalt && g_state->has_gestalt) g_state->gestalt[0x6d746370] = 3;
        }
        if (result == 0) WriteMacInt16(dce + 4, flags | kDOpened);
        WriteMacInt16(pb + 24, static_cast<uint16_t>(ref_num));  // ioRefNum
        WriteMacInt16(pb + 16, static_cast<uint16_t>(result));   // ioResult
        r->d[0] = static_cast<uint32_t>(static_cast<int32_t>(result));
        return;
    }
    r->d[0] = static_cast<uint32_t>(static_cast<int32_t>(kDriverNotFound));
}

// DrvrInstallRsrvMem: a DCE (and its handle) for the driver at a0, as unit ~d0.
void trap_drvr_install(M68kRegisters *r) {
    const int unit = ~static_cast<int16_t>(r->d[0]);
    const int count = static_cast<int>(ReadMacInt16(kUnitNtryCnt));
    const uint32_t table = ReadMacInt32(kUTableBase);
    int16_t result = g_state->drvr_install_error;
    if (result == 0 && (unit < 0 || unit >= count || ReadMacInt32(table + unit * 4) != 0)) result = kBadUnitErr;
    if (result == 0) {
        const uint32_t dce = new_ptr(kDceSize);
        const uint32_t handle = new_ptr(4);
        WriteMacInt32(handle, dce);
        WriteMacInt16(dce + 24, static_cast<uint16_t>(~unit));  // dCtlRefNum
        WriteMacInt32(table + unit * 4, handle);
    }
    r->d[0] = static_cast<uint32_t>(static_cast<int32_t>(result));
}

}  // namespace

// What happens at the start of every guest call the glue makes: the run-mode check, and a
// pending interrupt taken right there (the guest runs with interrupts enabled).
void entering_guest_code() {
    if (g_state->emul_op_depth == 0) {
#ifdef SHEEPSHAVER
        std::fprintf(stderr, "FATAL: Execute68k() not called from EMUL_OP mode\n");
#endif
        g_state->execute68k_outside_emul_op = true;
    }
    if (g_state->interrupts_in_guest_calls && g_state->irq_depth == 0 && interrupt_flags() != 0) {
        M68kRegisters irq{};
        emul_op(M68K_EMUL_OP_IRQ, &irq);
    }
}

State &state() { return *g_state; }

uint32_t new_ptr(uint32_t size) {
    const uint32_t ptr = g_state->heap_next;
    if (ptr + size > kRamBase + kRamSize) return 0;
    g_state->heap_next = (ptr + size + 3) & ~3u;
    std::memset(Mac2HostAddr(ptr), 0, size);
    return ptr;
}

void reset_guest(uint16_t unit_count) {
    g_state = std::make_unique<State>();
    g_triggers = 0;
    std::fill(g_ram.begin(), g_ram.end(), 0);
    g_low_memory.fill(0);
#ifdef SHEEPSHAVER
    RAMBase = kRamBase;
#else
    RAMBaseMac = kRamBase;
#endif
    RAMBaseHost = g_ram.data();
    RAMSize = kRamSize;
    InterruptFlags = 0;
    WriteMacInt32(kUTableBase, kUnitTable);
    WriteMacInt16(kUnitNtryCnt, unit_count);
    for (int unit = 0; unit < 48 && unit < unit_count; ++unit) take_unit(unit);
}

void set_prefs(std::multimap<std::string, std::string> prefs) { g_state->prefs = std::move(prefs); }

// A DRVR header without code (all entry offsets 0) and the name, in a DCE of its own.
void take_unit(int unit, const char *name, bool opened, bool handle_based) {
    const std::size_t length = std::strlen(name);
    const uint32_t driver = new_ptr(static_cast<uint32_t>(18 + 1 + length));
    Mac2HostAddr(driver)[18] = static_cast<uint8_t>(length);
    std::memcpy(Mac2HostAddr(driver + 19), name, length);
    const uint32_t dce = new_ptr(kDceSize);
    const uint32_t handle = new_ptr(4);
    WriteMacInt32(handle, dce);
    if (handle_based) {
        const uint32_t master = new_ptr(4);
        WriteMacInt32(master, driver);
        WriteMacInt32(dce, master);
    } else {
        WriteMacInt32(dce, driver);
    }
    WriteMacInt16(dce + 4, (opened ? kDOpened : 0) | (handle_based ? kDRamBased : 0));
    WriteMacInt16(dce + 24, static_cast<uint16_t>(~unit));
    WriteMacInt32(kUnitTable + unit * 4, handle);
}
uint32_t unit(int unit) { return ReadMacInt32(kUnitTable + unit * 4); }

uint32_t interrupt_flags() {
    std::lock_guard<std::mutex> lock(g_flag_lock);
    return InterruptFlags;
}

void set_interrupt_flags(uint32_t flags) {
    std::lock_guard<std::mutex> lock(g_flag_lock);
    InterruptFlags = flags;
}

std::string pascal_string(uint32_t addr) {
    const uint32_t length = ReadMacInt16(addr) >> 8;
    if (length > 0) host_address(addr + length, false);
    return std::string(reinterpret_cast<const char *>(Mac2HostAddr(addr + 1)), length);
}

void emul_op(uint16_t opcode, M68kRegisters *r) {
    // What each emulator's EmulOp() does for the words the patches add or extend, in EMUL_OP mode.
    struct Mode {
        Mode() { ++g_state->emul_op_depth; }
        ~Mode() { --g_state->emul_op_depth; }
    } mode;
    if (opcode == M68K_EMUL_OP_IPP) {
        IPPPluginEmulOp(r);
    } else if (opcode == M68K_EMUL_OP_IRQ) {
        r->d[0] = 0;
        ++g_state->irq_depth;
        if (InterruptFlags & INTFLAG_IPP) {  // the patches' hook, in the form of every other flag
            ClearInterruptFlag(INTFLAG_IPP);
            IPPPluginInterrupt();
        }
        --g_state->irq_depth;
    } else if (opcode == M68K_EMUL_OP_RESET) {
        IPPPluginReset();
    } else if (opcode == M68K_EMUL_OP_INSTALL_DRIVERS) {
        IPPPluginInstallDriver();
    } else {
        g_state->bogus_emul_op = true;  // the emulator would print FATAL and quit here
    }
}

int trigger_count() { return g_triggers; }

}  // namespace fake

// ---- Emulator functions ----

uint8 *Mac2HostAddr(uint32 addr) { return fake::host_address(addr, true); }

uint32 ReadMacInt16(uint32 addr) {
    const uint8 *p = fake::host_address(addr, false);
    fake::host_address(addr + 1, false);
    return (uint32{p[0]} << 8) | p[1];
}

uint32 ReadMacInt32(uint32 addr) { return (ReadMacInt16(addr) << 16) | ReadMacInt16(addr + 2); }

void WriteMacInt16(uint32 addr, uint32 value) {
    uint8 *p = fake::host_address(addr, false);
    fake::host_address(addr + 1, false);
    p[0] = static_cast<uint8>(value >> 8);
    p[1] = static_cast<uint8>(value);
}

void WriteMacInt32(uint32 addr, uint32 value) {
    WriteMacInt16(addr, value >> 16);
    WriteMacInt16(addr + 2, value & 0xffff);
}

#ifdef SHEEPSHAVER
void Execute68k(uint32 pc, M68kRegisters *r)
#else
extern "C" void Execute68k(uint32 pc, M68kRegisters *r)
#endif
{
    fake::entering_guest_code();
    fake::state().executes.push_back({pc, *r});
    if (fake::state().on_execute68k) fake::state().on_execute68k(pc, r);
}

#ifdef SHEEPSHAVER
void Execute68kTrap(uint16 trap, M68kRegisters *r)
#else
extern "C" void Execute68kTrap(uint16 trap, M68kRegisters *r)
#endif
{
    using namespace fake;
    entering_guest_code();
    state().traps.push_back(trap);
    switch (trap) {
    case 0xa71e: {  // NewPtrSysClear
        const uint32_t ptr = state().fail_new_ptr ? 0 : new_ptr(r->d[0]);
        if (ptr != 0) state().allocated.push_back(ptr);
        r->a[0] = ptr;
        r->d[0] = static_cast<uint32_t>(static_cast<int32_t>(ptr == 0 ? kMemFullErr : 0));
        break;
    }
    case 0xa01f:  // DisposePtr
        state().disposed.push_back(r->a[0]);
        r->d[0] = 0;
        break;
    case 0xa43d:  // DrvrInstallRsrvMem
        trap_drvr_install(r);
        break;
    case 0xa029:  // HLock
        r->d[0] = 0;
        break;
    case 0xa000:  // Open
        trap_open(r);
        break;
    case 0xa346:  // GetOSTrapAddress: _Gestalt (0xad) is implemented or not
        r->a[0] = (r->d[0] & 0xff) == 0xad && state().has_gestalt ? 0x00400000 : 0x00401000;
        r->d[0] = 0;
        break;
    case 0xa746:  // GetToolTrapAddress: _Unimplemented (0x9f)
        r->a[0] = 0x00401000;
        r->d[0] = 0;
        break;
    case 0xa1ad: {  // Gestalt
        const auto found = state().gestalt.find(r->d[0]);
        r->a[0] = found == state().gestalt.end() ? 0 : found->second;
        r->d[0] = static_cast<uint32_t>(static_cast<int32_t>(found == state().gestalt.end() ? kGestaltUndefSelectorErr : 0));
        break;
    }
    default:
        r->d[0] = static_cast<uint32_t>(static_cast<int32_t>(kUnimplemented));
        break;
    }
}

void SetInterruptFlag(uint32 flag) {
    std::lock_guard<std::mutex> lock(fake::g_flag_lock);
    InterruptFlags = InterruptFlags | flag;  // no compound assignment: it is volatile in SheepShaver
}

void ClearInterruptFlag(uint32 flag) {
    std::lock_guard<std::mutex> lock(fake::g_flag_lock);
    InterruptFlags = InterruptFlags & ~flag;
}

void TriggerInterrupt(void) { ++fake::g_triggers; }

#ifdef SHEEPSHAVER
void FlushCodeCache(uintptr, uintptr) { ++fake::state().flush_count; }
#else
void FlushCodeCache(void *, uint32) { ++fake::state().flush_count; }
#endif

const char *PrefsFindString(const char *name, int index) {
    auto [value, end] = fake::state().prefs.equal_range(name);
    for (; value != end && index > 0; --index) ++value;
    return value == end ? nullptr : value->second.c_str();
}

void WarningAlert(const char *text) { fake::state().alerts.push_back(text); }
