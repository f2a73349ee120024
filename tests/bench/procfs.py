"""What Linux's /proc says about a benchmarked server process: peak RSS and open sockets."""

from __future__ import annotations

import asyncio
import contextlib
import os
from pathlib import Path

SAMPLE_INTERVAL_SECONDS = 0.002


def peak_rss_mib(pid: int) -> float:
    """VmHWM: the process's peak resident set size so far, in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            kib = int(line.split()[1])
            return kib / 1024
    raise RuntimeError(f"no VmHWM in /proc/{pid}/status")


def open_sockets(pid: int) -> int:
    """How many socket file descriptors the process holds (TCP connections, plus asyncio's self-pipe)."""
    count = 0
    fd_dir = f"/proc/{pid}/fd"
    for fd in os.listdir(fd_dir):
        try:
            if os.readlink(f"{fd_dir}/{fd}").startswith("socket:"):
                count += 1
        except FileNotFoundError:
            continue  # closed between listdir and readlink
    return count


class SocketSampler:
    """Polls a process's socket count while a run is in progress and keeps the peak."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.baseline = open_sockets(pid)
        self.peak = self.baseline
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._poll())

    async def stop(self) -> int:
        """Stop polling; returns the peak number of sockets opened beyond the baseline."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self._sample()
        return self.peak - self.baseline

    async def _poll(self) -> None:
        while True:
            self._sample()
            await asyncio.sleep(SAMPLE_INTERVAL_SECONDS)

    def _sample(self) -> None:
        self.peak = max(self.peak, open_sockets(self.pid))


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time the process has used (clock-tick resolution, usually 10 ms)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (comm) ": field 3 onwards
    utime, stime = int(fields[11]), int(fields[12])
    return (utime + stime) / os.sysconf("SC_CLK_TCK")
