"""How the launcher starts a child: in the background when the catalogue says so."""

from __future__ import annotations

import os
import sys

import pytest

from pos_launcher.process import ChildProcess


@pytest.mark.skipif(not hasattr(os, "SCHED_IDLE"), reason="the idle class is Linux's")
async def test_a_background_child_runs_in_the_idle_scheduling_class() -> None:
    # stderr: a background child's stdout (its log) bypasses the launcher's relay.
    script = "import os, sys; print(os.sched_getscheduler(0), file=sys.stderr)"
    child = await ChildProcess.spawn(
        "background-child", [sys.executable, "-c", script], dict(os.environ), background=True
    )
    assert await child.wait() == 0  # also waits for the last lines to be relayed
    assert str(os.SCHED_IDLE) in {line.strip() for line in child.tail}


async def test_a_background_childs_log_bypasses_the_relay_and_its_traceback_does_not() -> None:
    script = "import sys; print('{\"event\": \"a log line\"}'); sys.exit('Traceback: boom')"
    child = await ChildProcess.spawn(
        "background-child", [sys.executable, "-c", script], dict(os.environ), background=True
    )
    assert await child.wait() == 1

    assert list(child.tail) == ["Traceback: boom"]


async def test_a_child_of_the_order_path_keeps_the_launchers_scheduling() -> None:
    script = "import os, sys; print(os.sched_getscheduler(0)); sys.stdout.flush()"
    child = await ChildProcess.spawn(
        "order-path-child", [sys.executable, "-c", script], dict(os.environ)
    )
    assert await child.wait() == 0
    assert str(os.sched_getscheduler(0)) in {line.strip() for line in child.tail}
