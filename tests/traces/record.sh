#!/usr/bin/env bash
# Records the guest-suite traces of this folder (68020 model) with the build in BUILD_DIR:
#   tests/traces/record.sh BUILD_DIR                 re-record every trace listed below, here
#   tests/traces/record.sh BUILD_DIR NAME...         re-record only those
#   tests/traces/record.sh --round-trip BUILD_DIR    run every test of the guest suites on the
#                                                    seam with tracing on (each file capped) and
#                                                    replay each recording at once (a ctest entry)
# Each line of the list: <file name> <gtest filter> [<size cap>] (one guest program run per
# test). A cap (`ipptrace FILE max=SIZE`) keeps a long session's file small: it then holds the
# session's first entries, up to an `end` record saying so.
set -euo pipefail
round_trip=0
if [ "${1:-}" = "--round-trip" ]; then round_trip=1; shift; fi
build=$(cd "${1:?usage: record.sh [--round-trip] BUILD_DIR [NAME...]}" && pwd)
shift
here=$(cd "$(dirname "$0")" && pwd)
tool="$build/tools/mactcp-trace/mactcp-trace"
guest="$build/tests/guest/mtb_guest_tests"

# The sessions whose host results today's replay answers (see README.md, "Coverage").
traces=(
  "foundation_driver_basics Foundation.DriverBasicsThroughTheRealPlugin"
  "macpython_module_functions Clients.MacPythonModuleFunctions"
  "dnr_hosts_files GuestDnr.HostsFiles"
  "dnr_bad_input GuestDnr.BadInput"
  "dnr_found_in_control_panels GuestDnr.FoundInControlPanels"
  "dnr_every_selector GuestDnr.EverySelector"
  "macpython_client_session Clients.MacPythonClientSession"
  "macpython_server_session Clients.MacPythonServerSession"
  "macpython_rcv_at_close Clients.MacPythonRcvWhenTheConnectionEndsBeforeBfrReturn"
  "macpython_macdnr Clients.MacPythonMacdnr"
  "ncsa_listen_accept Clients.NcsaListenSpinAndAcceptByRelisten"
  "ncsa_close_by_status Clients.NcsaCloseByStatusPollingAndDrain"
  "ncsa_rcv_reissue Clients.NcsaRcvReissuedFromCompletion 48K"
  "ncsa_send_many Clients.NcsaSeveralSendsInFlight 48K"
  "ncsa_inet_addr Clients.NcsaInetAddrWithoutResultProc"
  "passive_open_port_zero Tcp.GuestServerOnPortZeroAcceptsAHostClient"
  "tcp_every_call Tcp.EveryCallAndTheStateMatrixErrors"
  "tcp_abort_and_release Tcp.AbortAndReleaseAfterTheFirstBytes 40K"
  "demo_http_client TcpDemo.HttpClientFetchesAPage"
  "demo_echo_server TcpDemo.EchoServerGreetsAndEchoes"
  "udp_basics Udp.BasicsToOurselvesAndToAHostPeer"
  "udp_flood_slice Udp.FloodSliceOfThirtyTwoDatagramsEachWay"
  "macpython_udp_session Clients.MacPythonUdpRequestResponse"
  "icmp_echo Udp.PingOfLoopback"
)

# The guest suites, every service on the host-operations seam (README.md, "Coverage"): the round
# trip records and replays every test of these but the 10,000-datagram flood (its slice above
# stands for it). Under the round trip's cap the flood's recording stops after its first ~40
# datagrams, which the slice already covers, while the flood still runs whole (20-45 s in the ASan
# build, on the round trip, the longest ctest entry); recorded whole it is 80 MB, and replaying it
# takes 18 s and 1 GB in the normal build and over 15 minutes and 2 GB in the ASan build
# (README.md, "The traces in this folder").
round_trip_suites='Foundation.*:Tcp.*:Udp.*:GuestDnr.*:TcpDemo.*:Clients.*-Udp.TenThousandDatagramsEachWayInOrder'
round_trip_cap=256K

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0

if [ $round_trip -eq 1 ]; then
  # A guest test that fails here (its own ctest entry says why) still leaves a trace that must
  # replay; what this checks is that every recording replays.
  MTB_RECORD_TRACE_MAX=$round_trip_cap MTB_RECORD_TRACES="$work" "$guest" --cpu=68020 --gtest_filter="$round_trip_suites" \
    >"$work/guest.log" 2>&1 || echo "round trip: some guest tests failed while recording (see their own ctest entries)"
  tests=$("$guest" --gtest_filter="$round_trip_suites" --gtest_list_tests | grep -c '^  ')
  recorded=("$work"/*.jsonl)
  if [ ! -f "${recorded[0]}" ] || [ "${#recorded[@]}" -lt "$tests" ]; then
    echo "round trip: $tests tests ran, ${#recorded[@]} recordings"; cat "$work/guest.log"; exit 1
  fi
  replayed=0
  for file in "${recorded[@]}"; do
    if "$tool" replay "$file" >"$work/replay.log" 2>&1; then
      replayed=$((replayed + 1))
    else
      cat "$work/replay.log"; status=1
    fi
  done
  echo "round trip: $replayed of ${#recorded[@]} recordings of $tests guest tests replay as recorded"
  exit $status
fi
for entry in "${traces[@]}"; do
  read -r name filter max <<<"$entry"
  if [ $# -gt 0 ] && ! printf '%s\n' "$@" | grep -qx "$name"; then continue; fi
  mkdir -p "$work/$name"
  if ! MTB_RECORD_TRACE_MAX="${max:-}" MTB_RECORD_TRACES="$work/$name" "$guest" --cpu=68020 --gtest_filter="$filter" \
      >"$work/$name.log" 2>&1; then
    echo "$name: the guest test failed while recording"; cat "$work/$name.log"; status=1; continue
  fi
  recorded=("$work/$name"/*.jsonl)
  if [ ! -f "${recorded[0]}" ] || [ "${#recorded[@]}" -ne 1 ]; then
    echo "$name: expected one recording, got ${#recorded[@]}"; status=1; continue
  fi
  cp "${recorded[0]}" "$here/$name.jsonl"
  echo "$name.jsonl: $(wc -c <"$here/$name.jsonl") bytes"
done
exit $status
