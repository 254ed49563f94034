"""The installed command line, run as a user would in a shell: demo, stats, users, audit, selftest, screenshots."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "Passw0rd!"


def perfbudget(*args: str, stdin: str | None = None,
               env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen", "PYTHONFAULTHANDLER": "1",
           **(env or {})}
    return subprocess.run([sys.executable, "-m", "desktop", *args], input=stdin, capture_output=True,
                          text=True, env=env, cwd=ROOT, check=False, timeout=600)


def small_county(tmp_path_factory: pytest.TempPathFactory, name: str) -> Path:
    """A demo county of 2024 at scale 0.1, made by `perfbudget demo` in a new folder `name` (for module fixtures)."""
    db = tmp_path_factory.mktemp(name) / "county.sqlite"
    done = perfbudget("demo", "--db", str(db), "--year", "2024", "--scale", "0.1")
    assert done.returncode == 0, done.stderr
    return db


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The full-size demo county with an administrator (built once for this module)."""
    db = tmp_path_factory.mktemp("county") / "county.sqlite"
    truth = db.with_name("planted.json")
    done = perfbudget("demo", "--db", str(db), "--year", "2024", "--truth", str(truth))
    assert done.returncode == 0, done.stderr
    assert "73" in done.stdout and "12" in done.stdout
    made = perfbudget("users", "create-admin", "--db", str(db), "--username", "admin", "--password-stdin",
                      stdin=PASSWORD + "\n")
    assert made.returncode == 0, made.stderr
    return db


