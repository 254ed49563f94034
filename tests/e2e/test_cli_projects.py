"""`perfbudget projects` on a real database file: the template written, filled by openpyxl and imported (a dry run
writes nothing and exits 1 on located problems), one project registered by hand, moved through its lifecycle,
a continuing project linked by a confirmed proposal; listed as JSON."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from core.common.runner import call
from core.org import admin, auth
from desktop.cli.main import main
from tests.conftest import PASSWORD
from tests.services.exchange_helpers import fingerprint


@pytest.fixture
def database(tmp_path: Path) -> Path:
    from db.database import open_database

    path = tmp_path / "bureau.sqlite"
    db = open_database(path)
    actor = call(db, auth.create_first_admin, "admin", "管理员", PASSWORD, PASSWORD)
    call(db, admin.save_unit, actor, admin.UnitInput("D001", "县教育局", "department"))
    db.close()
    return path


def _listed(capsys: pytest.CaptureFixture[str], db: Path, year: int) -> dict[str, dict[str, object]]:
    capsys.readouterr()
    assert main(["projects", "list", "--db", str(db), "--year", str(year), "--json"]) == 0
    return {r["code"]: r for r in json.loads(capsys.readouterr().out)}


def test_projects_commands(database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from db.database import open_database

    template = tmp_path / "项目库.xlsx"
    assert main(["projects", "template", "--out", str(template)]) == 0
    wb = openpyxl.load_workbook(template)
    ws = wb["项目库"]
    ws.append(["P1", "学生营养餐补助", "县教育局", None, "新增", "经常性", None, 8, 2, None, 10, None, 2024, 2024, 2024])
    ws.append(["P2", "坏行", "县教育局", None, "新增", "经常性", None, 8, 3, None, 10, None, 2024, 2024, 2024])
    wb.save(template)
    db = open_database(database)
    before = fingerprint(db)
    db.close()
    assert main(["projects", "import", "--db", str(database), str(template), "--dry-run"]) == 1
    out = capsys.readouterr().out
    assert "新增 1 行" in out and "不予导入 1 行" in out and "第 3 行 K 列（合计）" in out
    db = open_database(database)
    assert fingerprint(db) == before
    db.close()
    assert main(["projects", "import", "--db", str(database), str(template)]) == 1  # the good row is in
    assert main(["projects", "register", "--db", str(database), "--year", "2025", "--code", "N1",
                 "--name", "2025年学生营养餐补助工程", "--department", "D001", "--attribute", "延续",
                 "--fiscal", "12", "--total", "12"]) == 0
    capsys.readouterr()
    assert main(["projects", "links", "--db", str(database), "--year", "2025", "--json"]) == 0
    [proposal] = json.loads(capsys.readouterr().out)
    assert (proposal["code"], proposal["candidate_code"]) == ("N1", "P1")  # similar name: proposed, not linked
    assert main(["projects", "confirm", "--db", str(database), "--year", "2025", "--code", "N1", "--accept"]) == 0
    for status in ("入库", "已安排", "执行中"):
        assert main(["projects", "move", "--db", str(database), "--year", "2025", "--code", "N1", "--to", status]) == 0
    assert main(["projects", "move", "--db", str(database), "--year", "2025", "--code", "N1", "--to", "储备"]) == 2
    rows = _listed(capsys, database, 2025)
    assert rows["N1"]["status"] == "executing" and rows["N1"]["previous_code"] == "P1"
    assert set(_listed(capsys, database, 2024)) == {"P1"}
