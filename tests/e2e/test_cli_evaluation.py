"""`perfbudget evaluation list` run as a user would in a shell, on a small demo county."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.e2e.test_cli import perfbudget, small_county


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return small_county(tmp_path_factory, "evaluation")


def test_list_json_prints_subject_kind_score_and_grade(county: Path) -> None:
    done = perfbudget("evaluation", "list", "--db", str(county), "--year", "2024", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["year"] == 2024 and data["count"] == len(data["evaluations"]) > 10
    assert set(data["by_grade"]) == {"优", "良", "中", "差"} and all(n > 0 for n in data["by_grade"].values())
    first = data["evaluations"][0]
    assert {"subject", "kind", "score", "grade"} <= set(first)
    assert {e["kind"] for e in data["evaluations"]} == {"self", "key", "department"}
    assert all(e["grade"] in data["by_grade"] and float(e["score"]) >= 0 for e in data["evaluations"])


def test_list_one_kind_as_text(county: Path) -> None:
    done = perfbudget("evaluation", "list", "--db", str(county), "--year", "2024", "--kind", "department")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("2024 年度部门整体评价 10 项：") and len(lines) == 11
    assert all(line.startswith("[部门整体评价] ") and "分" in line for line in lines[1:])
    empty = perfbudget("evaluation", "list", "--db", str(county), "--year", "2023", "--json")
    assert empty.returncode == 0 and json.loads(empty.stdout)["count"] == 0


def test_an_unknown_kind_is_refused(county: Path) -> None:
    done = perfbudget("evaluation", "list", "--db", str(county), "--year", "2024", "--kind", "policy")
    assert done.returncode == 2 and "invalid choice" in done.stderr