def test_stats_json_reports_the_demo_county(county: Path) -> None:
    done = perfbudget("stats", "--db", str(county), "--year", "2024", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["units"]["departments"] == 73
    assert data["units"]["townships"] == 12
    assert 700 <= data["projects"] <= 900
    assert data["projects_with_goal_tables"] == data["projects"]
    assert data["goal_tables_by_status"]["已提交"] > data["goal_tables_by_status"]["已通过"] > 0
    assert data["indicators"] >= 6 * data["projects"]
    assert sum(map(float, data["funds_by_type_wan"].values())) == pytest.approx(float(data["funds_wan"]))


def test_stats_grows_the_yearly_statistics_of_both_years(county: Path) -> None:
    done = perfbudget("stats", "--db", str(county), "--year", "2024", "--as-of", "2025-03-31", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["units"]["departments"] == 73  # the earlier keys stay
    st = data["statistics"]
    assert (st["as_of"], st["scope"], st["current"]["year"], st["previous"]["year"]) == ("2025-03-31", None, 2024, 2023)
    now = st["current"]
    assert now["projects"] == data["projects"] and Decimal(now["funds"]) == Decimal(data["funds_wan"])
    assert 0 < now["monitored_projects"] <= now["projects"] and Decimal(now["monitoring_coverage"]) > 0
    assert Decimal(now["exante_cut"]) == Decimal(now["exante_requested"]) - Decimal(now["exante_supported"])
    assert now["rectification_items"] == now["rectification_done"] + now["rectification_open"]
    assert st["previous"]["projects"] > 0 and st["previous"]["monitored_projects"] == 0
    text = perfbudget("stats", "--db", str(county), "--year", "2024", "--as-of", "2025-03-31")
    assert "年度统计（本年 / 上年 2023" in text.stdout and "监控资金覆盖率" in text.stdout
    bad = perfbudget("stats", "--db", str(county), "--as-of", "2025-13-01")
    assert bad.returncode != 0 and "--as-of 应写成 YYYY-MM-DD" in bad.stderr


def test_demo_refuses_a_second_run_for_the_same_year(county: Path) -> None:
    before = perfbudget("stats", "--db", str(county), "--year", "2024", "--json").stdout
    again = perfbudget("demo", "--db", str(county), "--year", "2024")
    assert again.returncode == 2 and "错误" in again.stderr
    assert perfbudget("stats", "--db", str(county), "--year", "2024", "--json").stdout == before


def test_audit_verify_passes_then_fails_after_shell_tampering(county: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.sqlite"
    with sqlite3.connect(county) as src, sqlite3.connect(copy) as dst:
        src.backup(dst)
    src.close()
    dst.close()
    ok = perfbudget("audit", "verify", "--db", str(copy))
    assert ok.returncode == 0 and "哈希链校验通过" in ok.stdout
    shell = subprocess.run(["sqlite3", str(copy), "DROP TRIGGER audit_entry_no_update; "
                            "UPDATE audit_entry SET after_json='{}' WHERE id=1;"], capture_output=True, text=True)
    assert shell.returncode == 0, shell.stderr
    bad = perfbudget("audit", "verify", "--db", str(copy))
    assert bad.returncode == 1 and "校验失败" in bad.stdout


def test_selftest_passes(county: Path) -> None:
    done = perfbudget("selftest", "--db", str(county))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "自检通过" in done.stdout and "中文字体" in done.stdout


def test_login_window_screenshot(county: Path, tmp_path: Path) -> None:
    shot = tmp_path / "login.png"
    done = perfbudget("gui", "--db", str(county), "--screenshot", str(shot))
    assert done.returncode == 0, done.stdout + done.stderr
    image = QImage(str(shot))
    assert 300 < image.width() < 900 and 150 < image.height() < 700


@pytest.mark.parametrize("page", ["home", "admin", "review", "library"])
def test_main_window_screenshot(county: Path, tmp_path: Path, page: str) -> None:
    shot = tmp_path / f"{page}.png"
    done = perfbudget("gui", "--db", str(county), "--user", "admin", "--page", page, "--screenshot", str(shot),
                      env={"PERFBUDGET_PASSWORD": PASSWORD})
    assert done.returncode == 0, done.stdout + done.stderr
    image = QImage(str(shot))
    assert image.width() >= 1000 and image.height() >= 600


def test_wrong_password_and_unknown_page_are_refused(county: Path, tmp_path: Path) -> None:
    wrong = perfbudget("gui", "--db", str(county), "--user", "admin", "--password-stdin",
                       "--screenshot", str(tmp_path / "x.png"), stdin="nope\n")
    assert wrong.returncode == 2 and "用户名或密码错误" in wrong.stdout


def test_bad_database_files_get_a_clear_message(tmp_path: Path) -> None:
    bogus = tmp_path / "预算.xlsx"
    bogus.write_bytes(b"PK\x03\x04 not a database")
    done = perfbudget("stats", "--db", str(bogus), "--json")
    assert done.returncode == 2 and "不是工作台数据库" in done.stderr
    assert bogus.read_bytes() == b"PK\x03\x04 not a database"


def test_users_add_requires_a_unit_for_clerks(county: Path) -> None:
    refused = perfbudget("users", "add", "--db", str(county), "--username", "clerk1", "--role", "clerk",
                         "--password-stdin", stdin=PASSWORD + "\n")
    assert refused.returncode == 2 and "必须指定所属单位" in refused.stderr
    added = perfbudget("users", "add", "--db", str(county), "--username", "clerk1", "--role", "clerk",
                       "--unit", "D001", "--password-stdin", stdin=PASSWORD + "\n")
    assert added.returncode == 0, added.stderr
    listed = json.loads(perfbudget("users", "list", "--db", str(county)).stdout)
    assert {"username": "clerk1", "role": "填报员"}.items() <= next(
        u for u in listed if u["username"] == "clerk1").items()


def test_first_start_fills_the_demo_county_and_asks_for_the_admin_password(tmp_path: Path) -> None:
    """The README's run command on a new machine: a new database, the demo county, then the first-admin form."""
    db = tmp_path / "new" / "workbench.sqlite"
    shot = tmp_path / "first.png"
    done = perfbudget("gui", "--db", str(db), "--screenshot", str(shot))
    assert done.returncode == 0, done.stdout + done.stderr
    assert QImage(str(shot)).width() > 300
    data = json.loads(perfbudget("stats", "--db", str(db), "--json").stdout)
    assert data["units"]["departments"] == 73 and data["projects"] == 800
    users = perfbudget("users", "list", "--db", str(db))
    assert json.loads(users.stdout) == []  # no default account: the first start asks for one


def test_monitor_warnings_json_and_text(county: Path) -> None:
    done = perfbudget("monitor", "warnings", "--db", str(county), "--year", "2024", "--as-of", "2024-08", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["as_of_month"] == 8 and data["count"] == len(data["warnings"]) > 0
    lights = [w["project_light"] for w in data["warnings"]]
    assert set(lights) <= {"red", "yellow"} and lights.index("yellow") > lights.count("red") - 1
    assert any(w["goal_light"] == "red" and w["reasons"] for w in data["warnings"])
    text = perfbudget("monitor", "warnings", "--db", str(county), "--year", "2024", "--as-of", "2024-08", "--top", "3")
    assert text.returncode == 0 and "运行监控预警" in text.stdout and text.stdout.count("[红灯]") == 3
    bad = perfbudget("monitor", "warnings", "--db", str(county), "--year", "2024", "--as-of", "2024-13")
    assert bad.returncode == 2 and "YYYY-MM" in bad.stderr
    future = perfbudget("monitor", "warnings", "--db", str(county), "--year", "2099", "--as-of", "2099-01")
    assert future.returncode == 2 and "还没有到" in future.stdout


def test_review_auto_json_finds_the_planted_defects(county: Path) -> None:
    done = perfbudget("review", "auto", "--db", str(county), "--year", "2024", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    truth = json.loads(county.with_name("planted.json").read_text(encoding="utf-8"))
    flagged = {t["project_code"] for t in data["tables"] if any(f["severity"] != "info" for f in t["findings"])}
    planted = {p["project_code"] for p in truth["planted"]}
    assert len(planted & flagged) / len(planted) > 0.95
