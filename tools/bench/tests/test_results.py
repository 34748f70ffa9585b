"""Results: JSON written and read back, targets judged, the report section written in place,
two runs compared."""

from __future__ import annotations

import json

from pos_bench.report import RUNS_BEGIN, RUNS_END, render_comparison, update_document
from pos_bench.results import SCENARIOS, Figure, RunResult, ScenarioResult, compare, latest


def a_run(*, date="2026-12-01", commit="abc1234", store="postgresql", **figures: float):
    run = RunResult(
        date=date,
        started_at=f"{date}T10:00:00+00:00",
        store=store,
        machine={"cpu_model": "Test CPU", "cores": 2, "memory_gib": 4.0, "os": "Linux",
                 "python": "3.11"},
        code={"commit": commit, "subject": "a change", "dirty": False},
        scenarios_asked=list(SCENARIOS),
        seconds=600.0,
    )  # fmt: skip
    units = {"orders.max_rate": ("orders/s", "higher"), "edge.added_p50": ("ms", "lower")}
    for key, value in figures.items():
        name = key.replace("__", ".")
        unit, better = units.get(name, ("ms", "lower"))
        run.add(Figure(name, name, value, unit, better))
    run.scenarios["orders"] = ScenarioResult(
        "orders",
        settings={"order": "open + place"},
        loads=[
            {
                "name": "50/s",
                "rate": 50.0,
                "achieved_rate": 39.5,
                "latency_ms": {"p50": 470.0, "p95": 800.0, "p99": 970.0, "max": 1200.0},
                "errors": {"open: http 503": 3},
                "unit": "order",
                "breakdown": True,
                "cpu": {
                    "system_cpu_ms_per_order": 52.0,
                    "cpu_ms_per_order": {"pos-core": 20.0, "gateway": 10.0, "generator": 3.0},
                },
            }
        ],
    )
    return run


def test_json_round_trip(tmp_path):
    run = a_run(orders__max_rate=35.0, edge__added_p50=1.3)
    run.add(Figure("calibration.insert_rps", "insert", 700.0, "req/s", "higher"))
    run.add(Figure("orders.rate_vs", "x", 35.0, "orders/s", "higher", "calibration.insert_rps"))
    run.compute_ratios()
    run.judge_targets()

    path = run.write_json(tmp_path)
    again = RunResult.read_json(path)

    assert path.name == "2026-12-01-abc1234.json"
    assert json.loads(path.read_text())["run_id"] == "2026-12-01-abc1234"
    assert again.value("orders.max_rate") == 35.0
    assert again.figure("orders.rate_vs").ratio == 35.0 / 700.0
    assert again.scenarios["orders"].loads[0]["latency_ms"]["p99"] == 970.0
    assert again.targets == run.targets


def test_run_ids_say_what_ran():
    assert a_run().run_id == "2026-12-01-abc1234"
    assert a_run(store="sqlite").run_id == "2026-12-01-abc1234-sqlite"
    partial = a_run()
    partial.scenarios_asked = ["orders", "edge"]
    partial.quick = True
    assert partial.run_id == "2026-12-01-abc1234-edge+orders-quick"


def test_targets_are_judged_on_their_store_and_scenarios():
    run = a_run(orders__max_rate=160.0, edge__added_p50=1.3)
    run.add(Figure("orders.at50_p99", "p99", 40.0, "ms", "lower", invalid="60% failed"))
    run.judge_targets()
    by_key = {t["key"]: t for t in run.targets}

    assert by_key["orders-rate"]["met"] is True
    assert by_key["edge-p50"]["met"] is False
    # A value that does not count (most orders failed) does not meet its target.
    assert by_key["orders-p99-at-50"]["met"] is False
    assert by_key["events-rate"]["met"] is None  # not measured
    assert "sqlite-rate" not in by_key  # judged only on SQLite runs

    sqlite = a_run(store="sqlite")
    sqlite.scenarios_asked = ["orders"]
    sqlite.judge_targets()
    assert {t["key"] for t in sqlite.targets} == {"sqlite-rate", "sqlite-p99-at-30"}


def test_the_report_section_is_written_and_replaced_in_place(tmp_path):
    docs = tmp_path / "benchmarks.md"
    docs.write_text(f"# Benchmarks\n\nHand-written intro.\n\n{RUNS_BEGIN}\n{RUNS_END}\n\nFooter.\n")
    first = a_run(orders__max_rate=35.0)
    first.judge_targets()
    update_document(docs, first)
    later = a_run(date="2026-12-02", commit="def5678", orders__max_rate=160.0)
    later.judge_targets()
    update_document(docs, later)
    again = a_run(orders__max_rate=36.0)  # the first run again: replaces its section
    again.judge_targets()
    update_document(docs, again)

    text = docs.read_text()
    assert text.startswith("# Benchmarks\n\nHand-written intro.")
    assert text.rstrip().endswith("Footer.")
    assert text.count("<!-- bench:run 2026-12-01-abc1234 -->") == 1
    # The run written last comes first.
    assert text.index("2026-12-01-abc1234") < text.index("2026-12-02-def5678")
    assert "| 36 orders/s |" in text
    assert "| 35 orders/s |" not in text
    assert "| 50/s | 50/s | 39.5/s | 470.0 | 800.0 | 970.0 | 1200.0 | open: http 503: 3" in text
    assert "CPU ms per order at 50/s: pos-core 20.00, gateway 10.00, generator 3.00." in text
    assert "orders: at least 150 orders/s" in text


def test_a_new_document_is_made_when_there_is_none(tmp_path):
    docs = tmp_path / "docs" / "benchmarks.md"
    update_document(docs, a_run(orders__max_rate=35.0))
    text = docs.read_text()
    assert RUNS_BEGIN in text
    assert RUNS_END in text
    assert "### 2026-12-01 · abc1234 · PostgreSQL" in text


def test_comparison_of_two_runs():
    before = a_run(orders__max_rate=40.0, edge__added_p50=1.3)
    before.add(Figure("kitchen.p99", "kitchen", 300.0, "ms", "lower"))
    after = a_run(date="2026-12-09", commit="fff0000", orders__max_rate=160.0,
                  edge__added_p50=1.3)  # fmt: skip
    after.add(Figure("events.rate", "events", 6000.0, "events/s", "higher"))

    changes = {c.key: c for c in compare(before, after)}

    assert changes["orders.max_rate"].factor == 4.0
    assert changes["orders.max_rate"].verdict == "better"
    assert changes["edge.added_p50"].verdict == "same"
    assert changes["kitchen.p99"].after is None
    assert changes["kitchen.p99"].verdict == "n/a"
    assert changes["events.rate"].before is None
    text = render_comparison(before, after, list(changes.values()))
    assert "orders.max_rate" in text
    assert "4.00x" in text
    assert "better" in text


def test_latest_finds_the_newest_run_of_a_store(tmp_path):
    a_run(date="2026-12-01", orders__max_rate=40.0).write_json(tmp_path)
    a_run(date="2026-12-03", commit="ccc", orders__max_rate=90.0).write_json(tmp_path)
    a_run(date="2026-12-04", commit="ddd", store="sqlite").write_json(tmp_path)
    (tmp_path / "broken.json").write_text("{")

    found = latest(tmp_path, store="postgresql")

    assert found is not None
    assert found.value("orders.max_rate") == 90.0
    assert latest(tmp_path, store="sqlite") is not None
