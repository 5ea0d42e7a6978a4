# The Debian 68k cross toolchain (gcc-m68k-linux-gnu, binutils-m68k-linux-gnu).
# A missing toolchain is a configure error: the guest driver is part of the plugin.
find_program(M68K_GCC m68k-linux-gnu-gcc)
find_program(M68K_LD m68k-linux-gnu-ld)
find_program(M68K_OBJCOPY m68k-linux-gnu-objcopy)
find_program(M68K_NM m68k-linux-gnu-nm)
foreach(tool M68K_GCC M68K_LD M68K_OBJCOPY M68K_NM)
  if(NOT ${tool})
    message(FATAL_ERROR
      "The 68k cross toolchain is missing (${tool} not found). Install it with "
      "`.ci/install-deps` or `apt-get install -y gcc-m68k-linux-gnu binutils-m68k-linux-gnu`.")
  endif()
endforeach()

# mtb_embedded_m68k_image(<target> NAMESPACE <ns> HEADER <file.h> SOURCES <.S files>)
# Assembles position-independent 68000 code linked at 0, and makes an INTERFACE target whose
# include path holds <file.h>: the image bytes plus every global symbol's offset.
function(mtb_embedded_m68k_image target)
  cmake_parse_arguments(ARG "" "NAMESPACE;HEADER" "SOURCES" ${ARGN})
  set(dir "${CMAKE_CURRENT_BINARY_DIR}/${target}")
  set(objs "")
  foreach(src IN LISTS ARG_SOURCES)
    get_filename_component(base "${src}" NAME_WE)
    set(obj "${dir}/${base}.o")
    add_custom_command(OUTPUT "${obj}"
      COMMAND ${CMAKE_COMMAND} -E make_directory "${dir}"
      COMMAND ${M68K_GCC} -m68000 -Wa,--noexecstack -c "${CMAKE_CURRENT_SOURCE_DIR}/${src}" -o "${obj}"
      DEPENDS "${CMAKE_CURRENT_SOURCE_DIR}/${src}"
      COMMENT "Assembling 68k ${src}" VERBATIM)
    list(APPEND objs "${obj}")
  endforeach()
  set(elf "${dir}/${target}.elf")
  set(bin "${dir}/${target}.bin")
  set(syms "${dir}/${target}.syms")
  set(header "${dir}/include/${ARG_HEADER}")
  add_custom_command(OUTPUT "${header}" BYPRODUCTS "${elf}" "${bin}" "${syms}"
    COMMAND ${M68K_LD} -Ttext=0 -e 0 --no-warn-rwx-segments -o "${elf}" ${objs}
    COMMAND ${M68K_OBJCOPY} -O binary "${elf}" "${bin}"
    COMMAND ${M68K_NM} "${elf}" > "${syms}"
    COMMAND ${CMAKE_COMMAND} -DBIN=${bin} -DSYMS=${syms} -DOUT=${header} -DNAME=${ARG_NAMESPACE}
            -P "${PROJECT_SOURCE_DIR}/cmake/embed_guest_image.cmake"
    DEPENDS ${objs} "${PROJECT_SOURCE_DIR}/cmake/embed_guest_image.cmake"
    COMMENT "Embedding 68k image ${target}" VERBATIM)
  add_custom_target(${target}_gen DEPENDS "${header}")
  add_library(${target} INTERFACE)
  add_dependencies(${target} ${target}_gen)
  target_include_directories(${target} INTERFACE "${dir}/include")
endfunction()
