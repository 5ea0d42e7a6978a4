#!/usr/bin/python3
# Makes the two plots of bench/README.md from the benchmarks' JSON output
# (--benchmark_out=FILE --benchmark_out_format=json; bench/run-benchmarks writes them):
#   throughput.png  bridge vs raw throughput by buffer / send / datagram size
#   latency.png     distribution of "peer's send() returned -> TCPRcv ioResult written"
# and prints the figures as the Markdown table bench/README.md shows.
# Usage: bench/plot_bench.py OUTPUT_DIR RESULT.json...   (Debian's python3-matplotlib)
# SPDX-License-Identifier: GPL-2.0-or-later
import json
import os
import re
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def load(paths):
    runs, context = [], {}
    for path in paths:
        with open(path) as f:
            data = json.load(f)
        context = data.get("context", context)
        runs += [b for b in data["benchmarks"] if b.get("run_type", "iteration") == "iteration"]
    return runs, context


def series(runs, family, argument):
    """(size, raw, bridge, cpu ratio) for every run of `family`, sized by the named argument. The CPU
    ratio is the guest-side thread's (call_cpu_ratio) where the benchmark reports it, else the
    whole process's (cpu_ratio): above 1, the bridge spent less CPU for the same work."""
    points = []
    for run in runs:
        name = run["name"]
        if not name.startswith(family + "/"):
            continue
        found = re.search(argument + r":(\d+)", name)
        raw = next((v for k, v in run.items() if k.startswith("raw_") and not k.startswith("raw_cpu")
                    and not k.startswith("raw_bytes") and not k.startswith("raw_call")), None)
        bridge = next((v for k, v in run.items() if k.startswith("bridge_") and not k.startswith("bridge_cpu")
                       and not k.startswith("bridge_bytes") and not k.startswith("bridge_call")), None)
        if found and raw is not None and bridge is not None:
            points.append((int(found.group(1)), raw, bridge, run.get("call_cpu_ratio", run.get("cpu_ratio"))))
    return sorted(points)


def throughput(runs, out):
    panels = [
        ("BM_TcpHostToGuest", "rcv", "TCP host → guest", "TCPRcv size (= stream buffer up to 32 KB)", "MB/s"),
        ("BM_TcpGuestToHost", "wds", "TCP guest → host", "TCPSend WDS size (bytes)", "MB/s"),
        ("BM_UdpHostToGuest", "bytes", "UDP host → guest", "datagram size (bytes)", "k datagrams/s"),
        ("BM_UdpGuestToHost", "bytes", "UDP guest → host", "datagram size (bytes)", "k datagrams/s"),
    ]
    fig, axes = plt.subplots(2, 2, figsize=(11, 8))
    for ax, (family, argument, title, xlabel, unit) in zip(axes.flat, panels):
        points = series(runs, family, argument)
        ax.set_title(title)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(unit)
        ax.set_xscale("log", base=2)
        if not points:
            ax.text(0.5, 0.5, "no data", ha="center", transform=ax.transAxes)
            continue
        sizes = [p[0] for p in points]
        ax.plot(sizes, [p[1] for p in points], "o-", label="raw loopback, same sizes")
        ax.plot(sizes, [p[2] for p in points], "s-", label="bridge")
        for size, raw, bridge, cpu in points:
            label = (f"{bridge / raw:.2f}×" if raw else "") + (f"\nCPU {cpu:.2f}×" if cpu else "")
            ax.annotate(label, (size, bridge), textcoords="offset points", xytext=(0, -22), ha="center", fontsize=7)
        ax.set_xticks(sizes, [str(size) for size in sizes], fontsize=8)
        ax.set_ylim(bottom=0)
        ax.legend(fontsize=8)
    fig.suptitle("Bridge vs raw sockets, same run (median of the iterations; labels: rate ratio, CPU ratio "
                 "raw/bridge for the same work)", fontsize=10)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "throughput.png"), dpi=90)


