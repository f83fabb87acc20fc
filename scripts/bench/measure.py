#!/usr/bin/env python3
"""Runs one command and prints what it cost as one JSON line: wall seconds, CPU seconds (user + system, the command
and every process it waited for), peak resident set (the largest of them) and bytes written to storage.

write_bytes comes from /proc/self/io of this wrapper after the command is reaped: Linux adds a reaped child's I/O
counters to its parent's, as it does for CPU times. Usage: measure.py LABEL -- COMMAND [ARGS...]"""
import json
import os
import subprocess
import sys
import time


def written():
    with open("/proc/self/io", encoding="ascii") as io:
        return next(int(line.split()[1]) for line in io if line.startswith("write_bytes:"))


def main():
    if len(sys.argv) < 4 or sys.argv[2] != "--":
        sys.exit("usage: measure.py LABEL -- COMMAND [ARGS...]")
    label, command = sys.argv[1], sys.argv[3:]
    before = written()
    started = time.monotonic()
    # The command's own output goes to standard error: standard output carries the one JSON line.
    process = subprocess.Popen(command, stdout=sys.stderr)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.monotonic() - started
    result = {"label": label, "status": os.waitstatus_to_exitcode(status), "wall_seconds": round(wall, 3),
              "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 3), "peak_rss_kib": usage.ru_maxrss,
              "write_bytes": written() - before}
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
