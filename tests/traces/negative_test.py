#!/usr/bin/env python3
"""Damaged copies of a recorded trace must fail replay, naming the damaged record and field.

usage: negative_test.py MACTCP_TRACE TRACES_DIR
"""
import base64
import json
import os
import subprocess
import sys
import tempfile

tool, traces = sys.argv[1], sys.argv[2]
# Host-file lookups: results and guest-memory writes, no host sockets.
SOURCE = os.path.join(traces, "dnr_hosts_files.jsonl")
# A TCP session: ASRs of several kinds, called from interrupt-level drains.
WITH_CALLBACKS = os.path.join(traces, "macpython_client_session.jsonl")
failures = []


def load(source=SOURCE):
    with open(source, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def replay(records):
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r, separators=(",", ":")) + "\n")
        path = f.name
    try:
        done = subprocess.run([tool, "replay", path], capture_output=True, text=True, timeout=60)
    finally:
        os.unlink(path)
    return done.returncode, done.stdout + done.stderr


def expect_failure(what, records, number, field):
    code, output = replay(records)
    if code != 1:
        failures.append(f"{what}: exit {code}, expected 1\n{output}")
    elif f"record #{number} " not in output or f"field:    {field}" not in output:
        failures.append(f"{what}: expected record #{number}, field {field}\n{output}")
    else:
        print(f"{what}: fails as it should at record #{number}, field {field}")


code, output = replay(load())
if code != 0:
    failures.append("the undamaged trace does not replay:\n" + output)

# One result changed: the first driver return with a result.
records = load()
ret = next(r for r in records if r.get("k") == "ret" and "d0" in r and r["n"] > 5)
ret["d0"] = (ret["d0"] + 1) & 0xFFFFFFFF
expect_failure("one result changed", records, ret["n"], "d0")

# A field the reader does not check, given another type (a damaged trace): the report names it
# like any other difference; it used to end replay with an uncaught json type_error.
records = load()
ret = next(r for r in records if r.get("k") == "ret" and "result" in r and r["n"] > 5)
ret["result"] = {"damaged": True}
expect_failure("one result name of another type", records, ret["n"], "result")

# One payload byte changed: the last byte of a block the bridge wrote into guest memory.
records = load()
wr = [r for r in records if r.get("k") == "wr" and len(base64.b64decode(r["b"])) >= 4][-1]
data = bytearray(base64.b64decode(wr["b"]))
data[-1] ^= 0x5A
wr["b"] = base64.b64encode(bytes(data)).decode()
expect_failure("one payload byte changed", records, wr["n"], f"memory 0x{wr['a'] + len(data) - 1:08x}")

# Two callbacks swapped: the first callback and the first later one with other arguments (each
# with what the guest did inside it) exchange places. The divergence is found while the bridge
# delivers the moved callback (from inside a destructor flushing its queue): replay must still
# report it and exit 1, not die.
code, output = replay(load(WITH_CALLBACKS))
if code != 0:
    failures.append("the undamaged trace with callbacks does not replay:\n" + output)
records = load(WITH_CALLBACKS)


def block(start):
    """Index of the cb_ret closing the callback that starts at `start`."""
    depth, i = 0, start
    while True:
        kind = records[i].get("k")
        depth += kind == "cb"
        depth -= kind == "cb_ret"
        if depth == 0:
            return i
        i += 1


callbacks = [i for i, r in enumerate(records) if r.get("k") == "cb"]
a = callbacks[0]
b = next(i for i in callbacks[1:] if records[i]["args"] != records[a]["args"] and i > block(a))
first, second = records[a:block(a) + 1], records[b:block(b) + 1]
records = records[:a] + second + records[block(a) + 1:b] + first + records[block(b) + 1:]
for number, record in enumerate(records[1:], 1):  # renumbered: the reader refuses gaps
    record["n"] = number
expect_failure("two callbacks swapped", records, records[a]["n"], "args")

if failures:
    print("\n\n".join(failures))
    sys.exit(1)