def latency(runs, out):
    run = next((r for r in runs if r["name"].startswith("BM_TcpReceiveLatency")), None)
    fig, ax = plt.subplots(figsize=(9, 5))
    if run is not None:
        for who, style in (("raw", "o-"), ("bridge", "s-")):
            points = []
            for key, value in run.items():
                found = re.fullmatch(who + r"_pct([\d.]+)", key)
                if found:
                    points.append((float(found.group(1)), value))
            points.sort()
            ax.plot([p[1] for p in points], [p[0] for p in points], style,
                    label=f"{who}: p50 {run[who + '_p50_us']:.1f} µs, p99 {run[who + '_p99_us']:.0f} µs")
        ax.axvline(20, color="grey", linestyle="--", label="goal: bridge p50 ≤ 20 µs")
    ax.set_xscale("log")
    ax.set_xlabel("peer's send() returned → data delivered (µs, log scale)")
    ax.set_ylabel("percentile")
    ax.set_title("Receive latency, 64-byte messages, emulation thread servicing interrupts at once")
    ax.legend(fontsize=8)
    ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "latency.png"), dpi=90)


def table(runs):
    def fmt(value):
        if not isinstance(value, (int, float)):
            return "—"
        return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"

    def row(*cells):
        print("| " + " | ".join(cells) + " |")

    row("Benchmark", "bridge", "raw, same work", "ratio", "CPU ratio", "call CPU, µs bridge / raw (ratio)")
    row("---", "---", "---", "---", "---", "---")
    for run in runs:
        name = re.sub(r"/(iterations|real_time|manual_time)[^/]*", "", run["name"])
        if name.startswith("BM_TcpReceiveLatency"):
            row(name + ": send() → ioResult, µs p50 / p99 / max",
                " / ".join(fmt(run["bridge_" + p]) for p in ("p50_us", "p99_us", "max_us")),
                " / ".join(fmt(run["raw_" + p]) for p in ("p50_us", "p99_us", "max_us")),
                fmt(run["ratio_p50"]) + " (p50)", "—")
            row(name + ": interrupt() → ioResult, µs p50 / p99 / max",
                " / ".join(fmt(run["interrupt_" + p]) for p in ("p50_us", "p99_us", "max_us")), "—", "—", "—", "—")
        elif "bridge_interrupt_cpu_us" in run:
            row(name + ": CPU of the interrupt() / the raw recv() delivering 64 B, µs",
                fmt(run["bridge_interrupt_cpu_us"]), fmt(run["raw_recv_cpu_us"]), "—", "—", "—")
        elif "calls_cpu_us" in run:
            row(name + ": round trip, µs", fmt(run["bridge_round_trip_us"]), fmt(run["raw_round_trip_us"]),
                fmt(run["ratio"]), "—", "—")
            row(name + ": bridge CPU per exchange / per TCPStatus, µs",
                fmt(run["calls_cpu_us"]) + " / " + fmt(run["status_cpu_us"]), "—", "—", "—", "—")
        elif "cpu_ms" in run:
            row(name + ": emulation-thread CPU, ms median / max", fmt(run["cpu_ms"]) + " / " + fmt(run["cpu_max_ms"]),
                "—", "—", "—", "—")
        else:
            unit = next((k[len("raw_"):] for k in run if k.startswith("raw_") and k not in
                         ("raw_cpu_ms", "raw_bytes_per_read", "raw_call_cpu_us")), None)
            if unit is None:  # a plain per-call benchmark
                row(name + ": per call, µs wall / CPU", fmt(run["real_time"] / 1000) + " / " +
                    fmt(run["cpu_time"] / 1000), "—", "—", "—", "—")
            else:
                calls = "—"
                if "call_cpu_ratio" in run:
                    calls = f"{fmt(run['bridge_call_cpu_us'])} / {fmt(run['raw_call_cpu_us'])} ({fmt(run['call_cpu_ratio'])})"
                row(f"{name} ({unit})", fmt(run["bridge_" + unit]), fmt(run["raw_" + unit]), fmt(run["ratio"]),
                    fmt(run["cpu_ratio"]), calls)


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__ or "usage: plot_bench.py OUTPUT_DIR RESULT.json...")
    runs, _ = load(sys.argv[2:])
    throughput(runs, sys.argv[1])
    latency(runs, sys.argv[1])
    table(runs)


if __name__ == "__main__":
    main()
