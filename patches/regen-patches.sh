#!/bin/sh
# Regenerates the generated sections of the patches from our canonical sources, so the patches
# can never drift from what CI compiles and tests:
#   ipp-plugin-glue.patch: the shared glue, three new files
#     glue/ipp_plugin.cpp                    -> BasiliskII/src/ipp_plugin.cpp
#     glue/ipp_plugin.h                      -> BasiliskII/src/include/ipp_plugin.h
#     ../plugin/include/mactcp_bridge/abi.h  -> BasiliskII/src/include/ipp_plugin_abi.h (verbatim)
#   sheepshaver.patch: SheepShaver's symlinks to those three files, after its hooks.
# basilisk2.patch is all hand-written (hooks in existing files).
#
# Each patch file is: a comment, hand-written hunks for existing upstream files, then the
# generated sections (always last, from a marker line on). This script keeps everything
# before the marker and rewrites the rest. It reads and writes only files in this
# repository; it never needs, touches or builds an emulator tree.
#
# Usage: regen-patches.sh          rewrite the patches
#        regen-patches.sh --check  exit 1 (and show the difference) if a patch is out of date
# SPDX-License-Identifier: GPL-2.0-or-later
set -eu

here=$(cd "$(dirname "$0")" && pwd)
abi="$here/../plugin/include/mactcp_bridge/abi.h"

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

# hand_written <patch> <marker>: the part of the patch before the generated sections
hand_written() {
	awk -v marker="$2" 'index($0, marker) == 1 { exit } { print }' "$1"
}

# regenerate <patch> <marker> <generator...>
status=0
regenerate() {
	patch_file="$here/$1"
	marker=$2
	shift 2
	fresh=$(mktemp)
	{ hand_written "$patch_file" "$marker"; for part in "$@"; do "$part"; done; } > "$fresh"
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

regenerate ipp-plugin-glue.patch 'diff --git a/BasiliskII/src/include/ipp_plugin.h ' glue_files
regenerate sheepshaver.patch 'diff --git a/SheepShaver/src/include/ipp_plugin.h ' sheepshaver_links
exit $status
