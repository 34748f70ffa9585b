"""What a person reads: where to go and how to log in, or why start-up failed.

Each message goes twice: as one JSON line on stdout (the stream a tool reads) and as plain
text on stderr, so it stands out in a terminal among the services' JSON logs.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence

from pos_kit.catalogue import ServiceEntry, Stage
from pos_launcher import logs, seed
from pos_launcher.catalogue import InstalledService
from pos_launcher.config import GATEWAY, GUEST_EDGE, LauncherConfig


def _print(text: str) -> None:
    try:
        sys.stderr.write(text)
        sys.stderr.flush()
    except (BrokenPipeError, ValueError):
        pass


def announce(
    config: LauncherConfig,
    installed: Sequence[InstalledService],
    missing: Sequence[ServiceEntry],
    began: float,
    *,
    demo_seeded: bool,
) -> None:
    edges = {s.name: config.url_of(s.spec) for s in installed if s.spec.stage is Stage.EDGE}
    gateway_url = edges.get(GATEWAY)
    guest_url = edges.get(GUEST_EDGE)
    docs = {s.name: f"{config.url_of(s.spec)}/docs" for s in installed}
    seconds = round(time.monotonic() - began, 1)
    logs.emit(
        "system ready",
        gateway_url=gateway_url,
        guest_edge_url=guest_url,
        docs=docs,
        demo_login=(
            {"email": seed.DEMO_EMAIL, "password": seed.DEMO_PASSWORD} if demo_seeded else None
        ),
        nats_url=config.nats_url,
        var_dir=str(config.var_dir),
        services=[s.name for s in installed],
        not_installed=[s.name for s in missing],
        seconds=seconds,
    )
    doc_lines = "\n".join(
        f"  {'API docs' if i == 0 else '':<12}{url:<36} {name}"
        for i, (name, url) in enumerate(docs.items())
    )
    lines = [
        "",
        f"  Restaurant POS is running ({len(installed)} services, up in {seconds}s)",
        "",
        f"  {'Open':<12}{gateway_url or '(no gateway installed)'}",
        f"  {'Guests':<12}{guest_url}   (guest chat from a table's guest link)"
        if guest_url
        else f"  {'Guests':<12}(no guest edge)",
        f"  {'Demo login':<12}{seed.DEMO_EMAIL} / {seed.DEMO_PASSWORD}"
        f'   (owner of "{seed.DEMO_RESTAURANT}")'
        if demo_seeded
        else f"  {'Demo login':<12}(not available: see the error above)",
        doc_lines,
        f"  {'NATS':<12}{config.nats_url}",
        f"  {'State':<12}{config.var_dir}",
    ]
    if config.mail_sink_port is not None and any(s.name == "notification" for s in installed):
        lines.append(f"  {'E-mails':<12}{config.mail_dir}/new (nothing is sent out)")
    if missing:
        lines.append(f"  {'Not yet':<12}{', '.join(s.name for s in missing)} (not installed)")
    lines += ["", "  Ctrl-C stops everything.", "", ""]
    _print("\n".join(lines))


def print_failure(message: str, tail: Sequence[str]) -> None:
    logs.emit(f"could not start: {message}", level="error", log_tail=list(tail))
    text = [f"\n  make run failed: {message}\n"]
    if tail:
        text.append("  Its last lines:\n")
        text.extend(f"    {line}\n" for line in tail)
    _print("".join(text) + "\n")
