"""`make run` on a fresh var dir: it comes up, serves the demo, survives a crash, stops clean."""

from __future__ import annotations

import json
import os
import signal
import time
import uuid
from typing import TYPE_CHECKING

import httpx
import pytest

if TYPE_CHECKING:
    from conftest import MakeRun

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(360)]

DEMO_LOGIN = {"email": "demo@example.com", "password": "demo-password-123"}


def _client(base_url: str) -> httpx.Client:
    return httpx.Client(base_url=base_url, timeout=15, trust_env=False)


def _login(client: httpx.Client, email: str, password: str) -> str:
    response = client.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    token = response.json()["access_token"]
    assert isinstance(token, str)
    assert token
    return token


def test_make_run_serves_the_demo_and_stops_everything_on_ctrl_c(make_run: MakeRun) -> None:
    ready = make_run.wait_until_ready()

    assert ready["gateway_url"] == make_run.url("gateway")
    assert ready["demo_login"] == DEMO_LOGIN
    assert {"auth", "gateway"} <= set(ready["services"])
    assert ready["docs"]["auth"] == f"{make_run.url('auth')}/docs"
    assert (make_run.var_dir / "nats").is_dir(), "the bundled nats-server keeps its store there"

    with _client(make_run.url("gateway")) as gateway:
        assert gateway.get("/readyz").status_code == 200
        email = f"owner-{uuid.uuid4().hex[:12]}@example.com"
        signup = gateway.post(
            "/api/v1/auth/signup",
            json={
                "restaurant_name": "Trattoria Test",
                "email": email,
                "password": "a long enough password",
                "full_name": "Tess Owner",
            },
        )
        assert signup.status_code == 201, signup.text
        assert signup.json()["access_token"]
        _login(gateway, email, "a long enough password")
        _login(gateway, DEMO_LOGIN["email"], DEMO_LOGIN["password"])

    tree = make_run.record_tree()
    commands = [" ".join(r.cmdline) for r in tree]
    assert any("nats-server" in c and f"--port {make_run.nats_port}" in c for c in commands)
    for service in ready["services"]:
        make_run.service_process(service)

    stopping = time.monotonic()
    make_run.ctrl_c()
    code = make_run.wait_exit(20)
    took = time.monotonic() - stopping

    assert code is not None, f"make run still running 20 s after Ctrl-C\n{make_run}"
    left = make_run.leftovers(tree)
    assert not left, "left behind:\n" + "\n".join(r.describe() for r in left)
    assert make_run.launcher_events("stopped everything"), str(make_run)
    assert not [r for r in make_run.records() if "SIGKILL" in str(r.get("event"))], (
        "every process stopped on SIGTERM"
    )
    # One JSON object a line, from the launcher's first message to its last.
    output = make_run.launcher_output()
    assert output
    for line in output:
        assert isinstance(json.loads(line), dict), line
    print(f"stopped in {took:.1f}s after Ctrl-C")


def test_make_run_restarts_a_service_that_was_killed(make_run: MakeRun) -> None:
    make_run.wait_until_ready()
    auth = make_run.service_process("auth")

    os.kill(auth.pid, signal.SIGKILL)
    killed = time.monotonic()

    with _client(make_run.url("auth")) as client:
        deadline = killed + 15
        while True:
            try:
                if client.get("/readyz").status_code == 200:
                    replacement = make_run.service_process("auth")
                    if replacement.pid != auth.pid:
                        break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, f"auth not back within 15 s\n{make_run}"
            time.sleep(0.2)
    back_after = time.monotonic() - killed

    restarts = [
        r
        for r in make_run.launcher_events("exited unexpectedly; restarting")
        if r.get("process") == "auth"
    ]
    assert restarts
    assert restarts[0]["exit_code"] == -signal.SIGKILL
    with _client(make_run.url("gateway")) as gateway:
        _login(gateway, DEMO_LOGIN["email"], DEMO_LOGIN["password"])
    print(f"auth answered /readyz again {back_after:.1f}s after SIGKILL")


def test_children_do_not_outlive_a_killed_launcher(make_run: MakeRun) -> None:
    make_run.wait_until_ready()
    tree = make_run.record_tree()
    launcher = make_run.launcher_process()
    below = [r for r in tree if r.pid not in {make_run.pid, launcher.pid}]
    assert below

    os.kill(launcher.pid, signal.SIGKILL)

    assert make_run.wait_exit(10) is not None, "make waits for the launcher, which is dead"
    left = make_run.leftovers(below, grace=5)
    assert not left, "outlived the launcher:\n" + "\n".join(r.describe() for r in left)
