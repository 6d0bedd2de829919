#!/usr/bin/python3
"""peak_rss.py OUTFILE CMD [ARGS...]: run CMD and write its peak resident
set in kB to OUTFILE; exit with CMD's status (128+N if killed by signal N).

The peak is the kernel's high-water mark, VmHWM in /proc/PID/status, read
while CMD runs, and the same mark as wait4 reports it at exit (ru_maxrss),
so a peak in CMD's last moments is not missed."""
import os
import sys
import time

out, argv = sys.argv[1], sys.argv[2:]
pid = os.fork()
if pid == 0:
    try:
        os.execvp(argv[0], argv)
    finally:
        os._exit(127)
peak = 0
while True:
    wpid, status, ru = os.wait4(pid, os.WNOHANG)
    if wpid == pid:
        break
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]))
    except (OSError, ValueError):
        pass
    time.sleep(0.02)
peak = max(peak, ru.ru_maxrss)
with open(out, "w") as f:
    f.write("%d\n" % peak)
sys.exit(os.WEXITSTATUS(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status))
