// SPDX-License-Identifier: GPL-2.0-or-later
#include "fake_plugin.h"

#include <chrono>

#include "mtb_machine/test_drvr_image.h"

namespace mtb::machine::testing {

namespace image = mtb::guest_image::test_drvr;

FakePlugin *FakePlugin::current_ = nullptr;

FakePlugin::Scope::Scope(FakePlugin &p) { current_ = &p; }
FakePlugin::Scope::~Scope() { current_ = nullptr; }

FakePlugin::FakePlugin()
    : emul_op_offsets_(std::begin(image::emul_op_offsets), std::end(image::emul_op_offsets)) {
  api_.abi_version = MTB_ABI_VERSION;
  api_.struct_size = sizeof api_;
  api_.self = this;
  api_.emul_op = &FakePlugin::emul_op_fn;
  api_.interrupt = &FakePlugin::interrupt_fn;
  api_.reset = &FakePlugin::reset_fn;
  api_.shutdown = &FakePlugin::shutdown_fn;
  api_.driver_image = image::image;
  api_.driver_image_size = image::image_size;
  api_.emul_op_offsets = emul_op_offsets_.data();
  api_.emul_op_offset_count = static_cast<uint32_t>(emul_op_offsets_.size());
}

FakePlugin::~FakePlugin() { join_raiser(); }

const mtb_plugin_api *FakePlugin::entry(const mtb_host_api *host) {
  if (!current_ || !host || host->abi_version != MTB_ABI_VERSION) return nullptr;
  current_->host_ = host;
  return &current_->api_;
}

int FakePlugin::execute68k_outside() {
  mtb_regs regs{};
  return host_->execute68k(host_->ctx, 0x1000, &regs);
}

void FakePlugin::emul_op_fn(void *self, mtb_regs *regs) { static_cast<FakePlugin *>(self)->emul_op(*regs); }
void FakePlugin::interrupt_fn(void *self) { static_cast<FakePlugin *>(self)->interrupt(); }
void FakePlugin::reset_fn(void *self) { ++static_cast<FakePlugin *>(self)->resets; }
void FakePlugin::shutdown_fn(void *self) {
  auto *p = static_cast<FakePlugin *>(self);
  p->join_raiser();
  ++p->shutdowns;
}

uint16_t FakePlugin::r16(uint32_t addr) {
  uint8_t b[2] = {};
  host_->read_guest(host_->ctx, addr, b, 2);
  return static_cast<uint16_t>(b[0] << 8 | b[1]);
}

uint32_t FakePlugin::r32(uint32_t addr) { return uint32_t{r16(addr)} << 16 | r16(addr + 2); }

void FakePlugin::w32(uint32_t addr, uint32_t v) {
  const uint8_t b[4] = {static_cast<uint8_t>(v >> 24), static_cast<uint8_t>(v >> 16),
                        static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v)};
  host_->write_guest(host_->ctx, addr, b, 4);
}

void FakePlugin::emul_op(mtb_regs &regs) {
  const uint32_t pb = regs.a[0], dce = regs.a[1];
  switch (regs.d[0]) {
    case MTB_OP_OPEN:
      ++opens;
      dce_ = dce;
      driver_ = r32(dce);  // dCtlDriver: where the host put our image
      regs.d[0] = 0;
      break;
    case MTB_OP_CLOSE:
      ++closes;
      regs.d[0] = static_cast<uint32_t>(-24);  // closErr, as MacTCP answers
      break;
    case MTB_OP_CONTROL:
      if (r16(pb + 26) == 1) {
        ++kills;
        regs.d[0] = 0;
      } else {
        control(regs);
      }
      break;
    default: regs.d[0] = static_cast<uint32_t>(-17); break;
  }
}

void FakePlugin::control(mtb_regs &regs) {
  const uint32_t pb = regs.a[0];
  const uint32_t params = pb + 28;
  regs.d[0] = 0;
  switch (r16(params)) {
    case kArm:
      callback_ = r32(params + 2);
      start_raiser(r16(params + 6), r16(params + 8));
      break;
    case kProbe:
      ++probes;
      if (in_interrupt_) ++probes_in_interrupt;
      break;
    case kQuery:
      w32(params + 2, static_cast<uint32_t>(interrupts.load()));
      w32(params + 6, static_cast<uint32_t>(callbacks.load()));
      w32(params + 10, static_cast<uint32_t>(probes_in_interrupt.load()));
      w32(params + 14, static_cast<uint32_t>(raised_total_.load()));
      break;
    case kPend:
      ++to_complete_;
      start_raiser(1, r16(params + 2));
      regs.d[0] = 1;  // pending: the driver returns with the request still queued
      break;
    default: regs.d[0] = static_cast<uint32_t>(-17); break;
  }
}

void FakePlugin::start_raiser(int count, int interval_ms) {
  join_raiser();
  raiser_ = std::thread([this, count, interval_ms] {
    for (int i = 0; i < count; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(interval_ms));
      ++raised_;
      host_->raise_interrupt(host_->ctx);  // the one thread-safe host function
      ++raised_total_;
    }
  });
}

void FakePlugin::join_raiser() {
  if (raiser_.joinable()) raiser_.join();
}

void FakePlugin::interrupt() {
  ++interrupts;
  in_interrupt_ = true;
  while (to_complete_ > 0) {
    --to_complete_;
    --raised_;
    mtb_regs regs{};
    regs.d[0] = 0;  // noErr
    regs.a[1] = dce_;
    host_->execute68k(host_->ctx, driver_ + image::symbol::testdrvr_complete_head, &regs);
  }
  while (raised_ > 0 && callback_) {
    --raised_;
    ++callbacks;
    mtb_regs regs{};
    regs.d[0] = static_cast<uint32_t>(callbacks.load());
    host_->execute68k(host_->ctx, callback_, &regs);
  }
  in_interrupt_ = false;
}

}  // namespace mtb::machine::testing
