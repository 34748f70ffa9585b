"""A run's results: figures, the issue-10 targets they are held to, JSON in and out, comparison.

Every headline number is a `Figure` with a stable key (`orders.max_rate`), a unit and which
way is better, so two runs (before and after a change) compare key by key. A figure may
name a calibration figure as its reference: it is then also shown as a ratio of what this
machine does at all (a bare FastAPI hello, one INSERT through asyncpg).
"""

from __future__ import annotations

import json
import operator
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

SCHEMA_VERSION = 1

SCENARIOS = ("calibration", "edge", "orders", "kitchen", "events", "isolation", "growth")


@dataclass
class Figure:
    key: str  # "<scenario>.<name>"
    label: str
    value: float | None
    unit: str
    better: str  # "higher" or "lower"
    # The calibration figure this one is also shown as a ratio of, and that ratio.
    reference: str | None = None
    ratio: float | None = None
    note: str = ""
    # Why the value does not count (most orders failed, nothing was measured): a target on
    # this figure is then not met, rather than judged on the value or not measured.
    invalid: str = ""

    @property
    def scenario(self) -> str:
        return self.key.split(".", 1)[0]


@dataclass(frozen=True)
class Target:
    key: str
    figure: str
    op: str  # ">=" or "<="
    threshold: float
    text: str
    store: str | None = None  # only judged on this store ("sqlite"), else on PostgreSQL


_OPS: dict[str, Callable[[float, float], bool]] = {">=": operator.ge, "<=": operator.le}

# Issue 10's targets, on this machine, one process per service, measured in one run.
TARGETS: tuple[Target, ...] = (
    Target(
        "orders-rate",
        "orders.max_rate",
        ">=",
        150,
        "orders: at least 150 orders/s sustained through the gateway with p99 under 100 ms",
    ),
    Target("orders-p99-at-50", "orders.at50_p99", "<=", 50, "orders: p99 at most 50 ms at 50/s"),
    Target("edge-p50", "edge.added_p50", "<=", 0.5, "edge: the gateway adds at most 0.5 ms at p50"),
    Target(
        "edge-throughput",
        "edge.throughput_ratio",
        ">=",
        0.85,
        "edge: the gateway keeps at least 85% of the direct throughput",
    ),
    Target(
        "kitchen-p99",
        "kitchen.p99",
        "<=",
        100,
        "kitchen: order placed -> ticket on the SSE feed, p99 at most 100 ms at 50 orders/s",
    ),
    Target("events-rate", "events.rate", ">=", 5000, "events: the relay publishes >= 5,000/s"),
    Target(
        "events-lag", "events.lag_p99", "<=", 50, "events: commit-to-publish lag p99 at most 50 ms"
    ),
    Target(
        "growth",
        "growth.p99_ratio",
        "<=",
        1.2,
        "growth: place-order p99 with 1M orders stored at most 1.2x the p99 with 10k",
    ),
    Target(
        "isolation",
        "isolation.p99_ratio",
        "<=",
        1.1,
        "isolation (issue 9): order p99 with 200 guests chatting within 1.1x of without",
    ),
    Target(
        "sqlite-rate",
        "orders.max_rate_vs_postgresql",
        ">=",
        0.5,
        "SQLite default: orders reach at least half the PostgreSQL figure",
        store="sqlite",
    ),
    Target(
        "sqlite-p99-at-30",
        "orders.at30_p99",
        "<=",
        250,
        "SQLite default: p99 under 250 ms at 30 orders/s",
        store="sqlite",
    ),
)


@dataclass
class ScenarioResult:
    name: str
    status: str = "ok"  # ok, skipped, failed
    reason: str = ""
    settings: dict[str, Any] = field(default_factory=dict)
    # Each load applied (a step of the rate search, the fixed-rate run ...), as dicts.
    loads: list[dict[str, Any]] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    # The most any other work on the machine took while this scenario measured (cores).
    other_load_cores: float = 0.0


