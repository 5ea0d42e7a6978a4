// SPDX-License-Identifier: GPL-2.0-or-later
#include "machine.h"

#include <cstdio>
#include <cstring>
#include <stdexcept>

#include "exception_frames.h"
#include "fault_report.h"
#include "low_memory.h"
#include "traps.h"
#include "watchdog.h"

namespace mtb::machine {

namespace {
constexpr uint32_t kWarmStartMagic = 0x574C5343;  // 'WLSC': "the system is up"
constexpr int kBlocksPerTickUpdate = 64;          // reading the clock on every block costs ~10%

const char *level_name(int level) {
  switch (level) {
    case MTB_LOG_ERROR: return "error";
    case MTB_LOG_WARNING: return "warning";
    case MTB_LOG_INFO: return "info";
    default: return "debug";
  }
}
}  // namespace

Machine::Machine(MachineOptions options)
    : options_(std::move(options)), ram_(options_.ram_size) {
  if (ram_.size() < lowmem::kMinRamSize)
    throw std::runtime_error("guest RAM must be at least " + std::to_string(lowmem::kMinRamSize) +
                             " bytes");
  cpu_ = std::make_unique<Cpu>(options_.cpu, ram_, *this);
  const uint32_t stack_bottom = ram_.size() - lowmem::kStackSize;
  memory_ = std::make_unique<MemoryManager>(
      ram_, Heap("system", lowmem::kSystemHeapBase, lowmem::kSystemHeapEnd - lowmem::kSystemHeapBase),
      Heap("application", lowmem::kAppHeapBase, stack_bottom - lowmem::kAppHeapBase));
  devices_ = std::make_unique<DeviceManager>(*this);
  resources_ = std::make_unique<ResourceManager>(ram_, *memory_, options_.files);
  // gestaltOSAttr ('os  ') with gestaltLaunchControl (bit 3): "the Process Manager is here",
  // which clients check before calling WakeUpProcess. Options may override it.
  gestalt_.set_value(0x6F732020, 1u << 3);
  for (const auto &[selector, value] : options_.gestalt) gestalt_.set_value(selector, value);
  tick_origin_ = std::chrono::steady_clock::now();
  init_low_memory();
  if (!options_.plugin_path.empty() || options_.plugin_entry) {
    plugin_ = std::make_unique<PluginHost>(*this, MTB_HOSTCALL_PLUGIN, options_.plugin_path,
                                           options_.plugin_entry);
    install_plugin_driver();
  }
}

Machine::~Machine() {
  // The plugin's shutdown may still log or raise: everything else must outlive it.
  plugin_.reset();
}

void Machine::init_low_memory() {
  // Vector table: every exception to an ILLEGAL stub, level 1 to the interrupt stub. Unicorn
  // never reads it; it is there for guest code that inspects vectors.
  for (uint32_t v = 2; v < 256; ++v) ram_.w32(v * 4, lowmem::kUnhandledStub);
  ram_.w32(lowmem::kLevel1Vector * 4, lowmem::kIrqStub);
  ram_.w16(lowmem::kReturnStub, MTB_HOSTCALL_RETURN);
  ram_.w16(lowmem::kIrqStub, MTB_HOSTCALL_IRQ);
  ram_.w16(lowmem::kIrqStub + 2, 0x4E73);  // RTE
  ram_.w16(lowmem::kIODoneStub, MTB_HOSTCALL_IODONE);
  ram_.w16(lowmem::kIODoneStub + 2, 0x4E75);  // RTS
  ram_.w16(lowmem::kUnhandledStub, 0x4AFC);   // ILLEGAL
  install_trap_stubs(ram_);
  ram_.w32(lowmem::kJIODone, lowmem::kIODoneStub);
  ram_.w32(lowmem::kCurrentA5, lowmem::kA5World);
  ram_.w32(lowmem::kWarmStart, kWarmStartMagic);
  // CPUFlag: code that builds exception frames itself (the DNR's RTE return) reads it.
  ram_.w8(lowmem::kCPUFlag, options_.cpu == CpuModel::M68020 ? 2 : 0);
  ram_.w16(lowmem::kBootDrive, static_cast<uint16_t>(ResourceManager::kBootVRefNum));
  devices_->init_unit_table(lowmem::kUnitTableEntries);
  update_ticks();
}

void Machine::install_plugin_driver() {
  // As the emulator glue does it: copy into a NewPtrSysClear block, EMUL_OP words patched,
  // pointer-based DCE in a free unit. The guest opens it by name.
  const std::vector<uint8_t> image = plugin_->patched_driver_image();
  const uint32_t addr = memory_->new_ptr(static_cast<uint32_t>(image.size()), /*system=*/true,
                                     BlockContents::cleared);
  if (!addr || !ram_.write(addr, image.data(), static_cast<uint32_t>(image.size())))
    throw std::runtime_error("no room in the system heap for the plugin's driver");
  driver_refnum_ = devices_->install_driver(addr);
  note("installed the plugin's driver '" + ram_.pascal_string(addr + 18) + "' at " +
       hex32(addr) + " as refnum " + std::to_string(driver_refnum_));
}

void Machine::set_param(const std::string &name, const std::string &value) {
  options_.params[name] = value;
}

void Machine::register_gestalt(uint32_t selector, uint32_t value) {
  gestalt_.set_value(selector, value);
}

const std::string *Machine::param(const std::string &name) const {
  auto it = options_.params.find(name);
  return it == options_.params.end() ? nullptr : &it->second;
}

RunResult Machine::run_image(std::span<const uint8_t> image) {
  const auto start = std::chrono::steady_clock::now();
  output_.clear();
  exited_ = false;
  exit_code_ = -1;
  failure_.clear();
  timed_out_ = false;
  processes_.reset();
  {
    std::lock_guard lock(log_mutex_);
    log_.clear();
  }
  RunResult result;
  if (image.empty() || image.size() > lowmem::kProgramMaxSize) {
    result.failure = "program image of " + std::to_string(image.size()) +
                     " bytes does not fit the program area (1 MB at " +
                     hex32(lowmem::kProgramBase) + ")";
    return result;
  }
  ram_.fill(lowmem::kProgramBase, 0, lowmem::kProgramMaxSize);
  ram_.write(lowmem::kProgramBase, image.data(), static_cast<uint32_t>(image.size()));
  // The stack holds garbage, as on the Mac: locals the program forgets to set are not zero.
  fill_with_garbage(ram_, ram_.size() - lowmem::kStackSize, lowmem::kStackSize);
  // A previous program's translations must not survive.
  cpu_->flush_code_cache(lowmem::kProgramBase, lowmem::kProgramBase + lowmem::kProgramMaxSize);
  cpu_->reset_stop();
  cpu_->set_regs(GuestRegs{});
  cpu_->set_a(5, lowmem::kA5World);

  bool returned = false;
  {
    Watchdog watchdog(options_.timeout, [this] {
      timed_out_ = true;
      cpu_->stop_from_any_thread();
      irq_.wake();
    });
    returned = cpu_->run(lowmem::kProgramBase, ram_.size());
  }
  if (returned && !exited_) {  // main's caller returned to the return stub
    exited_ = true;
    exit_code_ = static_cast<int32_t>(cpu_->d(0));
  }
  if (timed_out_ && !exited_ && failure_.empty())
    failure_ = "timeout: the program did not finish within " +
               std::to_string(options_.timeout.count()) + " ms\n" +
               describe_cpu_state(*cpu_, ram_);
  if (!exited_ && failure_.empty()) failure_ = "the run stopped without a reason\n" +
                                               describe_cpu_state(*cpu_, ram_);
  result.exited = exited_ && failure_.empty();
  result.exit_code = exit_code_;
  result.output = output_;
  result.failure = failure_;
  result.wake_up_process_calls = processes_.wake_up_calls();
  result.timed_out = timed_out_;
  {
    std::lock_guard lock(log_mutex_);
    result.log = log_;
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

void Machine::print(const std::string &text) {
  output_ += text;
  if (options_.echo_output) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
  }
}

void Machine::exit_program(int32_t code) {
  exited_ = true;
  exit_code_ = code;
  cpu_->stop();
}

void Machine::fail(const std::string &what) {
  if (failure_.empty() && !exited_ && !timed_out_)
    failure_ = what + "\n" + describe_cpu_state(*cpu_, ram_);
  cpu_->stop();
}

uint32_t Machine::update_ticks() {
  const auto elapsed = std::chrono::steady_clock::now() - tick_origin_;
  const auto ticks = static_cast<uint32_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count() * 60 / 1000000);
  ram_.w32(lowmem::kTicks, ticks);
  return ticks;
}

void Machine::service_interrupt_from_host() {
  if (!irq_.take() || !plugin_) return;
  const uint32_t sr = cpu_->sr();
  cpu_->set_sr((sr & ~0x0700u) | 0x0100);  // the plugin's callbacks run at level 1
  {
    PluginCall call(*this);
    plugin_->interrupt();
  }
  if (!cpu_->stopping()) cpu_->set_sr(sr);
}

void Machine::deliver_pending_interrupt() {
  update_ticks();
  if (irq_.pending() && plugin_ && interrupt_mask(cpu_->sr()) < 1) service_interrupt_from_host();
}

bool Machine::host_wait(const std::function<bool()> &done) {
  for (;;) {
    if (cpu_->stopping()) return false;
    update_ticks();
    if (done()) return true;
    if (irq_.pending() && plugin_ && interrupt_mask(cpu_->sr()) < 1) {
      service_interrupt_from_host();
      continue;
    }
    irq_.wait_for(std::chrono::milliseconds(2));
  }
}

bool Machine::wait_for_result(uint32_t result_addr) {
  if (interrupt_mask(cpu_->sr()) >= 1 && static_cast<int16_t>(ram_.r16(result_addr)) > 0)
    note("synchronous I/O at interrupt level (SR mask >= 1): completions cannot arrive; a real "
         "Mac hangs here too");
  return host_wait([&] { return static_cast<int16_t>(ram_.r16(result_addr)) <= 0; });
}

int Machine::interrupt_level() { return interrupt_mask(cpu_->sr()); }

void Machine::note(const std::string &line) {
  std::lock_guard lock(log_mutex_);
  log_.push_back("[machine] " + line);
}

int Machine::execute68k(uint32_t addr, mtb_regs *regs) {
  if (plugin_depth_ == 0 || !regs) {
    plugin_log(MTB_LOG_ERROR, "execute68k called outside emul_op/interrupt: refused");
    return 1;
  }
  GuestRegs r = cpu_->regs();
  for (int i = 0; i < 8; ++i) r.d[i] = regs->d[i];
  for (int i = 0; i < 7; ++i) r.a[i] = regs->a[i];
  const bool ok = cpu_->call(addr, r);
  for (int i = 0; i < 8; ++i) regs->d[i] = r.d[i];
  for (int i = 0; i < 7; ++i) regs->a[i] = r.a[i];
  return ok ? 0 : 1;
}

const char *Machine::pref_string(const char *name) {
  if (!name) return nullptr;
  auto it = options_.prefs.find(name);
  return it == options_.prefs.end() ? nullptr : it->second.c_str();
}

void Machine::plugin_log(int level, const char *line) {
  std::string text = std::string("[") + level_name(level) + "] " + (line ? line : "(null)");
  if (options_.echo_log) std::fprintf(stderr, "mtb-plugin %s\n", text.c_str());
  std::lock_guard lock(log_mutex_);
  log_.push_back(std::move(text));
}

std::optional<uint32_t> Machine::on_exception(uint32_t intno, uint32_t pc) {
  try {
    switch (intno) {
      case 10: return dispatch_aline_trap(*this, ram_.r16(pc), pc);
      case 4: {
        const uint16_t word = ram_.r16(pc);
        if ((word & 0xFF00) == 0x7100) return dispatch_host_call(*this, word, pc);
        fail("guest fault: illegal instruction " + hex16(word));
        return std::nullopt;
      }
      case 0x100: return pop_exception_frame(*cpu_, ram_);
      default:
        fail("guest fault: " + exception_name(intno) + " (vector " + std::to_string(intno) + ")");
        return std::nullopt;
    }
  } catch (const GuestMemoryError &e) {
    fail(std::string("guest fault: bad guest memory access while handling ") +
         exception_name(intno) + ": " + e.what());
    return std::nullopt;
  }
}

void Machine::on_block(uint32_t address) {
  if (++block_counter_ % kBlocksPerTickUpdate == 0) update_ticks();
  if (!irq_.pending() || !plugin_) return;
  if (address == lowmem::kReturnStub) return;  // the end of a run, not a boundary inside it
  if (push_level1_frame(*cpu_, ram_, address)) cpu_->redirect(lowmem::kIrqStub);
}

void Machine::on_stop_instruction() {
  // STOP: sleep until an interrupt the new mask lets through, then take it.
  while (!cpu_->stopping()) {
    update_ticks();
    if (irq_.pending() && plugin_ && push_level1_frame(*cpu_, ram_, cpu_->pc())) {
      cpu_->redirect(lowmem::kIrqStub);
      return;
    }
    irq_.wait_for(std::chrono::milliseconds(2));
  }
}

void Machine::on_cpu_failure(const std::string &what) { fail("guest fault: " + what); }

}  // namespace mtb::machine
