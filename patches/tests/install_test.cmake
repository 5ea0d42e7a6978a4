# ctest install.*: `cmake --install` of this build tree into a fresh temporary prefix, every
# file in its place, then the glue tests load the installed plugin from there.
# -DBUILD_DIR -DPREFIX -DPLUGIN_DIR -DDATA_DIR -DDOC_DIR -DBIN_DIR -DGLUE_TESTS -DWITH_DISK=ON|OFF
# SPDX-License-Identifier: GPL-2.0-or-later
file(REMOVE_RECURSE "${PREFIX}")
execute_process(COMMAND "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${PREFIX}"
                RESULT_VARIABLE status OUTPUT_VARIABLE output ERROR_VARIABLE output)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "cmake --install failed (${status}):\n${output}")
endif()

set(expected "${PLUGIN_DIR}/libmactcp_bridge.so" "${DATA_DIR}/MacTCP Bridge DNR.bin"
             "${DATA_DIR}/patches/ipp-plugin-glue.patch" "${DATA_DIR}/patches/basilisk2.patch"
             "${DATA_DIR}/patches/sheepshaver.patch" "${DOC_DIR}/USER-GUIDE.md" "${DOC_DIR}/README.md"
             "${DOC_DIR}/LICENSE" "${BIN_DIR}/mactcp-trace")
if(WITH_DISK)
  list(APPEND expected "${DATA_DIR}/mactcp-bridge-dnr.dsk")
endif()
foreach(file IN LISTS expected)
  if(NOT EXISTS "${PREFIX}/${file}")
    message(FATAL_ERROR "not installed: ${PREFIX}/${file}\n${output}")
  endif()
endforeach()

set(ENV{MTB_INSTALLED_PLUGIN} "${PREFIX}/${PLUGIN_DIR}/libmactcp_bridge.so")
execute_process(COMMAND "${GLUE_TESTS}" --gtest_filter=Loading.TheInstalledPluginLoadsInstallsAndOpens
                RESULT_VARIABLE status OUTPUT_VARIABLE output ERROR_VARIABLE output)
if(NOT status EQUAL 0 OR NOT output MATCHES "\\[  PASSED  \\] 1 test" OR output MATCHES "SKIPPED")
  message(FATAL_ERROR "the installed plugin did not load, install and open:\n${output}")
endif()
file(REMOVE_RECURSE "${PREFIX}")
