"""`python -m pos_bench`: run the benchmark suite (what `make bench` calls), or compare two runs.

python -m pos_bench                          # every scenario, on PostgreSQL
python -m pos_bench --scenario orders,edge   # some of them
python -m pos_bench --sqlite                 # on make run's SQLite default
python -m pos_bench compare OLD.json NEW.json
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from pos_bench.machine import REPO
from pos_bench.report import render_comparison
from pos_bench.results import SCENARIOS, RunResult, compare
from pos_bench.system import DEFAULT_DATABASE_URL, SystemFailure


def _scenarios(text: str) -> list[str]:
    names = [name.strip() for name in text.replace(" ", ",").split(",") if name.strip()]
    unknown = [name for name in names if name not in SCENARIOS]
    if unknown:
        raise argparse.ArgumentTypeError(
            f"unknown scenario {', '.join(unknown)}; there are {', '.join(SCENARIOS)}"
        )
    return names


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m pos_bench", description="The benchmark suite of issue 10."
    )
    parser.add_argument(
        "--scenario",
        type=_scenarios,
        default=list(SCENARIOS),
        help=f"comma-separated, from: {', '.join(SCENARIOS)} (default: all)",
    )
    parser.add_argument(
        "--sqlite", action="store_true", help="run on make run's SQLite default stores"
    )
    parser.add_argument(
        "--results-dir", type=Path, default=REPO / "bench" / "results", help="JSON results"
    )
    parser.add_argument(
        "--docs", type=Path, default=REPO / "docs" / "benchmarks.md", help="the report"
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="shortened durations and sizes, for developing the suite (not comparable)",
    )
    parser.add_argument(
        "--keep-var", action="store_true", help="keep the run's work dir (logs) afterwards"
    )
    parser.add_argument(
        "--wait-for-quiet",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="wait up to this long for other work on the machine to calm down first",
    )
    return parser


def _compare(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m pos_bench compare")
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    args = parser.parse_args(argv)
    before, after = RunResult.read_json(args.before), RunResult.read_json(args.after)
    print(render_comparison(before, after, compare(before, after)))
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["compare"]:
        return _compare(argv[1:])
    args = _parser().parse_args(argv)
    # Imported here: `compare` needs none of the machinery of a run.
    from pos_bench.runner import Options, run_suite, say, write_results

    options = Options(
        scenarios=args.scenario,
        sqlite=args.sqlite,
        database_url=os.environ.get("POS_BENCH_DATABASE_URL") or DEFAULT_DATABASE_URL,
        results_dir=args.results_dir,
        docs=args.docs,
        quick=args.quick,
        keep_var=args.keep_var,
        wait_for_quiet=args.wait_for_quiet,
    )
    try:
        import uvloop

        run = uvloop.run(run_suite(options))
    except SystemFailure as exc:
        print(f"pos-bench: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("pos-bench: interrupted; nothing written", file=sys.stderr)
        return 130
    path = write_results(run, options)
    say(f"\nresults: {path}\nreport:  {options.docs}")
    for target in run.targets:
        met = {True: "met", False: "NOT met", None: "not measured"}[target["met"]]
        measured = target["measured"]
        shown = "-" if measured is None else f"{measured:.4g}"
        say(f"  {met:13} {target['text']} (measured {shown})")
    failed = [s.name for s in run.scenarios.values() if s.status == "failed"]
    if failed:
        say(f"failed scenarios: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
