"""The human side of a run: lines printed as it goes, and its section of docs/benchmarks.md.

`docs/benchmarks.md` keeps one section per run between markers (newest first); a run with
the same id (same date, commit, store and scenarios) replaces its section. Everything outside
the markers is left as written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pos_bench.results import Change, RunResult

RUNS_BEGIN = "<!-- bench:runs -->"
RUNS_END = "<!-- /bench:runs -->"
_SECTION = re.compile(
    r"<!-- bench:run (?P<id>[^ ]+) -->\n.*?<!-- /bench:run (?P=id) -->\n", re.DOTALL
)

NEW_DOCUMENT = f"""# Benchmarks

`make bench` writes a section here per run (newest first) and the whole result as JSON
under `bench/results/`.

{RUNS_BEGIN}
{RUNS_END}
"""


def number(value: float | None, unit: str = "") -> str:
    if value is None:
        return "-"
    magnitude = abs(value)
    if value == int(value) and magnitude < 1e7:
        text = f"{int(value):,}"
    elif magnitude >= 100:
        text = f"{value:,.0f}"
    elif magnitude >= 10:
        text = f"{value:.1f}"
    elif magnitude >= 1:
        text = f"{value:.2f}"
    else:
        text = f"{value:.3f}"
    return f"{text} {unit}".rstrip()


def load_line(name: str, load: dict[str, Any]) -> str:
    """One printed line per load: `orders @ 50/s  p50 ... p99 ... | 48.7/s ok | 0 errors`."""
    latency = load["latency_ms"]
    rate = f"@ {load['rate']:g}/s" if load.get("rate") else f"x{load.get('connections')} conns"
    errors = load.get("errors") or {}
    error_text = (
        ", ".join(f"{k}: {v}" for k, v in sorted(errors.items())) if errors else "no errors"
    )
    parts = [
        f"{name} {rate}:",
        f"p50 {latency['p50']:.1f}  p95 {latency['p95']:.1f}  p99 {latency['p99']:.1f}"
        f"  max {latency['max']:.1f} ms",
        f"| achieved {load['achieved_rate']:.1f}/s",
        f"| {error_text}",
    ]
    cpu = load.get("cpu") or {}
    unit = load.get("unit", "request")
    per_unit = cpu.get(f"system_cpu_ms_per_{unit}")
    if per_unit is not None:
        generator = (cpu.get(f"cpu_ms_per_{unit}") or {}).get("generator")
        parts.append(f"| system CPU {per_unit:.1f} ms/{unit}")
        if generator is not None:
            parts.append(f"(generator {generator:.1f})")
    return " ".join(parts)


def _machine_line(run: RunResult) -> str:
    m = run.machine
    return (
        f"{m.get('cpu_model')}, {m.get('cores')} cores, {m.get('memory_gib')} GiB, "
        f"{m.get('os')}, Python {m.get('python')}"
    )


def _code_line(run: RunResult) -> str:
    code = run.code
    dirty = " with uncommitted changes in the tree" if code.get("dirty") else ""
    return f"`{code.get('commit')}` ({code.get('subject', '')}){dirty}"


def _ratio(figure_ratio: float | None, reference: str | None) -> str:
    if figure_ratio is None or reference is None:
        return ""
    return f"{figure_ratio:.3g} x `{reference}`"


def render_run(run: RunResult) -> str:
    """The markdown section of one run."""
    store = "PostgreSQL" if run.store == "postgresql" else "SQLite (`make run`'s default)"
    minutes, seconds = divmod(round(run.seconds), 60)
    lines = [
        f"<!-- bench:run {run.run_id} -->",
        f"### {run.date} · {run.code.get('commit')} · {store} · {', '.join(run.scenarios_asked)}",
        "",
        f"- Machine: {_machine_line(run)}",
        f"- Code: {_code_line(run)}",
        f"- Started {run.started_at}, took {minutes} min {seconds:02d} s"
        + (" (quick mode: shortened, not comparable)" if run.quick else ""),
    ]
    for key, value in run.environment.items():
        lines.append(f"- {key}: {value}")
    busy = {n: s.other_load_cores for n, s in run.scenarios.items() if s.other_load_cores >= 0.1}
    if busy:
        listed = ", ".join(f"{n} {c:.2f}" for n, c in busy.items())
        lines.append(
            f"- **The machine was not idle**: other processes used CPU (cores) during {listed}"
        )
    lines += ["", "| figure | value | as a ratio of calibration |", "|---|---|---|"]
    for figure in run.figures:
        note = f" ({figure.note})" if figure.note else ""
        value = number(figure.value, figure.unit)
        if figure.invalid:
            value += f" - **does not count**: {figure.invalid}"
        ratio = _ratio(figure.ratio, figure.reference)
        lines.append(f"| {figure.label} `{figure.key}`{note} | {value} | {ratio} |")
    if run.targets:
        lines += ["", "Issue 10's targets:", "", "| target | measured | met |", "|---|---|---|"]
        for target in run.targets:
            met = {True: "yes", False: "**no**", None: "not measured"}[target["met"]]
            why = f" ({target['invalid']})" if target.get("invalid") else ""
            lines.append(
                f"| {target['text']} ({target['op']} {target['threshold']:g}) | "
                f"{number(target['measured'])}{why} | {met} |"
            )
    for name, scenario in run.scenarios.items():
        lines += ["", f"#### {name}" + ("" if scenario.status == "ok" else f" ({scenario.status})")]
        if scenario.reason:
            lines += ["", scenario.reason]
        if scenario.settings:
            settings = "; ".join(f"{k} {v}" for k, v in scenario.settings.items())
            lines += ["", f"Settings: {settings}."]
        if scenario.loads:
            lines += [
                "",
                "| load | asked | achieved | p50 ms | p95 ms | p99 ms | max ms | errors "
                "| system CPU ms/unit | generator CPU ms/unit |",
                "|---|---|---|---|---|---|---|---|---|---|",
            ]
            for load in scenario.loads:
                lines.append(_load_row(load))
            cpu_lines = list(_cpu_breakdown(scenario.loads))
            if cpu_lines:
                lines += ["", *cpu_lines]
        extra = [f"- {note}" for note in scenario.notes]
        extra += [f"- {key}: {_compact(value)}" for key, value in scenario.details.items()]
        if extra:
            lines += ["", *extra]
    lines += ["", f"<!-- /bench:run {run.run_id} -->", ""]
    return "\n".join(lines)


def _compact(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k} {_compact(v)}" for k, v in value.items())
    if isinstance(value, float):
        return number(value)
    return str(value)


def _load_row(load: dict[str, Any]) -> str:
    latency = load["latency_ms"]
    asked = f"{load['rate']:g}/s" if load.get("rate") else f"{load.get('connections')} conns"
    errors = load.get("errors") or {}
    error_text = ", ".join(f"{k}: {v}" for k, v in sorted(errors.items())) if errors else "0"
    cpu = load.get("cpu") or {}
    unit = load.get("unit", "request")
    system = cpu.get(f"system_cpu_ms_per_{unit}")
    generator = (cpu.get(f"cpu_ms_per_{unit}") or {}).get("generator")
    return (
        f"| {load['name']} | {asked} | {load['achieved_rate']:.1f}/s | {latency['p50']:.1f} | "
        f"{latency['p95']:.1f} | {latency['p99']:.1f} | {latency['max']:.1f} | {error_text} | "
        f"{number(system)} /{unit} | {number(generator)} |"
    )


def _cpu_breakdown(loads: Iterable[dict[str, Any]]) -> Iterable[str]:
    """For the loads marked `breakdown`: CPU ms per unit of each process."""
    for load in loads:
        if not load.get("breakdown"):
            continue
        unit = load.get("unit", "request")
        per = (load.get("cpu") or {}).get(f"cpu_ms_per_{unit}") or {}
        if per:
            parts = ", ".join(f"{name} {ms:.2f}" for name, ms in per.items() if ms >= 0.005)
            yield f"CPU ms per {unit} at {load['name']}: {parts}."


def update_document(path: Path, run: RunResult) -> None:
    """Put the run's section at the top of the runs in `path` (replacing an older one)."""
    text = path.read_text() if path.exists() else NEW_DOCUMENT
    if RUNS_BEGIN not in text or RUNS_END not in text:
        text = text.rstrip("\n") + f"\n\n## Runs\n\n{RUNS_BEGIN}\n{RUNS_END}\n"
    head, rest = text.split(RUNS_BEGIN, 1)
    body, tail = rest.split(RUNS_END, 1)
    body = _SECTION.sub(
        lambda m: "" if m.group("id") == run.run_id else m.group(0), body.lstrip("\n")
    )
    body = render_run(run) + ("\n" + body if body.strip() else "")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{head}{RUNS_BEGIN}\n{body}{RUNS_END}{tail}")


def render_comparison(before: RunResult, after: RunResult, changes: list[Change]) -> str:
    lines = [
        f"before: {before.run_id} ({before.store})",
        f"after:  {after.run_id} ({after.store})",
        "",
        f"{'figure':44} {'before':>14} {'after':>14} {'after/before':>12}  verdict",
    ]
    for change in changes:
        factor = change.factor
        lines.append(
            f"{change.key:44} {number(change.before, change.unit):>14} "
            f"{number(change.after, change.unit):>14} "
            f"{'-' if factor is None else f'{factor:.2f}x':>12}  {change.verdict}"
        )
    return "\n".join(lines)
