"""`perfbudget exchange export|import` run as a user would in a shell, between a hub and an enrolled spoke built
from the same demo county: the dry-run JSON preview, its exit codes, a real import with its backup, and the
results (bureau → unit) and rectification feedback (unit → bureau) kinds with their --kind choices."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from core.common.runner import call
from core.demo import generate as demo
from core.exchange import profile as xp
from core.exchange.dto import Profile
from core.org import auth
from db.database import open_database
from db.models import ExchangeLedgerEntry
from tests.conftest import PASSWORD
from tests.e2e.test_cli import perfbudget

UNIT = "D001"


@pytest.fixture
def county(tmp_path: Path) -> tuple[Path, Path]:
    paths = tmp_path / "hub.sqlite", tmp_path / "spoke.sqlite"
    actors = []
    for path in paths:
        with open_database(path) as db:
            actor = call(db, auth.create_first_admin, "admin", "管理员", PASSWORD, PASSWORD)
            call(db, demo.generate_demo, actor, scale=0.05)
            actors.append(actor)
    with open_database(paths[0]) as hub:
        key = call(hub, xp.issue_key, actors[0], UNIT).key_hex
    with open_database(paths[1]) as spoke:
        call(spoke, xp.become_spoke, actors[1], UNIT, key, "某县财政局")
    return paths


def _dry_run(db: Path, package: Path) -> tuple[int, dict]:
    done = perfbudget("exchange", "import", "--db", str(db), str(package), "--dry-run", "--json")
    return done.returncode, json.loads(done.stdout)


def _sent(source: Path, target: Path, kind: str, package: Path, *unit: str) -> dict:
    """Export a package of `kind` from `source` (`unit`: "--unit", CODE on the hub), then its dry-run preview on
    `target` as JSON."""
    made = perfbudget("exchange", "export", "--db", str(source), "--kind", kind, *unit, "--year", "2024",
                      "--out", str(package))
    assert made.returncode == 0 and "交换包" in made.stdout and package.exists(), made.stdout + made.stderr
    code, data = _dry_run(target, package)
    assert code == 0 and data["kind"] == kind and data["decision"] == "new", data
    return data


def test_dry_run_json_then_import_then_repeat(county: tuple[Path, Path], tmp_path: Path) -> None:
    hub, spoke = county
    package = tmp_path / "goals.xlsx"
    made = perfbudget("exchange", "export", "--db", str(spoke), "--year", "2024", "--out", str(package))
    assert made.returncode == 0 and package.exists(), made.stdout + made.stderr
    code, data = _dry_run(hub, package)
    assert code == 0 and data["decision"] == "new" and not data["blocked"] and data["problems"] == []
    assert data["manifest"]["sender"] == UNIT and data["manifest"]["receiver"] == "BUREAU"
    assert data["projects"]["unchanged"] and not data["projects"]["changed"]
    with open_database(hub) as db, db.unit_of_work() as uow:
        assert uow.session.scalars(select(ExchangeLedgerEntry)).all() == []  # a dry run writes nothing
    done = perfbudget("exchange", "import", "--db", str(hub), str(package))
    assert done.returncode == 0 and "导入前已备份数据库" in done.stdout, done.stdout + done.stderr
    code, data = _dry_run(hub, package)
    assert code == 0 and data["decision"] == "duplicate"


def test_dry_run_exits_non_zero_for_a_refused_package_and_for_a_bad_cell(county: tuple[Path, Path],
                                                                         tmp_path: Path) -> None:
    hub, spoke = county
    package = tmp_path / "goals.xlsx"
    assert perfbudget("exchange", "export", "--db", str(spoke), "--year", "2024", "--out", str(package)).returncode == 0
    code, data = _dry_run(spoke, package)  # addressed to the bureau, not to this unit
    assert code == 1 and data["decision"] == "refused" and "BUREAU" in data["refusal"]
    wb = openpyxl.load_workbook(package)
    wb["绩效指标"]["H2"] = "≥"
    wb.save(package)
    code, data = _dry_run(hub, package)
    assert code == 1 and data["blocked"] and data["decision"] == "edited"
    assert [(p["sheet"], p["row"], p["column"], p["header"]) for p in data["problems"]] == [("绩效指标", 2, "H", "指标值")]
    done = perfbudget("exchange", "import", "--db", str(hub), str(package), "--confirm-unsigned")
    assert done.returncode == 1
    missing = perfbudget("exchange", "import", "--db", str(hub), str(tmp_path / "nothing.xlsx"), "--dry-run")
    assert missing.returncode == 2 and "错误" in missing.stdout


def test_enrol_export_then_enrol_a_fresh_installation(tmp_path: Path) -> None:
    hub, unit = tmp_path / "hub.sqlite", tmp_path / "unit.sqlite"
    with open_database(hub) as db:
        call(db, demo.generate_demo, call(db, auth.create_first_admin, "admin", "管理员", PASSWORD, PASSWORD),
             scale=0.05)
    with open_database(unit) as db:
        call(db, auth.create_first_admin, "admin", "管理员", PASSWORD, PASSWORD)
    package = tmp_path / "登记包.xlsx"
    made = perfbudget("exchange", "enrol-export", "--db", str(hub), "--unit", UNIT, "--out", str(package))
    assert made.returncode == 0 and "当面" in made.stdout, made.stdout + made.stderr
    done = perfbudget("exchange", "enrol", "--db", str(unit), str(package))
    assert done.returncode == 0 and f"本机已登记为单位“{UNIT}" in done.stdout, done.stdout + done.stderr
    with open_database(unit) as db, db.unit_of_work() as uow:
        assert xp.profile(uow.session) == Profile("spoke", UNIT)
    refused = perfbudget("exchange", "enrol", "--db", str(hub), str(package))
    assert refused.returncode == 2 and "其他单位" in refused.stdout


def test_monitoring_from_the_spoke_and_a_template_with_its_problem_list(county: tuple[Path, Path],
                                                                        tmp_path: Path) -> None:
    hub, spoke = county
    package = tmp_path / "监控表.xlsx"
    assert _sent(spoke, hub, "monitoring", package)["label"] == "监控表"
    done = perfbudget("exchange", "import", "--db", str(hub), str(package))
    assert done.returncode == 0 and "已导入监控表" in done.stdout, done.stdout + done.stderr
    template = tmp_path / "模板.xlsx"
    made = perfbudget("exchange", "template", "--db", str(hub), "--kind", "self_evaluation", "--unit", UNIT,
                      "--year", "2024", "--out", str(template))
    assert made.returncode == 0 and template.exists(), made.stdout + made.stderr
    wb = openpyxl.load_workbook(template)
    ws = wb["自评表"]
    ws.append(["", None, None, "不存在的项目"])
    wb.save(template)
    problems = tmp_path / "问题清单.xlsx"
    done = perfbudget("exchange", "import", "--db", str(hub), str(template), "--dry-run", "--json",
                      "--problems-out", str(problems))
    data = json.loads(done.stdout)
    assert done.returncode == 1 and data["decision"] == "unsigned" and data["blocked"]
    assert [(p["sheet"], p["header"]) for p in data["problems"]] == [("自评表", "项目编码")]
    rows = list(openpyxl.load_workbook(problems)["问题清单"].iter_rows(values_only=True))
    assert rows[3][1:5] == ("自评表", ws.max_row, "D", "项目编码")


def test_all_units_export_needs_a_folder_and_writes_one_file_per_unit(county: tuple[Path, Path],
                                                                      tmp_path: Path) -> None:
    hub, _spoke = county
    missing = perfbudget("exchange", "export", "--db", str(hub), "--kind", "goals", "--year", "2024", "--all-units")
    assert missing.returncode == 2 and "--out-dir" in missing.stdout
    done = perfbudget("exchange", "export", "--db", str(hub), "--kind", "goals", "--year", "2024", "--all-units",
                      "--out-dir", str(tmp_path / "全部"))
    assert done.returncode == 0, done.stdout + done.stderr
    files = list((tmp_path / "全部").glob("2024年绩效目标表-*.xlsx"))
    assert files and f"已为 {len(files)} 个单位" in done.stdout


def test_results_and_feedback_kinds_from_the_registry(county: tuple[Path, Path], tmp_path: Path) -> None:
    hub, spoke = county
    wrong = perfbudget("exchange", "template", "--db", str(hub), "--kind", "results", "--unit", UNIT, "--year", "2024",
                       "--out", str(tmp_path / "x.xlsx"))
    assert wrong.returncode == 2 and "invalid choice" in wrong.stderr
    refused = perfbudget("exchange", "export", "--db", str(hub), "--kind", "rectification_feedback", "--unit", UNIT,
                         "--year", "2024", "--out", str(tmp_path / "x.xlsx"))
    assert refused.returncode == 2 and "单位（填报端）导出" in refused.stdout
    results = tmp_path / "结果反馈.xlsx"
    assert _sent(hub, spoke, "results", results, "--unit", UNIT)["label"] == "结果反馈"
    done = perfbudget("exchange", "import", "--db", str(spoke), str(results))
    assert done.returncode == 0 and "已导入结果反馈：写入" in done.stdout and "条" in done.stdout, done.stdout
    assert _sent(spoke, hub, "rectification_feedback", tmp_path / "整改反馈.xlsx")["label"] == "整改反馈"
    template = tmp_path / "整改反馈模板.xlsx"
    made = perfbudget("exchange", "template", "--db", str(hub), "--kind", "rectification_feedback", "--unit", UNIT,
                      "--year", "2024", "--out", str(template))
    assert made.returncode == 0 and template.exists(), made.stdout + made.stderr
    code, data = _dry_run(hub, template)
    assert code == 0 and (data["kind"], data["decision"]) == ("rectification_feedback", "unsigned")
