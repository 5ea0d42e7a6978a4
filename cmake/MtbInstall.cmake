# What `cmake --install` puts where (GNUInstallDirs), and the Debian package CPack builds from
# it. USER-GUIDE.md section 0 lists the same paths for users.
#   <libdir>/mactcp-bridge/libmactcp_bridge.so     the plugin (the path for "ippplugin")
#   <datadir>/mactcp-bridge/mactcp-bridge-dnr.dsk  the DNR control panel on an HFS disk image
#   <datadir>/mactcp-bridge/MacTCP Bridge DNR.bin  the same control panel as MacBinary II
#   <datadir>/mactcp-bridge/patches/               the emulator patches
#   <docdir>/                                      README.md, USER-GUIDE.md, LICENSE
#   <bindir>/mactcp-trace                          reads, checks and shows `ipptrace` files
# SPDX-License-Identifier: GPL-2.0-or-later
include_guard(GLOBAL)

set(MTB_INSTALL_PLUGIN_DIR "${CMAKE_INSTALL_LIBDIR}/mactcp-bridge")
set(MTB_INSTALL_DATA_DIR "${CMAKE_INSTALL_DATADIR}/mactcp-bridge")

install(TARGETS mactcp_bridge LIBRARY DESTINATION "${MTB_INSTALL_PLUGIN_DIR}")
install(TARGETS mactcp-trace RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}")
if(TARGET mtb_dnr_disk AND EXISTS "${MTB_HFORMAT}")
  install(FILES "${MTB_DNR_DISK}" DESTINATION "${MTB_INSTALL_DATA_DIR}")
endif()
install(FILES "${MTB_DNR_CDEV}" DESTINATION "${MTB_INSTALL_DATA_DIR}")
file(GLOB mtb_patches "${PROJECT_SOURCE_DIR}/patches/*.patch")
install(FILES ${mtb_patches} DESTINATION "${MTB_INSTALL_DATA_DIR}/patches")
install(FILES "${PROJECT_SOURCE_DIR}/README.md" "${PROJECT_SOURCE_DIR}/patches/USER-GUIDE.md"
              "${PROJECT_SOURCE_DIR}/LICENSE"
        DESTINATION "${CMAKE_INSTALL_DOCDIR}")

# cpack -G DEB in a build tree configured with -DCMAKE_INSTALL_PREFIX=/usr
set(CPACK_PACKAGE_NAME mactcp-bridge)
set(CPACK_PACKAGE_VENDOR "The MacTCP Bridge developers")
set(CPACK_PACKAGE_CONTACT "The MacTCP Bridge developers")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "MacTCP for the Basilisk II and SheepShaver emulators, on the host's sockets")
string(CONCAT CPACK_PACKAGE_DESCRIPTION
  "A plugin that gives patched Basilisk II and SheepShaver a MacTCP driver (.IPP) and name "
  "resolver talking straight to the host's TCP/IP: no emulated network card, slirp or TAP "
  "device. Also ships the DNR control panel disk image and the emulator patches.")
set(CPACK_RESOURCE_FILE_LICENSE "${PROJECT_SOURCE_DIR}/LICENSE")
set(CPACK_GENERATOR DEB)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION otherosfs)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)  # libc-ares2, libstdc++6, ... from dpkg-shlibdeps
set(CPACK_STRIP_FILES ON)
include(CPack)
