"""`python -m bench`: run every benchmark, print the tables, write bench/results/<time>.json."""

from __future__ import annotations

import argparse
import dataclasses
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from . import green, load, observability, render, report
from .tools import MissingToolError, require

FRAMEWORKS = ("fastapi", "django", "flask")
DATABASES = ("sqlite", "postgresql")
SECTIONS = ("render", "green", "load", "observability")
RESULTS = Path(__file__).resolve().parent / "results"


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--quick", action="store_true", help="a smoke run: few repetitions, 2 s load cells"
    )
    parser.add_argument(
        "--only", action="append", choices=SECTIONS, help="run only this section (repeatable)"
    )
    parser.add_argument(
        "--framework",
        action="append",
        choices=FRAMEWORKS,
        dest="frameworks",
        help="repeatable; default: all",
    )
    parser.add_argument(
        "--database",
        action="append",
        choices=DATABASES,
        dest="databases",
        help="repeatable; default: all",
    )
    parser.add_argument(
        "--endpoint",
        action="append",
        choices=load.ENDPOINTS,
        dest="endpoints",
        help="load only this endpoint (repeatable; default: all)",
    )
    parser.add_argument(
        "--variant",
        action="append",
        choices=observability.VARIANTS,
        dest="variants",
        help="observability: measure only this variant against off (repeatable; default: all)",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        help="observability: rounds of --duration s bursts per variant, alternating order "
        "(default 6; quick 1)",
    )
    parser.add_argument(
        "--no-floors",
        dest="floors",
        action="store_false",
        help="load: skip the floor cells (bench/floors/) of the services",
    )
    parser.add_argument(
        "--workers", default="1,2", help="comma-separated worker counts (default 1,2)"
    )
    parser.add_argument(
        "--duration",
        type=float,
        help="seconds of measured load per cell (default 10; quick 2), and per observability "
        "burst (default 4; quick 2)",
    )
    parser.add_argument(
        "--warmup",
        type=float,
        help="seconds of unmeasured load before each cell (default 2; quick 1)",
    )
    parser.add_argument(
        "--connections", type=int, default=32, help="concurrent connections (default 32)"
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="wrk threads (default 1: leaves a core to the server)",
    )
    parser.add_argument(
        "--timeout", type=float, default=5.0, help="a slower request counts as an error (s)"
    )
    parser.add_argument(
        "--render-runs", type=int, help="hyperfine runs per render command (default 10; quick 3)"
    )
    parser.add_argument(
        "--green-runs", type=int, help="timed copy->green runs per framework (default 2; quick 1)"
    )
    parser.add_argument(
        "--python", default="3.13", help="Python of the rendered projects (default 3.13)"
    )
    parser.add_argument(
        "--output", type=Path, default=RESULTS, help="directory of the JSON results"
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the temporary directory (projects, server logs)"
    )
    args = parser.parse_args(argv)
    args.sections = args.only or list(SECTIONS)
    args.frameworks = args.frameworks or list(FRAMEWORKS)
    args.databases = args.databases or list(DATABASES)
    args.variants = args.variants or list(observability.VARIANTS)
    try:
        args.workers = [int(value) for value in str(args.workers).split(",") if value.strip()]
    except ValueError:
        parser.error("--workers takes comma-separated integers, e.g. 1,2")
    if not args.workers or min(args.workers) < 1:
        parser.error("--workers needs at least one count of 1 or more")
    defaults = {
        "duration": (10.0, 2.0),
        "warmup": (2.0, 1.0),
        "render_runs": (10, 3),
        "green_runs": (2, 1),
        "rounds": (6, 1),
    }
    # The observability section loads short interleaved bursts (observability.py): 4 s
    # unless --duration says otherwise.
    args.burst = args.duration if args.duration is not None else (2.0 if args.quick else 4.0)
    for name, (full, quick) in defaults.items():
        if getattr(args, name) is None:
            setattr(args, name, quick if args.quick else full)
    if args.rounds < 1:
        parser.error("--rounds needs 1 or more")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    needed = (["hyperfine"] if "render" in args.sections else []) + (
        ["wrk"] if {"load", "observability"} & set(args.sections) else []
    )
    try:
        tools = require(*needed)
    except MissingToolError as error:
        print(f"bench: {error}", file=sys.stderr)
        return 2
    workdir = Path(tempfile.mkdtemp(prefix="template-bench-"))
    results: dict[str, Any] = {"arguments": {key: str(value) for key, value in vars(args).items()}}
    try:
        if "render" in args.sections:
            _say("render: hyperfine of copier copy --defaults per framework and of the floor")
            results["render"] = render.run(
                tools["hyperfine"],
                workdir,
                args.frameworks,
                args.render_runs,
                1 if args.quick else 2,
            )
        if "green" in args.sections:
            _say(
                "green: copier copy -> uv sync -> uv run pytest per framework (cache warmed first)"
            )
            results["green"] = green.run(workdir, args.frameworks, args.green_runs, args.python)
        settings = load.LoadSettings(
            args.duration, args.warmup, args.connections, args.threads, args.timeout
        )
        bursts = dataclasses.replace(settings, duration=args.burst)
        if "load" in args.sections:
            _say(
                "load: production servers under wrk (PostgreSQL databases are created and dropped)"
            )
            results["load"] = load.run(
                workdir,
                tools["wrk"],
                frameworks=args.frameworks,
                databases=args.databases,
                workers=args.workers,
                settings=settings,
                python_version=args.python,
                endpoints=args.endpoints,
                floors=args.floors,
                progress=_progress,
            )
        if "observability" in args.sections:
            _say(
                "observability: metrics and tracing on against off "
                f"({observability.DATABASE}, {observability.WORKERS} worker, same run)"
            )
            results["observability"] = observability.run(
                workdir,
                tools["wrk"],
                frameworks=args.frameworks,
                variants=args.variants,
                endpoints=args.endpoints,
                rounds=args.rounds,
                settings=bursts,
                python_version=args.python,
                progress=_progress,
            )
        # The numbers first: removing the projects' virtualenvs can take a while.
        print(report.render_text(results), flush=True)
        path = report.write_json(results, args.output)
        print(f"\nwritten: {path}", flush=True)
    finally:
        if args.keep:
            _say(f"kept {workdir}")
        else:
            _say(f"removing {workdir}")
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


def _progress(row: dict[str, Any]) -> None:
    _say("  " + " ".join(f"{key}={value}" for key, value in row.items()))


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
