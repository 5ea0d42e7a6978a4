# Turns an assembled 68k image into C++: the bytes and the offsets of its global symbols.
# Run as: cmake -DBIN=… -DSYMS=… -DOUT=… -DNAME=… -P embed_guest_image.cmake
# SYMS is `nm` output ("<hex> <type> <name>" per line). Every global symbol becomes a
# constexpr offset; symbols named *_emulop_* are also listed as EMUL_OP placeholder offsets.
file(READ "${BIN}" hex HEX)
string(LENGTH "${hex}" hex_len)
math(EXPR size "${hex_len} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(REGEX REPLACE "(0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,)" "\\1\n    " bytes "${bytes}")

file(STRINGS "${SYMS}" lines)
set(consts "")
set(emulops "")
foreach(line IN LISTS lines)
  if(line MATCHES "^([0-9a-fA-F]+) [TDBR] ([A-Za-z][A-Za-z0-9_]*)$")
    set(addr "${CMAKE_MATCH_1}")
    set(sym "${CMAKE_MATCH_2}")
    string(APPEND consts "inline constexpr uint32_t ${sym} = 0x${addr};\n")
    if(sym MATCHES "_emulop_")
      string(APPEND emulops "0x${addr}, ")
    endif()
  endif()
endforeach()

file(WRITE "${OUT}.tmp" "// Generated from ${BIN}; do not edit.\n#pragma once\n#include <cstdint>\n\nnamespace ${NAME} {\n\ninline constexpr uint8_t image[${size}] = {\n    ${bytes}\n};\ninline constexpr uint32_t image_size = ${size};\ninline constexpr uint32_t emul_op_offsets[] = {${emulops}};\n\nnamespace symbol {\n${consts}}  // namespace symbol\n\n}  // namespace ${NAME}\n")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
