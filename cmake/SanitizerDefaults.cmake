# ASan + UBSan builds (MTB_SANITIZE, MTB_FUZZ): every executable carries the options and the
# LeakSanitizer suppressions CI runs with (.ci/test, .ci/lsan.supp, third-party leaks only), so
# `ctest --test-dir build-asan` judges a developer's tree as CI does: the sanitizer runtimes
# ask the program for __asan_default_options and friends. The environment still overrides them.
file(STRINGS "${PROJECT_SOURCE_DIR}/.ci/lsan.supp" mtb_lsan_lines REGEX "^[^#]")
string(JOIN "\\n" MTB_LSAN_SUPPRESSIONS ${mtb_lsan_lines})
configure_file("${CMAKE_CURRENT_LIST_DIR}/sanitizer_defaults.cpp.in" "${PROJECT_BINARY_DIR}/sanitizer_defaults.cpp" @ONLY)
set_property(DIRECTORY "${PROJECT_SOURCE_DIR}" APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${PROJECT_SOURCE_DIR}/.ci/lsan.supp")
add_library(mtb_sanitizer_defaults OBJECT "${PROJECT_BINARY_DIR}/sanitizer_defaults.cpp")
# Executables only: a library (the plugin) must not answer for the program that loads it.
link_libraries("$<$<STREQUAL:$<TARGET_PROPERTY:TYPE>,EXECUTABLE>:mtb_sanitizer_defaults>")
