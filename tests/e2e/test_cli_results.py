"""`perfbudget results suggestions|policy` run as a user would in a shell, on a small demo county."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from tests.e2e.test_cli import perfbudget, small_county


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return small_county(tmp_path_factory, "results")


def test_suggestions_json_adds_up(county: Path) -> None:
    done = perfbudget("results", "suggestions", "--db", str(county), "--year", "2024", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["year"] == 2024 and data["applies_to"] == 2025 and data["unit"] == "万元"
    projects, departments = data["projects"], data["departments"]
    assert Decimal(data["totals"]["this_year"]) == sum(Decimal(p["this_year"]) for p in projects)
    assert Decimal(data["totals"]["suggested"]) == sum(Decimal(d["final"]) for d in departments)
    assert any(p["rule"] == "一次性项目已完成" and Decimal(p["final"]) == 0 for p in projects)
    assert all(Decimal(p["suggested"]).as_tuple().exponent >= -4 for p in projects)  # whole 元


def test_suggestions_text_and_files(county: Path, tmp_path: Path) -> None:
    done = perfbudget("results", "suggestions", "--db", str(county), "--year", "2024", "--out", str(tmp_path / "s.xlsx"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("2024 年度绩效结果应用于 2025 年度预算：本年 ")
    assert openpyxl.load_workbook(tmp_path / "s.xlsx", read_only=True).sheetnames == ["项目建议", "部门汇总", "说明"]
    pdf = perfbudget("results", "suggestions", "--db", str(county), "--year", "2024", "--out", str(tmp_path / "s.pdf"))
    assert pdf.returncode == 0 and (tmp_path / "s.pdf").read_bytes().startswith(b"%PDF")
    wrong = perfbudget("results", "suggestions", "--db", str(county), "--year", "2024", "--out", str(tmp_path / "s.csv"))
    assert wrong.returncode == 2 and ".xlsx" in wrong.stdout
    missing = perfbudget("results", "suggestions", "--db", str(county), "--year", "2031")
    assert missing.returncode == 2 and "2031 年度不存在" in missing.stdout


def test_policy(county: Path) -> None:
    done = perfbudget("results", "policy", "--db", str(county), "--year", "2024", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["stored"] is False and [a["grade"] for a in data["grade_actions"]] == ["优", "良", "中", "差"]
    assert sum(Decimal(w) for w in data["weights"].values()) == 100
    text = perfbudget("results", "policy", "--db", str(county), "--year", "2024")
    assert "默认值，尚未保存" in text.stdout and "[90, 100] → 1.05" in text.stdout
