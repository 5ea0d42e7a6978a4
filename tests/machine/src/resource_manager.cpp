// SPDX-License-Identifier: GPL-2.0-or-later
#include "resource_manager.h"

#include <algorithm>
#include <cctype>

#include "machine.h"

namespace mtb::machine {

namespace {

constexpr int16_t kFnfErr = -43;
constexpr int16_t kResNotFound = -192;
constexpr int16_t kResFNotFound = -193;
constexpr int16_t kParamErr = -50;
constexpr int16_t kNsvErr = -35;      // no such volume
constexpr int16_t kDirNFErr = -120;   // a folder of the path does not exist
constexpr int32_t kFirstFileID = 100; // file IDs: kFirstFileID + the file's place in the catalog
constexpr uint32_t kFileDate = 0xE0000000;  // creation/modification date of every file (2023)

constexpr uint32_t kControlPanelFolderType = 0x6374726C;  // 'ctrl'
constexpr uint32_t kSystemFolderType = 0x6D616373;        // 'macs'

// HFileInfo offsets (Inside Macintosh: Files).
// HFileParam (PBHGetFInfo, 80 bytes) and HFileInfo (PBGetCatInfo, 108) share offsets 0-79.
constexpr uint32_t kIoResult = 16, kIoNamePtr = 18, kIoVRefNum = 22, kIoFDirIndex = 28, kIoFlAttrib = 30,
                   kIoFlVersNum = 31, kIoFlFndrInfo = 32, kIoDirID = 48, kIoFlStBlk = 52, kIoFlLgLen = 54,
                   kIoFlPyLen = 58, kIoFlRStBlk = 62, kIoFlRLgLen = 64, kIoFlRPyLen = 68, kIoFlCrDat = 72,
                   kIoFlMdDat = 76, kIoFlParID = 100;
constexpr uint32_t kHFileParamSize = 80;
constexpr uint32_t kHFileInfoSize = 108;

uint32_t physical_length(uint32_t logical) { return (logical + 511) / 512 * 512; }  // 512-byte blocks

bool same_name(const std::string &a, const std::string &b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

ResourceManager::ResourceManager(GuestRam &ram, MemoryManager &memory, const std::vector<VirtualFile> &files)
    : ram_(ram), memory_(memory) {
  OpenFile system{kSystemRefNum, {}};
  for (const VirtualFile &file : files) {
    MacFileImage image;
    if (file.macbinary_path.empty()) {
      image.name = file.name;
      image.type = 0x54455854;     // 'TEXT'
      image.creator = 0x74747874;  // 'ttxt'
      image.data_fork.assign(file.data.begin(), file.data.end());
    } else {
      image = read_macbinary_file(file.macbinary_path);
    }
    switch (file.folder) {
      case VirtualFile::Folder::control_panels:
        entries_.push_back({kControlPanelsDirID, std::move(image)});
        break;
      case VirtualFile::Folder::system_folder:
        entries_.push_back({kSystemFolderDirID, std::move(image)});
        break;
      case VirtualFile::Folder::system_file:
        for (MacResource &r : image.resources) system.resources.push_back({std::move(r), 0});
        break;
    }
  }
  open_.push_back(std::move(system));
}

bool ResourceManager::handles(uint16_t word) {
  switch (word) {
    case 0xA823:  // FindFolder (_AliasDispatch, d0 = 0)
    case 0xA81A:  // HOpenResFile
    case 0xA99D:  // GetIndResource
    case 0xA80E:  // Get1IndResource
    case 0xA992:  // DetachResource
    case 0xA9A3:  // ReleaseResource
    case 0xA99A:  // CloseResFile
    case 0xA994:  // CurResFile
    case 0xA998:  // UseResFile
    case 0xA9AF:  // ResError
    case 0xA260:  // _HFSDispatch (PBGetCatInfo, d0 = 9)
    case 0xA20C:  // _HGetFileInfo (PBHGetFInfo, synchronous)
    case 0xA00C:  // _GetFileInfo (PBGetFInfo, synchronous)
    case 0xA064:  // MoveHHi
    case 0xA011:  // _GetEOF
      return true;
    default:
      return false;
  }
}

int16_t ResourceManager::find_folder(uint32_t folder_type, int16_t *vref, int32_t *dir_id) const {
  *vref = kBootVRefNum;
  if (folder_type == kControlPanelFolderType) {
    *dir_id = kControlPanelsDirID;
  } else if (folder_type == kSystemFolderType) {
    *dir_id = kSystemFolderDirID;
  } else {
    return kFnfErr;
  }
  return 0;
}

const ResourceManager::Entry *ResourceManager::find_entry(int32_t dir_id, const std::string &name) const {
  for (const Entry &e : entries_)
    if (e.dir_id == dir_id && same_name(e.image.name, name)) return &e;
  return nullptr;
}

const ResourceManager::Entry *ResourceManager::locate(int32_t dir_id, int16_t index, uint32_t name_ptr,
                                                      int16_t *error) const {
  *error = kFnfErr;
  if (index > 0) {
    int seen = 0;
    for (const Entry &e : entries_)
      if (e.dir_id == dir_id && ++seen == index) return &e;
    return nullptr;
  }
  if (!name_ptr) return nullptr;
  std::string path = ram_.pascal_string(name_ptr);
  // Paths: "Volume:Folder:...:Name" from the root (any volume name is the boot volume), or
  // ":Folder:Name" from dir_id. The only folders: System Folder (in the root) and Control Panels.
  if (const auto colon = path.find(':'); colon != std::string::npos) {
    if (colon > 0) dir_id = kRootDirID;
    std::size_t at = colon + 1;
    for (std::size_t next; (next = path.find(':', at)) != std::string::npos; at = next + 1) {
      const std::string folder = path.substr(at, next - at);
      if (dir_id == kRootDirID && same_name(folder, "System Folder")) {
        dir_id = kSystemFolderDirID;
      } else if (dir_id == kSystemFolderDirID && same_name(folder, "Control Panels")) {
        dir_id = kControlPanelsDirID;
      } else {
        *error = kDirNFErr;
        return nullptr;
      }
    }
    path = path.substr(at);
  }
  return find_entry(dir_id, path);
}

void ResourceManager::write_file_info(uint32_t pb, const Entry &entry, int16_t index, uint32_t name_ptr) {
  const MacFileImage &image = entry.image;
  if (name_ptr && index > 0) {
    ram_.w8(name_ptr, static_cast<uint8_t>(image.name.size()));
    ram_.write(name_ptr + 1, image.name.data(), static_cast<uint32_t>(image.name.size()));
  }
  const auto data_length = static_cast<uint32_t>(image.data_fork.size());
  const uint32_t rsrc_length = image.resource_fork_size ? image.resource_fork_size : image.resources.empty() ? 0 : 1;
  ram_.w8(pb + kIoFlAttrib, 0);  // a file, unlocked, neither fork open
  ram_.w8(pb + kIoFlVersNum, 0);
  ram_.fill(pb + kIoFlFndrInfo, 0, 16);  // flags, icon position and folder: 0
  ram_.w32(pb + kIoFlFndrInfo, image.type);
  ram_.w32(pb + kIoFlFndrInfo + 4, image.creator);
  ram_.w32(pb + kIoDirID, static_cast<uint32_t>(kFirstFileID + (&entry - entries_.data())));  // the file ID
  ram_.w16(pb + kIoFlStBlk, 0);
  ram_.w32(pb + kIoFlLgLen, data_length);
  ram_.w32(pb + kIoFlPyLen, physical_length(data_length));
  ram_.w16(pb + kIoFlRStBlk, 0);
  ram_.w32(pb + kIoFlRLgLen, rsrc_length);
  ram_.w32(pb + kIoFlRPyLen, physical_length(rsrc_length));
  ram_.w32(pb + kIoFlCrDat, kFileDate);
  ram_.w32(pb + kIoFlMdDat, kFileDate);
}

// Files only (no subfolders are listed), by index (ioFDirIndex > 0) or by name.
int16_t ResourceManager::get_cat_info(uint32_t pb) {
  if (!ram_.contains(pb, kHFileInfoSize)) return kParamErr;
  const int16_t index = static_cast<int16_t>(ram_.r16(pb + kIoFDirIndex));
  const int32_t dir_id = static_cast<int32_t>(ram_.r32(pb + kIoDirID));
  const uint32_t name_ptr = ram_.r32(pb + kIoNamePtr);
  int16_t result = 0;
  const Entry *found = locate(dir_id, index, name_ptr, &result);
  if (found) {
    write_file_info(pb, *found, index, name_ptr);
    ram_.w16(pb + kIoVRefNum, static_cast<uint16_t>(kBootVRefNum));
    ram_.w32(pb + kIoFlParID, static_cast<uint32_t>(found->dir_id));
    result = 0;
  }
  ram_.w16(pb + kIoResult, static_cast<uint16_t>(result));
  return result;
}

// PBHGetFInfo (hfs) / PBGetFInfo: the ioFDirIndex-th file of the directory (> 0), else the file
// ioNamePtr names there. The directory: ioDirID (HFS only; on output it holds the file ID -
// "PBHGetFInfo clobbers ioDirID", as Apple's dnr.c notes), or when that is 0 or the call is
// the MFS one, the one ioVRefNum names: 0 is the default directory (the System Folder, as for
// _Open), -1 the boot volume's root. No other volume exists.
int16_t ResourceManager::get_file_info(uint32_t pb, bool hfs) {
  if (!ram_.contains(pb, kHFileParamSize)) return kParamErr;
  const auto vref = static_cast<int16_t>(ram_.r16(pb + kIoVRefNum));
  const int16_t index = static_cast<int16_t>(ram_.r16(pb + kIoFDirIndex));
  int32_t dir_id = hfs ? static_cast<int32_t>(ram_.r32(pb + kIoDirID)) : 0;
  if (dir_id == 0) dir_id = vref == 0 ? kSystemFolderDirID : kRootDirID;
  const uint32_t name_ptr = ram_.r32(pb + kIoNamePtr);
  int16_t result = kNsvErr;
  if (vref == 0 || vref == kBootVRefNum) {
    if (const Entry *found = locate(dir_id, index, name_ptr, &result)) {
      write_file_info(pb, *found, index, name_ptr);
      result = 0;
    }
  }
  ram_.w16(pb + kIoResult, static_cast<uint16_t>(result));
  return result;
}

int16_t ResourceManager::open_res_file(int32_t dir_id, const std::string &name) {
  const Entry *entry = find_entry(dir_id, name);
  if (!entry) {
    res_error_ = kFnfErr;
    return -1;
  }
  if (entry->image.resources.empty()) {
    res_error_ = kResFNotFound;  // eofErr on a real Mac for an empty resource fork
    return -1;
  }
  OpenFile file{next_refnum_++, {}};
  for (const MacResource &r : entry->image.resources) file.resources.push_back({r, 0});
  open_.insert(open_.begin(), std::move(file));
  current_ = open_.front().refnum;
  res_error_ = 0;
  return current_;
}

std::vector<ResourceManager::OpenFile *> ResourceManager::chain_from_current() {
  std::vector<OpenFile *> chain;
  bool started = false;
  for (OpenFile &f : open_) {
    if (f.refnum == current_) started = true;
    if (started) chain.push_back(&f);
  }
  return chain;
}

uint32_t ResourceManager::load(LoadedResource &r) {
  if (r.handle) return r.handle;
  const uint32_t handle = memory_.new_handle(static_cast<uint32_t>(r.resource.data.size()), false,
                                               BlockContents::garbage);
  if (!handle) return 0;
  if (!r.resource.data.empty())
    ram_.write(ram_.r32(handle), r.resource.data.data(), static_cast<uint32_t>(r.resource.data.size()));
  r.handle = handle;
  return handle;
}

uint32_t ResourceManager::get_ind_resource(uint32_t type, int16_t index, bool only_current) {
  res_error_ = kResNotFound;
  if (index < 1) return 0;
  int seen = 0;
  for (OpenFile *file : chain_from_current()) {
    for (LoadedResource &r : file->resources) {
      if (r.resource.type != type || ++seen != index) continue;
      const uint32_t handle = load(r);
      res_error_ = handle ? 0 : static_cast<int16_t>(-108);  // memFullErr
      return handle;
    }
    if (only_current) break;
  }
  return 0;
}

void ResourceManager::detach_resource(uint32_t handle) {
  res_error_ = kResNotFound;
  for (OpenFile &f : open_)
    for (LoadedResource &r : f.resources)
      if (handle && r.handle == handle) {
        r.handle = 0;  // the caller owns the handle now
        res_error_ = 0;
      }
}

void ResourceManager::release_resource(uint32_t handle) {
  res_error_ = kResNotFound;
  for (OpenFile &f : open_)
    for (LoadedResource &r : f.resources)
      if (handle && r.handle == handle) {
        memory_.dispose_handle(handle);
        r.handle = 0;
        res_error_ = 0;
      }
}

void ResourceManager::close_res_file(int16_t refnum) {
  res_error_ = 0;
  if (refnum == kSystemRefNum || refnum == 0) return;  // the System file stays open
  auto file = std::find_if(open_.begin(), open_.end(), [&](const OpenFile &f) { return f.refnum == refnum; });
  if (file == open_.end()) {
    res_error_ = kResFNotFound;
    return;
  }
  for (LoadedResource &r : file->resources)
    if (r.handle) memory_.dispose_handle(r.handle);  // detached ones survive
  const bool was_current = refnum == current_;
  open_.erase(file);
  if (was_current) current_ = open_.front().refnum;
}

void ResourceManager::use_res_file(int16_t refnum) {
  const bool open = std::any_of(open_.begin(), open_.end(), [&](const OpenFile &f) { return f.refnum == refnum; });
  res_error_ = open ? 0 : kResFNotFound;
  if (open) current_ = refnum;
}

bool ResourceManager::owns_io(uint16_t word, uint32_t pb) const {
  if (!ram_.contains(pb, 50)) return false;
  if (word == 0xA000) {
    const uint32_t name = ram_.r32(pb + kIoNamePtr);
    return name != 0 && ram_.contains(name, 2) && ram_.r8(name) > 0 && ram_.r8(name + 1) != '.';
  }
  if (word == 0xA001 || word == 0xA002) {
    const auto refnum = static_cast<int16_t>(ram_.r16(pb + 24));
    return std::any_of(forks_.begin(), forks_.end(), [&](const OpenDataFork &f) { return f.refnum == refnum; });
  }
  return false;
}

int16_t ResourceManager::open_file(uint32_t pb) {
  std::string path = ram_.pascal_string(ram_.r32(pb + kIoNamePtr));
  int32_t dir = kSystemFolderDirID;  // BootDrive / the default volume: the System Folder
  if (auto colon = path.rfind(':'); colon != std::string::npos) {
    const std::string folders = path.substr(0, colon);
    dir = folders.size() >= 14 && same_name(folders.substr(folders.size() - 14), "Control Panels") ? kControlPanelsDirID
                                                                                                     : kSystemFolderDirID;
    path = path.substr(colon + 1);
  }
  const Entry *entry = find_entry(dir, path);
  int16_t result = kFnfErr;
  if (entry) {
    forks_.push_back({next_file_refnum_++, entry, 0});
    ram_.w16(pb + 24, static_cast<uint16_t>(forks_.back().refnum));
    result = 0;
  }
  ram_.w16(pb + kIoResult, static_cast<uint16_t>(result));
  return result;
}

ResourceManager::OpenDataFork *ResourceManager::fork_for(uint32_t pb) {
  const auto refnum = static_cast<int16_t>(ram_.r16(pb + 24));
  for (OpenDataFork &f : forks_)
    if (f.refnum == refnum) return &f;
  return nullptr;
}

int16_t ResourceManager::get_eof(uint32_t pb) {
  constexpr int16_t kRfNumErr = -51;
  OpenDataFork *f = fork_for(pb);
  const int16_t result = f ? 0 : kRfNumErr;
  if (f) ram_.w32(pb + 28, static_cast<uint32_t>(f->entry->image.data_fork.size()));  // ioMisc
  ram_.w16(pb + kIoResult, static_cast<uint16_t>(result));
  return result;
}

int16_t ResourceManager::read_file(uint32_t pb) {
  constexpr int16_t kEofErr = -39, kRfNumErr = -51;
  OpenDataFork *f = fork_for(pb);
  if (!f) return kRfNumErr;
  const auto &data = f->entry->image.data_fork;
  const uint16_t mode = ram_.r16(pb + 44) & 3;  // fsAtMark 0, fsFromStart 1, fsFromLEOF 2, fsFromMark 3
  const auto offset = static_cast<int32_t>(ram_.r32(pb + 46));
  int64_t at = mode == 1 ? offset : mode == 2 ? static_cast<int64_t>(data.size()) + offset
                                  : mode == 3 ? int64_t{f->mark} + offset : f->mark;
  at = std::clamp<int64_t>(at, 0, static_cast<int64_t>(data.size()));
  const uint32_t want = ram_.r32(pb + 36);
  const uint32_t count = static_cast<uint32_t>(std::min<int64_t>(want, static_cast<int64_t>(data.size()) - at));
  const uint32_t buffer = ram_.r32(pb + 32);
  int16_t result = 0;
  if (count && !ram_.write(buffer, data.data() + at, count)) result = kParamErr;
  if (result == 0 && count < want) result = kEofErr;
  f->mark = static_cast<uint32_t>(at + count);
  ram_.w32(pb + 40, result == kParamErr ? 0 : count);  // ioActCount
  ram_.w32(pb + 46, f->mark);                           // ioPosOffset: the new mark
  ram_.w16(pb + kIoResult, static_cast<uint16_t>(result));
  return result;
}

int16_t ResourceManager::close_file(uint32_t pb) {
  const auto refnum = static_cast<int16_t>(ram_.r16(pb + 24));
  std::erase_if(forks_, [&](const OpenDataFork &f) { return f.refnum == refnum; });
  ram_.w16(pb + kIoResult, 0);
  return 0;
}

// Pascal convention: arguments pushed left to right, the callee pops them; the result space
// is above them. A Boolean or SignedByte argument occupies a word with the value in its high
// (first) byte.
std::optional<uint32_t> dispatch_resource_trap(Machine &m, uint16_t word, uint32_t pc) {
  Cpu &cpu = m.cpu();
  GuestRam &ram = m.ram();
  ResourceManager &rm = m.resources();
  const uint32_t sp = cpu.a(7);
  switch (word) {
    case 0xA823: {  // FindFolder(vRefNum, folderType, createFolder, VAR vRefNum, VAR dirID): OSErr
      if (cpu.d(0) != 0) {
        m.fail("guest fault: _AliasDispatch selector " + std::to_string(cpu.d(0)) + " is not FindFolder");
        return std::nullopt;
      }
      int16_t vref = 0;
      int32_t dir_id = 0;
      const int16_t err = rm.find_folder(ram.r32(sp + 10), &vref, &dir_id);
      if (err == 0) {
        ram.w16(ram.r32(sp + 4), static_cast<uint16_t>(vref));
        ram.w32(ram.r32(sp + 0), static_cast<uint32_t>(dir_id));
      }
      ram.w16(sp + 16, static_cast<uint16_t>(err));
      cpu.set_a(7, sp + 16);
      cpu.set_d(0, static_cast<uint32_t>(static_cast<int32_t>(err)));
      break;
    }
    case 0xA81A: {  // HOpenResFile(vRefNum, dirID, fileName, permission): INTEGER
      const int32_t dir_id = static_cast<int32_t>(ram.r32(sp + 6));
      const uint32_t name = ram.r32(sp + 2);
      const int16_t ref = rm.open_res_file(dir_id, name ? ram.pascal_string(name) : std::string());
      ram.w16(sp + 12, static_cast<uint16_t>(ref));
      cpu.set_a(7, sp + 12);
      break;
    }
    case 0xA99D:    // GetIndResource(theType, index): Handle
    case 0xA80E: {  // Get1IndResource
      const uint32_t h = rm.get_ind_resource(ram.r32(sp + 2), static_cast<int16_t>(ram.r16(sp)), word == 0xA80E);
      ram.w32(sp + 6, h);
      cpu.set_a(7, sp + 6);
      break;
    }
    case 0xA992:  // DetachResource(theResource)
      rm.detach_resource(ram.r32(sp));
      cpu.set_a(7, sp + 4);
      break;
    case 0xA9A3:  // ReleaseResource(theResource)
      rm.release_resource(ram.r32(sp));
      cpu.set_a(7, sp + 4);
      break;
    case 0xA99A:  // CloseResFile(refNum)
      rm.close_res_file(static_cast<int16_t>(ram.r16(sp)));
      cpu.set_a(7, sp + 2);
      break;
    case 0xA994:  // CurResFile: INTEGER
      ram.w16(sp, static_cast<uint16_t>(rm.cur_res_file()));
      break;
    case 0xA998:  // UseResFile(refNum)
      rm.use_res_file(static_cast<int16_t>(ram.r16(sp)));
      cpu.set_a(7, sp + 2);
      break;
    case 0xA9AF:  // ResError: INTEGER
      ram.w16(sp, static_cast<uint16_t>(rm.res_error()));
      break;
    case 0xA260: {  // _HFSDispatch: a0 = pb, d0 = selector
      if (cpu.d(0) != 9) {
        m.fail("guest fault: _HFSDispatch selector " + std::to_string(cpu.d(0)) + " is not implemented");
        return std::nullopt;
      }
      cpu.set_d(0, static_cast<uint32_t>(static_cast<int32_t>(rm.get_cat_info(cpu.a(0)))));
      break;
    }
    case 0xA00C:
    case 0xA20C: {
      const int16_t result = rm.get_file_info(cpu.a(0), /*hfs=*/word & 0x0200);
      cpu.set_d(0, static_cast<uint32_t>(static_cast<int32_t>(result)));
      break;
    }
    case 0xA000: cpu.set_d(0, static_cast<uint32_t>(static_cast<int32_t>(rm.open_file(cpu.a(0))))); break;
    case 0xA001: cpu.set_d(0, static_cast<uint32_t>(static_cast<int32_t>(rm.close_file(cpu.a(0))))); break;
    case 0xA002: cpu.set_d(0, static_cast<uint32_t>(static_cast<int32_t>(rm.read_file(cpu.a(0))))); break;
    case 0xA011: cpu.set_d(0, static_cast<uint32_t>(static_cast<int32_t>(rm.get_eof(cpu.a(0))))); break;
    case 0xA064:  // MoveHHi(h): blocks never move
      cpu.set_d(0, static_cast<uint32_t>(static_cast<int32_t>(m.memory().check_handle(cpu.a(0)))));
      break;
    default:
      m.fail("guest fault: resource trap " + std::to_string(word) + " not implemented");
      return std::nullopt;
  }
  return pc + 2;
}

}  // namespace mtb::machine
