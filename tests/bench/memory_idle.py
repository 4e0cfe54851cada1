#!/usr/bin/env python3
"""Resident memory of a server process tree, idle and holding idle connections.

Reads VmRSS of PID and all its descendants (a server may run worker
processes), then runs `loadgen --idle N` against it, reads the memory while
the N handshaken connections are held, and again after they closed.  Prints
one line of key=value (KiB):

  rss_idle_kib rss_held_kib rss_after_kib idle_ready per_conn_kib
  pss_idle_kib pss_held_kib pss_after_kib

The RSS of several processes counts the library pages they share once per
process; PSS (proportional set size, /proc/PID/smaps_rollup) shares each
page out between them, so that a tree of processes sums to what it costs
the machine.  For one process the two differ only by pages shared with
other programs.

per_conn_kib = (rss_held - rss_idle) / idle_ready.  rss_after, read --after
seconds (6) after the connections closed, shows whether the server gives
the memory back (allocators often keep it: that is reported, not judged).
"""

import argparse
import os
import subprocess
import sys
import time


def children_map():
    """Map of pid -> list of child pids, from /proc."""
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii",
                      errors="replace") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
    return children


def tree_kib(pid, name, field):
    """Sum of /proc/PID/name's field over pid and its descendants, in KiB."""
    children = children_map()
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        todo.extend(children.get(current, []))
        try:
            with open(f"/proc/{current}/{name}", encoding="ascii",
                      errors="replace") as status:
                for line in status:
                    if line.startswith(field + ":"):
                        total += int(line.split()[1])
        except OSError:
            continue
    return total


def tree_memory_kib(pid):
    """(RSS, PSS) of pid and its descendants, in KiB."""
    return tree_kib(pid, "status", "VmRSS"), tree_kib(pid, "smaps_rollup", "Pss")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pid", type=int, required=True)
    parser.add_argument("--loadgen", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--url", default="gemini://localhost/")
    parser.add_argument("--idle", type=int, default=1000)
    parser.add_argument("--hold", type=float, default=3.0)
    parser.add_argument("--settle", type=float, default=1.0,
                        help="seconds to wait before each reading")
    parser.add_argument("--after", type=float, default=6.0,
                        help="seconds after the connections closed to read "
                        "rss_after (servers that trim do it on a timer)")
    parser.add_argument("--cpu", default="0", help="taskset CPU list")
    return parser.parse_args()


def main():
    args = parse_args()
    time.sleep(args.settle)
    rss_idle, pss_idle = tree_memory_kib(args.pid)
    cmd = ["taskset", "-c", args.cpu, args.loadgen, "--proto", "gemini",
           "--port", str(args.port), "--url", args.url,
           "--idle", str(args.idle), "--hold", str(args.hold), "-c", "64"]
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True) as proc:
        ready_line = proc.stdout.readline().strip()
        time.sleep(min(args.settle, args.hold / 2))
        rss_held, pss_held = tree_memory_kib(args.pid)
        summary = proc.stdout.read().strip()
    if proc.returncode != 0 or not ready_line.startswith("idle_ready="):
        print(f"memory_idle: loadgen failed: {ready_line} {summary}",
              file=sys.stderr)
        return 1
    ready = int(ready_line.split("=", 1)[1])
    time.sleep(args.after)
    rss_after, pss_after = tree_memory_kib(args.pid)
    per_conn = (rss_held - rss_idle) / ready if ready else 0.0
    dropped = summary.rsplit("idle_dropped=", 1)[-1] \
        if "idle_dropped=" in summary else "?"
    print(f"rss_idle_kib={rss_idle} rss_held_kib={rss_held} "
          f"rss_after_kib={rss_after} idle_ready={ready} "
          f"idle_dropped={dropped} per_conn_kib={per_conn:.1f} "
          f"pss_idle_kib={pss_idle} pss_held_kib={pss_held} pss_after_kib={pss_after}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
