# Build step: an 800 KB HFS floppy image holding the DNR cdev, made with Debian's hfsutils.
#   cmake -DHFORMAT=... -DHMOUNT=... -DHCOPY=... -DHUMOUNT=... -DCDEV=<MacBinary> -DOUT=<.dsk> -P
# hfsutils keeps its "current volume" in $HOME/.hcwd, so HOME points into the build tree: two
# builds at once cannot mount each other's image.
get_filename_component(work "${OUT}" DIRECTORY)
set(ENV{HOME} "${work}")
set(tmp "${OUT}.tmp")
file(REMOVE "${tmp}")
# An 800 KB file of zeros (hformat formats an existing file or device).
execute_process(COMMAND truncate -s 819200 "${tmp}" RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "truncate failed: ${rc}")
endif()
foreach(step
    "${HFORMAT};-l;MacTCP Bridge;${tmp}"
    "${HMOUNT};${tmp}"
    "${HCOPY};-m;${CDEV};:"
    "${HUMOUNT}")
  execute_process(COMMAND ${step} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(rc)
    message(FATAL_ERROR "${step}: ${rc}\n${out}${err}")
  endif()
endforeach()
file(RENAME "${tmp}" "${OUT}")
