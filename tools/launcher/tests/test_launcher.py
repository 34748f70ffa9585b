"""The launcher as a process, with fake services: start order, seeding, supervision, stopping."""

from __future__ import annotations

import json
import os
import signal
import socket
from collections.abc import Callable
from typing import TYPE_CHECKING

import httpx
import pytest

if TYPE_CHECKING:
    from conftest import LauncherRun

pytestmark = pytest.mark.integration  # starts nats-server and real processes

Launch = Callable[..., "LauncherRun"]


def test_starts_in_order_seeds_the_demo_and_stops_everything_on_ctrl_c(launch: Launch) -> None:
    run = launch()
    ready = run.wait_ready()

    assert ready["services"] == ["auth", "gateway"]
    assert ready["not_installed"] == ["stub"]
    assert ready["demo_login"] == {"email": "demo@example.com", "password": "demo-password-123"}
    assert run.launcher("demo restaurant created")
    order = [
        (r["event"], r.get("process"))
        for r in run.records()
        if r["service"] == "launcher"
        and r["event"] in ("migrated", "started", "ready", "system ready")
    ]
    assert order == [
        ("started", "nats-server"),
        ("ready", "nats-server"),
        ("migrated", "auth"),
        ("started", "auth"),
        ("ready", "auth"),
        ("started", "gateway"),
        ("ready", "gateway"),
        ("system ready", None),
    ]
    users = json.loads((run.var_dir / "auth.db").read_text())["users"]
    assert users["demo@example.com"]["restaurant_name"] == "Demo Bistro"
    tree = run.tree()
    assert len(tree) == 4  # launcher, nats-server, auth, gateway
    assert all(os.getsid(p.pid) == p.pid for p in tree[1:]), "each child in its own session"

    assert run.stop(signal.SIGINT) == 0

    assert not run.left_behind(tree)
    assert run.launcher("stopped everything")
    services = {r["service"] for r in run.records()}
    assert {"launcher", "nats-server", "auth", "gateway"} <= services
    wrapped = [r for r in run.records() if r["event"] == "plain text from auth"]
    assert wrapped[0]["service"] == "auth"
    assert wrapped[0]["level"] == "info"
    assert "timestamp" in wrapped[0]
    assert "Demo login" in run.stderr
    assert f"http://127.0.0.1:{run.ports['gateway']}" in run.stderr


def test_a_second_start_finds_the_demo_restaurant(launch: Launch) -> None:
    first = launch()
    first.wait_ready()
    assert first.stop(signal.SIGTERM) == 0

    second = launch()
    second.wait_ready()

    assert second.launcher("demo restaurant already exists")
    assert not second.launcher("demo restaurant created")
    assert second.stop() == 0


def test_a_service_that_crashes_is_restarted(launch: Launch) -> None:
    run = launch()
    run.wait_ready()
    auth = run.child_running("fake_auth")

    auth.kill()

    run.wait_for(lambda r: r["event"] == "ready again" and r.get("process") == "auth")
    crash = run.launcher("exited unexpectedly; restarting")[0]
    assert crash["process"] == "auth"
    assert crash["exit_code"] == -signal.SIGKILL
    assert crash["restart_in_seconds"] == 1.0
    assert run.child_running("fake_auth").pid != auth.pid
    url = f"http://127.0.0.1:{run.ports['auth']}/readyz"
    assert httpx.get(url, trust_env=False).status_code == 200
    assert run.stop() == 0


def test_a_service_that_cannot_start_is_named_with_its_last_lines(launch: Launch) -> None:
    run = launch(FAKE_MODE="crash")

    assert run.wait() == 1

    failure = run.launcher("could not start: auth exited with code 3 before /readyz answered 200")
    assert failure, str(run)
    assert "auth: cannot start, on purpose" in failure[0]["log_tail"]
    assert "auth: cannot start, on purpose" in run.stderr
    assert not any(r.get("process") == "gateway" for r in run.records())


def test_a_service_that_never_gets_ready_times_out(launch: Launch) -> None:
    run = launch(FAKE_MODE="never-ready", POS_LAUNCHER_READY_TIMEOUT="1")

    assert run.wait() == 1

    assert run.launcher("could not start: auth did not become ready within 1s")


def test_failed_migrations_stop_the_start(launch: Launch) -> None:
    run = launch(FAKE_MIGRATE="fail")

    assert run.wait() == 1

    failure = run.launcher("could not start: migrations of auth failed with exit code 4")
    assert failure[0]["log_tail"] == ["migration failed on purpose"]
    assert not any(r["event"] == "started" and r.get("process") == "auth" for r in run.records())


def test_a_process_that_ignores_sigterm_is_killed(launch: Launch) -> None:
    run = launch(FAKE_MODE="ignore-sigterm", POS_LAUNCHER_STOP_TIMEOUT="1")
    run.wait_ready()
    tree = run.tree()

    assert run.stop() == 0

    assert not run.left_behind(tree)
    warned = run.launcher("did not stop after SIGTERM; sending SIGKILL")
    assert {r["process"] for r in warned} == {"auth", "gateway"}


def test_children_die_with_a_killed_launcher(launch: Launch) -> None:
    run = launch()
    run.wait_ready()
    children = run.tree()[1:]

    run.process.kill()  # type: ignore[union-attr]
    run.wait()

    assert not run.left_behind(children, grace=5)


def test_nats_url_means_no_bundled_server(launch: Launch) -> None:
    run = launch(NATS_URL="nats://127.0.0.1:1")
    run.wait_ready()

    commands = [" ".join(p.cmdline()) for p in run.tree()[1:]]
    assert not [c for c in commands if "nats-server" in c]
    assert run.launcher("system ready")[-1]["nats_url"] == "nats://127.0.0.1:1"
    assert run.stop() == 0


def test_a_port_in_use_is_refused_before_anything_starts(launch: Launch) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        run = launch(POS_FAKE_GATEWAY_PORT=str(port))

        assert run.wait() == 2

    assert not run.launcher("started")
    assert f"port {port} for gateway is already in use" in run.stderr
    assert "POS_FAKE_GATEWAY_PORT" in run.stderr


def test_a_second_ctrl_c_kills_everything_at_once(launch: Launch) -> None:
    run = launch(FAKE_MODE="ignore-sigterm")
    run.wait_ready()
    tree = run.tree()

    os.killpg(run.pid, signal.SIGINT)
    run.wait_for(lambda r: r["event"] == "stopping everything")
    os.killpg(run.pid, signal.SIGINT)

    assert run.wait(timeout=5) == 0  # not the 10 s a SIGTERM gets by default
    assert not run.left_behind(tree)
    assert run.launcher("received SIGINT again; killing everything now")
