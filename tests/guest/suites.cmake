# MacTCP guest suites: every directory below tests/guest/ listed here holds
#   *.c          one 68k guest program each, named <suite>_<file> (common/*.c linked into all)
#   *_test.cpp   host-side GoogleTest cases that run them on the test machine (harness/)
# All host-side cases form one binary; ctest runs each case in its own process, once per CPU
# model (`guest.68000.*`, `guest.68020.*`): Unicorn's opcode table is process-global.
set(MTB_GUEST_SUITES foundation tcp udp dnr demo clients)

set(guest_test_sources "")
set(guest_program_targets "")
foreach(suite IN LISTS MTB_GUEST_SUITES)
  set(dir "${CMAKE_CURRENT_SOURCE_DIR}/${suite}")
  if(NOT IS_DIRECTORY "${dir}")
    continue()
  endif()
  file(GLOB programs CONFIGURE_DEPENDS "${dir}/*.c")
  file(GLOB common CONFIGURE_DEPENDS "${dir}/common/*.c" "${dir}/common/*.S")
  foreach(source IN LISTS programs)
    get_filename_component(base "${source}" NAME_WE)
    mtb_guest_program(${suite}_${base} SOURCES "${source}" ${common})
    list(APPEND guest_program_targets guest_${suite}_${base})
  endforeach()
  file(GLOB tests CONFIGURE_DEPENDS "${dir}/*_test.cpp")
  list(APPEND guest_test_sources ${tests})
endforeach()

add_executable(mtb_guest_tests harness/guest_harness.cpp harness/guest_tests_main.cpp ${guest_test_sources})
target_include_directories(mtb_guest_tests PRIVATE harness)
target_link_libraries(mtb_guest_tests PRIVATE mtb_test_machine mtb_host_bridge_internal mtb_test_dns mtb_test_tls mtb_test_support GTest::gtest)
target_compile_definitions(mtb_guest_tests PRIVATE
  MTB_GUEST_BIN_DIR="${MTB_GUEST_BIN_DIR}"
  MTB_PLUGIN_PATH="$<TARGET_FILE:mactcp_bridge>"
  MTB_DNR_CDEV="${MTB_DNR_CDEV}")  # the DNR cdev (guest-driver), for the dnr suite
add_dependencies(mtb_guest_tests mactcp_bridge mtb_dnr_disk ${guest_program_targets})
mtb_strict(mtb_guest_tests)
include(GoogleTest)
foreach(cpu 68000 68020)
  gtest_discover_tests(mtb_guest_tests EXTRA_ARGS --cpu=${cpu} TEST_PREFIX "guest.${cpu}."
                       DISCOVERY_TIMEOUT 60 PROPERTIES TIMEOUT 600)
endforeach()