@dataclass
class RunResult:
    date: str
    started_at: str
    store: str  # "postgresql" or "sqlite"
    machine: dict[str, Any]
    code: dict[str, Any]
    scenarios_asked: list[str]
    quick: bool = False
    seconds: float = 0.0
    environment: dict[str, Any] = field(default_factory=dict)
    scenarios: dict[str, ScenarioResult] = field(default_factory=dict)
    figures: list[Figure] = field(default_factory=list)
    targets: list[dict[str, Any]] = field(default_factory=list)
    schema: int = SCHEMA_VERSION

    # -- figures ---------------------------------------------------------------------------

    def add(self, figure: Figure) -> Figure:
        self.figures = [f for f in self.figures if f.key != figure.key]
        self.figures.append(figure)
        return figure

    def figure(self, key: str) -> Figure | None:
        return next((f for f in self.figures if f.key == key), None)

    def value(self, key: str) -> float | None:
        found = self.figure(key)
        return None if found is None else found.value

    def compute_ratios(self) -> None:
        for figure in self.figures:
            if figure.reference is None:
                continue
            reference = self.value(figure.reference)
            if figure.value is None or not reference:
                figure.ratio = None
            else:
                figure.ratio = figure.value / reference

    def judge_targets(self) -> None:
        self.targets = []
        for target in TARGETS:
            applies = (target.store or "postgresql") == self.store and (
                target.figure.split(".", 1)[0] in self.scenarios_asked
            )
            if not applies:
                continue
            figure = self.figure(target.figure)
            measured = None if figure is None else figure.value
            met: bool | None = None
            if figure is not None and figure.invalid:
                met = False
            elif measured is not None:
                met = _OPS[target.op](measured, target.threshold)
            self.targets.append(
                {
                    "key": target.key,
                    "text": target.text,
                    "figure": target.figure,
                    "op": target.op,
                    "threshold": target.threshold,
                    "measured": measured,
                    "met": met,
                    "invalid": "" if figure is None else figure.invalid,
                }
            )

    # -- files -----------------------------------------------------------------------------

    @property
    def run_id(self) -> str:
        """`<date>-<commit>` (+ `-sqlite`, + the scenarios when not all of them ran)."""
        parts = [self.date, self.code.get("commit", "unknown")]
        if self.store == "sqlite":
            parts.append("sqlite")
        if sorted(self.scenarios_asked) != sorted(SCENARIOS):
            parts.append("+".join(s for s in SCENARIOS if s in self.scenarios_asked))
        if self.quick:
            parts.append("quick")
        return "-".join(parts)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["run_id"] = self.run_id
        return data

    def write_json(self, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{self.run_id}.json"
        path.write_text(json.dumps(self.to_dict(), indent=2, sort_keys=False) + "\n")
        return path

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RunResult:
        scenarios = {
            name: ScenarioResult(**body) for name, body in data.get("scenarios", {}).items()
        }
        figures = [Figure(**body) for body in data.get("figures", [])]
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        known.update(scenarios=scenarios, figures=figures)
        return cls(**known)

    @classmethod
    def read_json(cls, path: Path) -> RunResult:
        return cls.from_dict(json.loads(path.read_text()))


def latest(folder: Path, *, store: str, exclude: str | None = None) -> RunResult | None:
    """The newest full-or-partial run on `store` in `folder` (by start time), if any."""
    runs = []
    for path in sorted(folder.glob("*.json")):
        try:
            run = RunResult.read_json(path)
        except (ValueError, KeyError, TypeError):
            continue
        if run.store == store and run.run_id != exclude and not run.quick:
            runs.append(run)
    return max(runs, key=lambda r: r.started_at) if runs else None


@dataclass(frozen=True)
class Change:
    key: str
    label: str
    unit: str
    before: float | None
    after: float | None
    better: str

    @property
    def factor(self) -> float | None:
        """after / before (2.0: twice the value)."""
        if not self.before or self.after is None:
            return None
        return self.after / self.before

    @property
    def verdict(self) -> str:
        factor = self.factor
        if factor is None:
            return "n/a"
        if abs(factor - 1.0) < 0.05:
            return "same"
        improved = factor > 1.0 if self.better == "higher" else factor < 1.0
        return "better" if improved else "worse"


def compare(before: RunResult, after: RunResult) -> list[Change]:
    """Every figure either run has, side by side, in the order of `after` then `before`."""
    keys = [f.key for f in after.figures] + [
        f.key for f in before.figures if after.figure(f.key) is None
    ]
    changes = []
    for key in keys:
        old, new = before.figure(key), after.figure(key)
        shown = new or old
        assert shown is not None
        changes.append(
            Change(
                key,
                shown.label,
                shown.unit,
                None if old is None else old.value,
                None if new is None else new.value,
                shown.better,
            )
        )
    return changes
