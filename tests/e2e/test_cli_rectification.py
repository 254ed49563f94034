"""`perfbudget rectification collect|list|notices` run as a user would in a shell, on a small demo county."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.e2e.test_cli import perfbudget, small_county


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return small_county(tmp_path_factory, "rectification")


def test_collect_list_and_notices(county: Path, tmp_path: Path) -> None:
    base = ("--db", str(county), "--year", "2024")
    again = perfbudget("rectification", "collect", *base, "--json")
    assert again.returncode == 0, again.stderr
    collected = json.loads(again.stdout)
    assert collected["added"] == {} and collected["existing"] > 0  # the demo collected already
    listed = perfbudget("rectification", "list", *base, "--overdue", "--as-of", "2024-12-31", "--json")
    assert listed.returncode == 0, listed.stderr
    data = json.loads(listed.stdout)
    assert data["count"] == len(data["items"]) > 0 and all(i["overdue"] for i in data["items"])
    assert {i["status_label"] for i in data["items"]} <= {"逾期", "整改不合格"}
    out = tmp_path / "notices.pdf"
    done = perfbudget("rectification", "notices", *base, "--kind", "reminder", "--lagging",
                      "--issued-on", "2024-12-31", "--out", str(out))
    assert done.returncode == 0, done.stdout
    assert done.stdout.startswith("已生成提醒敦促函 ") and "县财绩提〔2024〕2号" in done.stdout  # 1号: the demo's
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
        assert "县财绩提〔2024〕2号" in text
    none_left = perfbudget("rectification", "notices", *base, "--kind", "reminder", "--lagging",
                           "--issued-on", "2024-12-31", "--out", str(tmp_path / "none.pdf"))
    assert none_left.returncode == 2 and "没有需要发提醒敦促函的" in none_left.stdout
    unknown = perfbudget("rectification", "notices", *base, "--kind", "notice", "--unit", "X999",
                         "--out", str(tmp_path / "x.pdf"))
    assert unknown.returncode == 2 and "单位编码“X999”不存在" in unknown.stdout
    assert not (tmp_path / "none.pdf").exists() and not (tmp_path / "x.pdf").exists()
