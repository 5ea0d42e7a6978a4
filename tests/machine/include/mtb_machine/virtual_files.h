// Files the test machine's small File/Folder/Resource Manager shows the guest: a boot volume
// with a System Folder holding a Control Panels folder, and the System file's resources.
// Files come from MacBinary II images (name, type, creator, both forks), e.g. the build's
// "MacTCP Bridge DNR.bin" cdev. See resource_manager.h for the traps.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <string>

namespace mtb::machine {

struct VirtualFile {
    enum class Folder {
        control_panels,  // FindFolder(kControlPanelFolderType)
        system_folder,   // FindFolder(kSystemFolderType)
        system_file,     // its resources join the System file's map (always open, bottom of
                         // the resource chain), as a resource installed into System would
    };
    Folder folder = Folder::control_panels;
    std::string macbinary_path;
    // Without a MacBinary file: a plain 'TEXT' file with this name and data fork (e.g. the
    // "Hosts" file OPENRESOLVER reads).
    std::string name;
    std::string data;
};

}  // namespace mtb::machine
