#!/usr/bin/env python3
# Applies every patch in this folder to one tree, in the order USER-GUIDE.md gives, once with
# GNU patch and once with git apply, and checks that both succeed without fuzz, leave no
# rejects and give the same tree, with the glue files equal to glue/ and SheepShaver's links
# in place.
#
#   check-apply.py                      against a fake tree built from the patches themselves:
#                                       each touched file holds the hunks' old lines at their
#                                       line numbers, with filler lines between (CI; no upstream
#                                       code needed or kept)
#   check-apply.py --tree MACEMU_DIR    against a real macemu checkout at the pinned commit
#                                       (by hand); the checkout itself is copied, not changed
# SPDX-License-Identifier: GPL-2.0-or-later
import argparse
import filecmp
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ORDER = [
    "ipp-plugin-glue.patch",
    "basilisk2.patch",
    "sheepshaver.patch",
    "basilisk2-windows.patch",
    "sheepshaver-windows.patch",
    "basilisk2-macos.patch",
    "sheepshaver-macos.patch",
]
GLUE = {
    "BasiliskII/src/ipp_plugin.cpp": os.path.join(HERE, "glue", "ipp_plugin.cpp"),
    "BasiliskII/src/include/ipp_plugin.h": os.path.join(HERE, "glue", "ipp_plugin.h"),
    "BasiliskII/src/include/ipp_plugin_abi.h": os.path.join(HERE, "..", "plugin", "include", "mactcp_bridge", "abi.h"),
}
LINKS = {
    "SheepShaver/src/ipp_plugin.cpp": "../../BasiliskII/src/ipp_plugin.cpp",
    "SheepShaver/src/include/ipp_plugin.h": "../../../BasiliskII/src/include/ipp_plugin.h",
    "SheepShaver/src/include/ipp_plugin_abi.h": "../../../BasiliskII/src/include/ipp_plugin_abi.h",
}
HUNK = re.compile(rb"^@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@")


def sections(patch_bytes):
    """(path, is_new, mode, [(old_start, [old lines], ends_file)]) for each file of a git-format
    patch. A hunk with less context after its changes than before ends the file (GNU patch
    holds it to that)."""
    result = []
    lines = patch_bytes.split(b"\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.startswith(b"diff --git a/"):
            i += 1
            continue
        path = line.split(b" b/", 1)[1].decode()
        is_new, mode, hunks = False, 0o644, []
        i += 1
        while i < len(lines) and not lines[i].startswith(b"diff --git "):
            if lines[i].startswith(b"new file mode"):
                is_new = True
            if lines[i].startswith(b"index ") and lines[i].endswith(b" 100755"):
                mode = 0o755
            match = HUNK.match(lines[i])
            if match:
                start, count = int(match.group(1)), int(match.group(2) or 1)
                old, kinds = [], b""
                i += 1
                while len(old) < count or (i < len(lines) and lines[i].startswith(b"+")):
                    text = lines[i]
                    if text.startswith(b" ") or text.startswith(b"-"):
                        old.append(text[1:])
                    elif text.startswith(b"\\"):
                        sys.exit(f"{path}: a modified file without final newline is not modelled")
                    kinds += text[:1]
                    i += 1
                leading = len(kinds) - len(kinds.lstrip(b" "))
                trailing = len(kinds) - len(kinds.rstrip(b" "))
                hunks.append((start, old, trailing < leading))
                continue
            i += 1
        result.append((path, is_new, mode, hunks))
    return result


def build_fake_tree(root):
    """Every existing file a patch touches, made of the hunks' old lines and filler between."""
    owner = {}
    for name in ORDER:
        with open(os.path.join(HERE, name), "rb") as f:
            for path, is_new, mode, hunks in sections(f.read()):
                if is_new:
                    continue
                if path in owner:
                    sys.exit(f"{path} is changed by {owner[path]} and {name}: the fake tree cannot model that")
                owner[path] = name
                content, ends_file = [], False
                for start, old, ends_file in hunks:
                    while len(content) < start - 1:
                        content.append(b"fake line %d of %s" % (len(content) + 1, path.encode()))
                    if len(content) != start - 1:
                        sys.exit(f"{path}: overlapping hunks")
                    content.extend(old)
                if not ends_file:
                    content.append(b"fake last line")
                target = os.path.join(root, path)
                os.makedirs(os.path.dirname(target), exist_ok=True)
                with open(target, "wb") as f:
                    f.write(b"\n".join(content) + b"\n")
                os.chmod(target, mode)


def run(command, cwd):
    done = subprocess.run(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return done.returncode, done.stdout


def apply_all(tree, tool):
    for name in ORDER:
        patch = os.path.join(HERE, name)
        if tool == "patch":
            # -F0: no fuzz; -t: never ask, never "Assume -R"; -N: refuse what looks applied already
            command = ["patch", "-p1", "-F0", "-t", "-N", "--no-backup-if-mismatch", "-i", patch]
        else:
            command = ["git", "apply", "--whitespace=nowarn", patch]
        status, output = run(command, tree)
        noisy = [l for l in output.splitlines() if l and not l.startswith("patching ")
                 and not l.startswith("checking ")]
        if status != 0 or noisy:
            print(f"FAIL {tool}: {name} (exit {status})\n{output}")
            return False
    for dirpath, _, files in os.walk(tree):
        left = [f for f in files if f.endswith(".rej") or f.endswith(".orig")]
        if left:
            print(f"FAIL {tool}: left {left} in {dirpath}")
            return False
    return True


def check_result(tree, tool):
    ok = True
    for path, source in GLUE.items():
        if not filecmp.cmp(os.path.join(tree, path), source, shallow=False):
            print(f"FAIL {tool}: {path} differs from {os.path.relpath(source, HERE)}")
            ok = False
    for path, target in LINKS.items():
        full = os.path.join(tree, path)
        if not os.path.islink(full) or os.readlink(full) != target or not os.path.exists(full):
            print(f"FAIL {tool}: {path} is not a working link to {target}")
            ok = False
    return ok


def same_trees(a, b):
    status, output = run(["diff", "-r", "--no-dereference", a, b], HERE)
    if status != 0:
        print(f"FAIL: GNU patch and git apply give different trees\n{output[:2000]}")
    return status == 0


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tree", help="a macemu checkout at the pinned commit (left unchanged)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mtb-patches-") as scratch:
        original = os.path.join(scratch, "original")
        if args.tree:
            shutil.copytree(args.tree, original, symlinks=True, ignore=shutil.ignore_patterns(".git"))
        else:
            build_fake_tree(original)
        trees = {}
        ok = True
        for tool in ("patch", "git"):
            trees[tool] = os.path.join(scratch, tool)
            shutil.copytree(original, trees[tool], symlinks=True)
            ok = apply_all(trees[tool], tool) and check_result(trees[tool], tool) and ok
        ok = ok and same_trees(trees["patch"], trees["git"])
    kind = "the tree " + args.tree if args.tree else "the fake tree"
    print(("ok: " if ok else "FAILED: ") + f"{len(ORDER)} patches applied in one tree with GNU patch and git apply ({kind})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
