// Just enough Folder, File and Resource Manager for dnr.c-style glue to find the DNR the way
// Apple's does (mactcp-reference 8.1): FindFolder, PBGetCatInfo and PBHGetFInfo (_HGetFileInfo)
// by index or name, HOpenResFile,
// GetIndResource/Get1IndResource (first of a type across the open resource chain / in the
// current file), DetachResource, ReleaseResource, CloseResFile, CurResFile, UseResFile,
// ResError, MoveHHi. One boot volume (vRefNum -1) with a System Folder holding a Control Panels
// folder; the System file (refnum 2) is always open at the bottom of the chain. Files come from
// MachineOptions::files (virtual_files.h). Resources load into Memory Manager handles.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "guest_ram.h"
#include "mac_resources.h"
#include "memory_manager.h"
#include "mtb_machine/virtual_files.h"

namespace mtb::machine {

class Machine;

class ResourceManager {
 public:
  static constexpr int16_t kBootVRefNum = -1;
  static constexpr int32_t kRootDirID = 2;
  static constexpr int32_t kSystemFolderDirID = 16;
  static constexpr int32_t kControlPanelsDirID = 17;
  static constexpr int16_t kSystemRefNum = 2;

  ResourceManager(GuestRam &ram, MemoryManager &memory, const std::vector<VirtualFile> &files);

  // Pascal-stack Toolbox traps (and the OS traps _HFSDispatch/_MoveHHi) handled here.
  static bool handles(uint16_t trap_word);

  int16_t find_folder(uint32_t folder_type, int16_t *vref, int32_t *dir_id) const;
  int16_t get_cat_info(uint32_t pb);   // PBGetCatInfo (HFSDispatch selector 9)
  // PBHGetFInfo (_HGetFileInfo 0xA20C, hfs) and PBGetFInfo (_GetFileInfo 0xA00C), synchronous.
  int16_t get_file_info(uint32_t pb, bool hfs);
  int16_t open_res_file(int32_t dir_id, const std::string &name);  // -1 and ResError on failure
  uint32_t get_ind_resource(uint32_t type, int16_t index, bool only_current);
  void detach_resource(uint32_t handle);
  void release_resource(uint32_t handle);
  void close_res_file(int16_t refnum);
  int16_t cur_res_file() const { return current_; }
  void use_res_file(int16_t refnum);
  int16_t res_error() const { return res_error_; }

  // Data forks through the File Manager (synchronous only): _Open of a name without the
  // driver dot ("Hosts" in the volume BootDrive names, or "Volume:Folder:Name"), _GetEOF,
  // _Read, _Close. owns_io tells the trap dispatcher which _Open/_Read/_Close calls are ours.
  bool owns_io(uint16_t word, uint32_t pb) const;
  int16_t open_file(uint32_t pb);
  int16_t get_eof(uint32_t pb);
  int16_t read_file(uint32_t pb);
  int16_t close_file(uint32_t pb);

 private:
  struct LoadedResource {
    MacResource resource;
    uint32_t handle = 0;  // 0 until loaded (and again once detached or released)
  };
  struct OpenFile {
    int16_t refnum;
    std::vector<LoadedResource> resources;
  };
  struct Entry {
    int32_t dir_id;
    MacFileImage image;
  };

  const Entry *find_entry(int32_t dir_id, const std::string &name) const;
  // The file an info call names: the index-th file of the directory (index > 0), else by name
  // (a leaf name in dir_id, or a path with colons).
  const Entry *locate(int32_t dir_id, int16_t index, uint32_t name_ptr, int16_t *error) const;
  // What PBHGetFInfo and PBGetCatInfo report about a file (HFileParam/HFileInfo offsets 30-79).
  void write_file_info(uint32_t pb, const Entry &entry, int16_t index, uint32_t name_ptr);
  std::vector<OpenFile *> chain_from_current();
  uint32_t load(LoadedResource &r);

  struct OpenDataFork {
    int16_t refnum;
    const Entry *entry;  // entries_ is fixed after construction
    uint32_t mark;
  };
  OpenDataFork *fork_for(uint32_t pb);

  GuestRam &ram_;
  MemoryManager &memory_;
  std::vector<OpenDataFork> forks_;
  int16_t next_file_refnum_ = 1000;
  std::vector<Entry> entries_;
  std::vector<OpenFile> open_;  // top of the chain first; the System file last
  int16_t current_ = kSystemRefNum;
  int16_t next_refnum_ = 100;
  int16_t res_error_ = 0;
};

std::optional<uint32_t> dispatch_resource_trap(Machine &m, uint16_t word, uint32_t pc);

}  // namespace mtb::machine
