"""Timing helpers and the one output format of every benchmark."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def median_seconds(fn: Callable[[], object], repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _child_env(env: dict[str, str] | None) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
            **(env or {})}


def run_python(args: Sequence[str], env: dict[str, str] | None = None) -> None:
    subprocess.run([sys.executable, *args], check=True, env=_child_env(env), cwd=ROOT,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def emit(name: str, value: float, unit: str, floor: float | None = None, floor_name: str = "", **extra: object) -> None:
    record: dict[str, object] = {"name": name, "value": round(value, 4), "unit": unit}
    if floor is not None:
        record.update(floor=round(floor, 4), floor_name=floor_name, ratio=round(value / floor, 2) if floor else None)
    record.update(extra)
    print(json.dumps(record, ensure_ascii=False), flush=True)


def python_output(args: Sequence[str], stdin: str = "", env: dict[str, str] | None = None) -> str:
    """Run Python like `run_python` and return what it printed (a child reporting its own measurements)."""
    done = subprocess.run([sys.executable, *args], check=True, env=_child_env(env), cwd=ROOT, input=stdin, text=True,
                          capture_output=True)
    return done.stdout.strip().splitlines()[-1]
