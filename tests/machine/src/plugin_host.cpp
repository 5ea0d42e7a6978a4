// SPDX-License-Identifier: GPL-2.0-or-later
#include "plugin_host.h"

#include <dlfcn.h>

#include <stdexcept>

namespace mtb::machine {

namespace {
PluginServices &services(void *ctx) { return *static_cast<PluginServices *>(ctx); }
}  // namespace

PluginHost::PluginHost(PluginServices &services, uint16_t emul_op_word, const std::string &path,
                       mtb_entry_fn entry)
    : services_(services) {
  if (path.empty() == (entry == nullptr))
    throw std::invalid_argument("PluginHost needs exactly one of a library path and an entry");
  host_.abi_version = MTB_ABI_VERSION;
  host_.struct_size = sizeof(mtb_host_api);
  host_.emulator = MTB_EMULATOR_TEST_MACHINE;
  host_.emul_op_word = emul_op_word;
  host_.ctx = &services_;
  host_.get_ram = &PluginHost::get_ram;
  host_.read_guest = &PluginHost::read_guest;
  host_.write_guest = &PluginHost::write_guest;
  host_.execute68k = &PluginHost::execute68k;
  host_.raise_interrupt = &PluginHost::raise_interrupt;
  host_.pref_string = &PluginHost::pref_string;
  host_.log = &PluginHost::log;

  if (!path.empty()) {
    library_ = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!library_) throw std::runtime_error(std::string("cannot load plugin: ") + dlerror());
    entry = reinterpret_cast<mtb_entry_fn>(dlsym(library_, MTB_ENTRY_SYMBOL));
    if (!entry) {
      std::string why = std::string("plugin ") + path + " has no " + MTB_ENTRY_SYMBOL;
      dlclose(library_);
      throw std::runtime_error(why);
    }
  }
  api_ = entry(&host_);
  std::string problem;
  if (!api_)
    problem = "the plugin refused the host (see its log)";
  else if (api_->abi_version != MTB_ABI_VERSION)
    problem = "the plugin answered with ABI version " + std::to_string(api_->abi_version);
  else if (api_->struct_size < sizeof(mtb_plugin_api))
    problem = "the plugin's table is too small";
  else if (!api_->emul_op || !api_->interrupt || !api_->reset || !api_->shutdown)
    problem = "the plugin's table lacks a function";
  else if (!api_->driver_image || api_->driver_image_size < 20)
    problem = "the plugin has no driver image";
  if (!problem.empty()) {
    if (api_ && api_->shutdown) api_->shutdown(api_->self);
    if (library_) dlclose(library_);
    throw std::runtime_error(problem);
  }
}

PluginHost::~PluginHost() {
  shutdown();
  if (library_) dlclose(library_);
}

void PluginHost::shutdown() {
  if (shut_down_) return;
  shut_down_ = true;
  api_->shutdown(api_->self);
}

std::vector<uint8_t> PluginHost::patched_driver_image() const {
  std::vector<uint8_t> image(api_->driver_image, api_->driver_image + api_->driver_image_size);
  for (uint32_t i = 0; i < api_->emul_op_offset_count; ++i) {
    const uint32_t off = api_->emul_op_offsets[i];
    if (off % 2 || off + 2 > image.size())
      throw std::runtime_error("EMUL_OP offset " + std::to_string(off) + " outside the image");
    image[off] = static_cast<uint8_t>(host_.emul_op_word >> 8);
    image[off + 1] = static_cast<uint8_t>(host_.emul_op_word);
  }
  return image;
}

int PluginHost::get_ram(void *ctx, mtb_ram_region *out) {
  GuestRam &ram = services(ctx).ram();
  out->host = ram.host();
  out->guest_base = 0;
  out->size = ram.size();
  return 0;
}

int PluginHost::read_guest(void *ctx, uint32_t addr, void *dst, uint32_t len) {
  return services(ctx).ram().read(addr, dst, len) ? 0 : 1;
}

int PluginHost::write_guest(void *ctx, uint32_t addr, const void *src, uint32_t len) {
  return services(ctx).ram().write(addr, src, len) ? 0 : 1;
}

int PluginHost::execute68k(void *ctx, uint32_t addr, mtb_regs *regs) {
  return services(ctx).execute68k(addr, regs);
}

void PluginHost::raise_interrupt(void *ctx) { services(ctx).raise_interrupt(); }

const char *PluginHost::pref_string(void *ctx, const char *name) {
  return services(ctx).pref_string(name);
}

void PluginHost::log(void *ctx, int level, const char *line) {
  services(ctx).plugin_log(level, line);
}

}  // namespace mtb::machine
