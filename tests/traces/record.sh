#!/usr/bin/env bash
# Records the guest-suite traces of this folder (68020 model) with the build in BUILD_DIR:
#   tests/traces/record.sh BUILD_DIR                 re-record every trace listed below, here
#   tests/traces/record.sh --round-trip BUILD_DIR    record into a temporary folder and replay
#                                                    each at once (a ctest entry)
# Each line of the list: <file name> <gtest filter> (one guest program run per test).
set -euo pipefail
round_trip=0
if [ "${1:-}" = "--round-trip" ]; then round_trip=1; shift; fi
build=$(cd "${1:?usage: record.sh [--round-trip] BUILD_DIR}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
tool="$build/tools/mactcp-trace/mactcp-trace"
guest="$build/tests/guest/mtb_guest_tests"

# The sessions whose host results today's replay answers (see README.md, "Coverage").
traces=(
  "macpython_module_functions Clients.MacPythonModuleFunctions"
  "dnr_hosts_files GuestDnr.HostsFiles"
  "dnr_bad_input GuestDnr.BadInput"
  "dnr_found_in_control_panels GuestDnr.FoundInControlPanels"
  "dnr_every_selector GuestDnr.EverySelector"
  "macpython_client_session Clients.MacPythonClientSession"
  "passive_open_port_zero Tcp.GuestServerOnPortZeroAcceptsAHostClient"
  "udp_basics Udp.BasicsToOurselvesAndToAHostPeer"
  "udp_flood_slice Udp.FloodSliceOfThirtyTwoDatagramsEachWay"
  "macpython_udp_session Clients.MacPythonUdpRequestResponse"
  "icmp_echo Udp.PingOfLoopback"
)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
for entry in "${traces[@]}"; do
  read -r name filter <<<"$entry"
  mkdir -p "$work/$name"
  MTB_RECORD_TRACES="$work/$name" "$guest" --cpu=68020 --gtest_filter="$filter" >"$work/$name.log" 2>&1 || {
    echo "$name: the guest test failed while recording"; cat "$work/$name.log"; status=1; continue; }
  recorded=("$work/$name"/*.jsonl)
  if [ "${#recorded[@]}" -ne 1 ]; then echo "$name: expected one recording, got ${#recorded[@]}"; status=1; continue; fi
  if [ $round_trip -eq 1 ]; then
    "$tool" replay "${recorded[0]}" || status=1
  else
    cp "${recorded[0]}" "$here/$name.jsonl"
    echo "$name.jsonl: $(wc -c <"$here/$name.jsonl") bytes"
  fi
done
exit $status
