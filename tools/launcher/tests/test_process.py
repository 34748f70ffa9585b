"""How the launcher starts a child: lower in CPU priority when the catalogue says so."""

from __future__ import annotations

import os
import sys

from pos_launcher.process import ChildProcess


async def test_a_child_started_with_niceness_runs_at_lower_cpu_priority() -> None:
    mine = os.getpriority(os.PRIO_PROCESS, 0)
    script = "import os, sys; print(os.getpriority(os.PRIO_PROCESS, 0)); sys.stdout.flush()"
    child = await ChildProcess.spawn(
        "nice-child", [sys.executable, "-c", script], dict(os.environ), niceness=10
    )
    assert await child.wait() == 0  # also waits for the last lines to be relayed
    assert min(19, mine + 10) in {int(line) for line in child.tail if line.strip().isdigit()}
