# 68k guest programs for the test machine, built with the Debian m68k cross gcc (M68kToolchain).
#
#   mtb_guest_runtime()                      once, from tests/guest: builds the runtime objects
#   mtb_guest_program(<name> SOURCES <.c/.S...> [CPUS 68000 68020])
#       -> ${MTB_GUEST_BIN_DIR}/<name>.<cpu>.bin (flat image at MTB_GUEST_LOAD_ADDRESS) and .elf
#          for every CPU (default: both), target guest_<name> (part of ALL).
#
# Each program is built once per CPU: the 68000 build runs on Unicorn's real-68000 model, which
# traps every 68020-only instruction and so lints the code; the 68020 build runs on the 68020.
include_guard(DIRECTORY)

set(MTB_GUEST_CPUS 68000 68020)
set(MTB_GUEST_BIN_DIR "${CMAKE_BINARY_DIR}/tests/guest/bin")
set(MTB_GUEST_SOURCE_DIR "${CMAKE_CURRENT_LIST_DIR}/../tests/guest")
get_filename_component(MTB_GUEST_SOURCE_DIR "${MTB_GUEST_SOURCE_DIR}" ABSOLUTE)

# -fno-tree-loop-distribute-patterns: gcc would otherwise turn memset-like loops (inside
# memset itself, too) into memset calls. -ffunction-sections + --gc-sections drop unused runtime.
# --param=min-pagesize=0: Mac low memory lives at addresses gcc 12 otherwise calls "null + n".
# -fno-strict-aliasing: Mac code reads parameter blocks through casts (csParam as longs...),
# as the compilers of the time allowed.
set(MTB_GUEST_COMMON_FLAGS
  -Os -ffreestanding -nostdlib -fno-pic -fno-builtin -fno-tree-loop-distribute-patterns
  --param=min-pagesize=0 -fno-strict-aliasing
  -ffunction-sections -fdata-sections -std=gnu11 -Wall -Wextra -Werror
  -Wa,--noexecstack "-I${MTB_GUEST_SOURCE_DIR}/include")
set(MTB_GUEST_FLAGS_68000 -m68000 -msoft-float)
set(MTB_GUEST_FLAGS_68020 -m68020)

# Compiles `src` for `cpu` into `objdir`; appends the object to the list variable `out`.
function(_mtb_guest_compile out src cpu objdir)
  get_filename_component(abs "${src}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
  get_filename_component(base "${src}" NAME)
  set(obj "${objdir}/${base}.${cpu}.o")
  add_custom_command(OUTPUT "${obj}"
    COMMAND ${CMAKE_COMMAND} -E make_directory "${objdir}"
    COMMAND ${M68K_GCC} ${MTB_GUEST_FLAGS_${cpu}} ${MTB_GUEST_COMMON_FLAGS}
            -MD -MF "${obj}.d" -c "${abs}" -o "${obj}"
    DEPENDS "${abs}"
    DEPFILE "${obj}.d"
    COMMENT "Compiling 68k (${cpu}) ${base}"
    VERBATIM)
  set(${out} ${${out}} "${obj}" PARENT_SCOPE)
endfunction()

function(mtb_guest_runtime)
  set(dir "${CMAKE_CURRENT_BINARY_DIR}/runtime")
  set(all "")
  foreach(cpu IN LISTS MTB_GUEST_CPUS)
    set(objs "")
    foreach(src crt0.S string.c division.c printf.c toolbox.c test_framework.c)
      _mtb_guest_compile(objs "${MTB_GUEST_SOURCE_DIR}/runtime/${src}" ${cpu} "${dir}")
    endforeach()
    set_property(GLOBAL PROPERTY MTB_GUEST_RUNTIME_${cpu} "${objs}")
    list(APPEND all ${objs})
  endforeach()
  add_custom_target(mtb_guest_runtime DEPENDS ${all})
endfunction()

function(mtb_guest_program name)
  cmake_parse_arguments(ARG "" "" "SOURCES;CPUS" ${ARGN})
  if(NOT ARG_CPUS)
    set(ARG_CPUS ${MTB_GUEST_CPUS})
  endif()
  if(NOT TARGET mtb_guest_runtime)
    message(FATAL_ERROR "mtb_guest_program(${name}): call mtb_guest_runtime() first (tests/guest)")
  endif()
  set(objdir "${CMAKE_CURRENT_BINARY_DIR}/guest_${name}")
  set(outputs "")
  foreach(cpu IN LISTS ARG_CPUS)
    set(objs "")
    foreach(src IN LISTS ARG_SOURCES)
      _mtb_guest_compile(objs "${src}" ${cpu} "${objdir}")
    endforeach()
    get_property(runtime GLOBAL PROPERTY MTB_GUEST_RUNTIME_${cpu})
    # crt0 must come first: the image starts at _start (KEEP(.text.start) in guest.ld).
    set(elf "${MTB_GUEST_BIN_DIR}/${name}.${cpu}.elf")
    set(bin "${MTB_GUEST_BIN_DIR}/${name}.${cpu}.bin")
    add_custom_command(OUTPUT "${bin}" BYPRODUCTS "${elf}"
      COMMAND ${CMAKE_COMMAND} -E make_directory "${MTB_GUEST_BIN_DIR}"
      COMMAND ${M68K_GCC} ${MTB_GUEST_FLAGS_${cpu}} -nostdlib -static
              -T "${MTB_GUEST_SOURCE_DIR}/runtime/guest.ld"
              -Wl,--build-id=none,--no-warn-rwx-segments,--gc-sections
              ${runtime} ${objs} -lgcc -o "${elf}"
      COMMAND ${M68K_OBJCOPY} -O binary "${elf}" "${bin}"
      DEPENDS ${objs} ${runtime} "${MTB_GUEST_SOURCE_DIR}/runtime/guest.ld"
      COMMENT "Linking 68k guest program ${name}.${cpu}.bin"
      VERBATIM)
    list(APPEND outputs "${bin}")
  endforeach()
  add_custom_target(guest_${name} ALL DEPENDS ${outputs})
  add_dependencies(guest_${name} mtb_guest_runtime)
endfunction()
