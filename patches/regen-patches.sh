#!/bin/sh
# Regenerates the new-file sections of basilisk2.patch and sheepshaver.patch from our
# canonical sources, so the patches can never drift from what CI compiles and tests:
#   glue/ipp_plugin.cpp                    -> BasiliskII/src/ipp_plugin.cpp
#   glue/ipp_plugin.h                      -> BasiliskII/src/include/ipp_plugin.h
#   ../plugin/include/mactcp_bridge/abi.h  -> BasiliskII/src/include/ipp_plugin_abi.h (verbatim)
# plus, in sheepshaver.patch, SheepShaver's symlinks to those three files.
#
# Each patch file is: a comment, the hand-written hunks for existing upstream files, then the
# generated sections (always last, starting at the ipp_plugin.h section). This script keeps
# everything before that point and rewrites the rest. It reads and writes only files in this
# repository; it never needs, touches or builds an emulator tree.
#
# Usage: regen-patches.sh          rewrite the patches
#        regen-patches.sh --check  exit 1 (and show the difference) if a patch is out of date
# SPDX-License-Identifier: GPL-2.0-or-later
set -eu

here=$(cd "$(dirname "$0")" && pwd)
abi="$here/../plugin/include/mactcp_bridge/abi.h"
first_generated='diff --git a/BasiliskII/src/include/ipp_plugin.h '

# new_file <path in the emulator tree> <our source file>
new_file() {
	printf 'diff --git a/%s b/%s\nnew file mode 100644\n--- /dev/null\n+++ b/%s\n' "$1" "$1" "$1"
	printf '@@ -0,0 +1,%d @@\n' "$(wc -l < "$2")"
	sed 's/^/+/' "$2"
}

# symlink <path in the emulator tree> <link target>
symlink() {
	printf 'diff --git a/%s b/%s\nnew file mode 120000\n--- /dev/null\n+++ b/%s\n' "$1" "$1" "$1"
	printf '@@ -0,0 +1 @@\n+%s\n\\ No newline at end of file\n' "$2"
}

glue_files() {
	new_file BasiliskII/src/include/ipp_plugin.h "$here/glue/ipp_plugin.h"
	new_file BasiliskII/src/include/ipp_plugin_abi.h "$abi"
	new_file BasiliskII/src/ipp_plugin.cpp "$here/glue/ipp_plugin.cpp"
}

sheepshaver_links() {
	symlink SheepShaver/src/include/ipp_plugin.h ../../../BasiliskII/src/include/ipp_plugin.h
	symlink SheepShaver/src/include/ipp_plugin_abi.h ../../../BasiliskII/src/include/ipp_plugin_abi.h
	symlink SheepShaver/src/ipp_plugin.cpp ../../BasiliskII/src/ipp_plugin.cpp
}

# hand_written <patch>: the part of the patch before the generated sections
hand_written() {
	awk -v marker="$first_generated" 'index($0, marker) == 1 { exit } { print }' "$1"
}

# regenerate <patch> <generator...>
status=0
regenerate() {
	patch_file="$here/$1"
	shift
	fresh=$(mktemp)
	{ hand_written "$patch_file"; for part in "$@"; do "$part"; done; } > "$fresh"
	if [ "$mode" = check ]; then
		if ! cmp -s "$fresh" "$patch_file"; then
			echo "$(basename "$patch_file") is out of date; run patches/regen-patches.sh" >&2
			diff -u "$patch_file" "$fresh" | head -40 >&2 || true
			status=1
		fi
		rm -f "$fresh"
	else
		cat "$fresh" > "$patch_file"
		rm -f "$fresh"
	fi
}

mode=write
[ "${1:-}" = --check ] && mode=check

regenerate basilisk2.patch glue_files
regenerate sheepshaver.patch glue_files sheepshaver_links
exit $status
