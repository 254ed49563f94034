"""The projects in the goals package (项目信息, bureau → unit) between the demo county's hub and a fresh unit
installation enrolled from its enrolment package: the unit gets its family's projects exactly (amounts to the 分),
changed basics arrive as "changed", a year it does not have yet is created; the hub refuses a project it does not
takes a new project of the unit's own as its application (新项目申请, written as "applied" with its goal table, refused
once declined), refuses one of another unit ("项目须先在财政局项目库登记") and lists basics that differ from its library
as conflicting, leaving them alone;
a spoke refuses a project of a unit outside its family; and a monitoring package before any goals package points
the unit to the goals package."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from core.common.runner import call
from core.exchange import enrolment as xe
from core.exchange import goals as xg
from core.exchange import kinds as xk
from core.exchange import projects as xpj
from core.monitoring import rounds as monitoring_rounds
from core.org import auth
from core.org.rules.roles import Actor
from core.projects import service as registry
from db.database import Database, open_database
from db.models import AuditEntry, FiscalYear, GoalTable, Project, Unit
from tests.conftest import PASSWORD
from tests.services.exchange_helpers import ROUND, YEAR, county, fingerprint, line_of, set_cells


@dataclass
class Hub:
    path: Path
    admin: Actor
    unit: str  # a department with budget units, holding projects of YEAR and of the year before
    codes: list[str]  # the projects of its family in YEAR


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Hub:
    """The demo county written once; each test copies it."""
    path = tmp_path_factory.mktemp("projects") / "hub.sqlite"
    db, admin = county(path)
    try:
        with db.unit_of_work() as uow:
            s = uow.session
            family = {u.code: [u.id, *s.scalars(select(Unit.id).where(Unit.parent_id == u.id))]
                      for u in s.scalars(select(Unit).where(Unit.kind == "department").order_by(Unit.code))}

            def count(ids: list[int], year: int) -> int:
                return s.scalar(select(func.count()).select_from(Project).where(Project.unit_id.in_(ids),
                                                                                Project.year == year)) or 0
            unit = max((c for c, ids in family.items() if len(ids) > 1 and count(ids, YEAR - 1)),
                       key=lambda c: (count(family[c], YEAR), c))
            codes = list(s.scalars(select(Project.code).where(Project.unit_id.in_(family[unit]), Project.year == YEAR)
                                   .order_by(Project.code)))
    finally:
        db.close()
    return Hub(path, admin, unit, codes)


@dataclass
class Pair:
    hub: Database
    spoke: Database
    admin: Actor
    clerk: Actor
    unit: str
    codes: list[str]


@pytest.fixture
def pair(source: Hub, tmp_path: Path) -> Iterator[Pair]:
    hub = open_database(shutil.copy(source.path, tmp_path / "hub.sqlite"))
    spoke = open_database(tmp_path / "unit.sqlite")
    clerk = call(spoke, auth.create_first_admin, "admin", "单位管理员", PASSWORD, PASSWORD)
    call(spoke, xe.enrol_from_package, clerk, call(hub, xe.export_enrolment, source.admin, source.unit,
                                                   tmp_path / "登记包.xlsx").path)
    yield Pair(hub, spoke, source.admin, clerk, source.unit, source.codes)
    hub.close()
    spoke.close()


def _basics(db: Database, year: int = YEAR) -> dict[str, dict[str, object]]:
    with db.unit_of_work() as uow:
        return {p.code: {"unit": unit, **{k: getattr(p, k) for k in xpj.BASICS}} for p, unit in uow.session.execute(
            select(Project, Unit.code).join(Unit).where(Project.year == year))}


def _from_hub(p: Pair, path: Path, year: int = YEAR) -> Path:
    return call(p.hub, xk.export_kind, p.admin, "goals", year, path, p.unit).path


def _append(path: Path, sheet: str, **by_header: object) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    ws.append([by_header.get(str(c.value)) for c in ws[1]])
    wb.save(path)


def _project_rows(preview: object) -> dict[str, str]:
    return {c.code: c.status for c in preview.changes if c.sheet == "项目信息"}  # type: ignore[attr-defined]


def test_the_unit_gets_its_projects_and_later_their_changed_basics(pair: Pair, tmp_path: Path) -> None:
    done = call(pair.spoke, xk.apply_any, pair.clerk, _from_hub(pair, tmp_path / "one.xlsx"))
    assert sorted(c for c in done.written if not c.startswith("项目信息:")) == pair.codes
    hub = _basics(pair.hub)
    assert _basics(pair.spoke) == {c: hub[c] for c in pair.codes}
    first = pair.codes[0]
    with pair.hub.unit_of_work() as uow:  # the bureau corrects the project in its library (no service yet)
        uow.write()
        project = uow.session.scalar(select(Project).where(Project.code == first, Project.year == YEAR))
        project.total_amount += Decimal("0.000001")  # one 分 more, from other funds
        project.other_amount += Decimal("0.000001")
        project.manager, project.end_date = "=新负责人", date(YEAR, 12, 31)
        uow.commit()
    package = _from_hub(pair, tmp_path / "two.xlsx")
    preview = call(pair.spoke, xk.preview_any, pair.clerk, package)
    assert preview.decision == "new" and not preview.problems
    assert _project_rows(preview) == {c: "changed" if c == first else "unchanged" for c in pair.codes}
    assert call(pair.spoke, xk.apply_any, pair.clerk, package).written == (f"项目信息:{first}",)
    assert _basics(pair.spoke)[first] == _basics(pair.hub)[first]
    assert _basics(pair.spoke)[first]["manager"] == "=新负责人"
    with pair.spoke.unit_of_work() as uow:
        actions = uow.session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "project")).all()
    assert actions.count("project.exchange_import") == len(pair.codes) + 1


def test_a_year_the_unit_does_not_have_yet_is_created(pair: Pair, tmp_path: Path) -> None:
    with pair.spoke.unit_of_work() as uow:
        assert uow.session.get(FiscalYear, YEAR - 1) is None
    call(pair.spoke, xk.apply_any, pair.clerk, _from_hub(pair, tmp_path / "last-year.xlsx", YEAR - 1))
    with pair.spoke.unit_of_work() as uow:
        year = uow.session.get(FiscalYear, YEAR - 1)
        assert year is not None and year.status == "open" and not year.is_current
    hub = _basics(pair.hub, YEAR - 1)
    mine = _basics(pair.spoke, YEAR - 1)
    assert mine and mine == {c: hub[c] for c in mine}


def test_the_hub_takes_a_unit_s_new_project_as_an_application_and_keeps_its_own_basics(pair: Pair,
                                                                                       tmp_path: Path) -> None:
    call(pair.spoke, xk.apply_any, pair.clerk, _from_hub(pair, tmp_path / "from-hub.xlsx"))
    package = call(pair.spoke, xg.export_goals, pair.clerk, YEAR, tmp_path / "from-unit.xlsx")
    first = pair.codes[0]
    set_cells(package, "项目信息", line_of(package, "项目信息", 项目编码=first), **{"总金额（万元）": "999.5"})
    clean = tmp_path / "from-unit-clean.xlsx"
    for code, unit in (("X-新项目", pair.unit), ("X-他人项目", _other_department(pair))):
        if code == "X-他人项目":
            shutil.copy(package, clean)  # the same package without the other unit's rows: nothing blocks it
        _append(package, "项目信息", 项目编码=code, 项目名称="单位自拟项目", 单位编码=unit, 项目属性="新增",
                项目性质="一次性", 资金性质="一般公共预算", **{k: "10" for k in ("总金额（万元）", "财政资金（万元）")},
                **{k: "0" for k in ("上年结转（万元）", "其他资金（万元）")})
        _append(package, "绩效目标表", 项目编码=code, 项目名称="单位自拟项目", 年度总体目标="完成建设")
    before = fingerprint(pair.hub)
    preview = call(pair.hub, xk.preview_any, pair.admin, package)
    assert preview.decision == "edited"
    # A project of another unit is still refused: only the package's own family may apply.
    assert sorted((p.sheet, p.header) for p in preview.problems) == [("绩效目标表", "项目编码"), ("项目信息", "项目编码")]
    assert all("X-他人项目" in p.message and "项目须先在财政局项目库登记" in p.message for p in preview.problems)
    application = [c for c in preview.changes if c.code == "X-新项目"]
    assert [(c.sheet, c.status) for c in application] == [("项目信息", "new"), ("绩效目标表", "new")]
    assert application[0].reason.startswith("新项目申请")
    conflicts = {c.code: c.reason for c in preview.by_status("conflicting") if c.sheet == "项目信息"}
    assert list(conflicts) == [first] and "总金额（万元）" in conflicts[first] and "以财政局为准" in conflicts[first]
    assert fingerprint(pair.hub) == before
    call(pair.hub, xk.apply_any, pair.admin, clean, True)
    with pair.hub.unit_of_work() as uow:
        applied = uow.session.scalar(select(Project).where(Project.year == YEAR, Project.code == "X-新项目"))
        assert applied is not None and applied.status == "applied" and applied.total_amount == Decimal("10")
        assert uow.session.scalar(select(Project.id).where(Project.code == "X-他人项目")) is None
        table = uow.session.scalar(select(GoalTable).where(GoalTable.project_id == applied.id))
        assert table is not None and table.versions[-1].annual_goal == "完成建设"
        project_id = applied.id
    call(pair.hub, registry.move_status, pair.admin, project_id, "declined", "不符合支出方向")
    again = call(pair.hub, xk.preview_any, pair.admin, clean)
    refused = [p for p in again.problems if "X-新项目" in p.message]
    assert {p.sheet for p in refused} == {"项目信息", "绩效目标表"} and all("不予受理" in p.message for p in refused)


def _other_department(pair: Pair) -> str:
    with pair.hub.unit_of_work() as uow:
        code = uow.session.scalar(select(Unit.code).where(Unit.kind == "department", Unit.code != pair.unit)
                                  .order_by(Unit.code).limit(1))
    assert code is not None
    return code


def test_a_unit_refuses_projects_of_units_outside_its_family(pair: Pair, tmp_path: Path) -> None:
    package = _from_hub(pair, tmp_path / "goals.xlsx")
    with pair.hub.unit_of_work() as uow:
        other = uow.session.scalar(select(Unit.code).where(Unit.kind == "department", Unit.code != pair.unit,
                                                           Unit.parent_id.is_(None)).order_by(Unit.code).limit(1))
    line = line_of(package, "项目信息", 项目编码=pair.codes[0])
    letters = set_cells(package, "项目信息", line, 单位编码=other)
    before = fingerprint(pair.spoke)
    preview = call(pair.spoke, xk.preview_any, pair.clerk, package)
    located = [(p.sheet, p.row, p.column) for p in preview.problems if p.sheet == "项目信息"]
    assert located == [("项目信息", line, letters["单位编码"])]
    # the project's goal table is refused on its own; the unit's other projects and tables still come in
    assert preview.refused_codes == [pair.codes[0]] and not preview.blocked
    assert pair.codes[0] not in {c.code for c in preview.changes}
    assert fingerprint(pair.spoke) == before


def test_a_monitoring_package_before_the_goals_package_points_to_it(pair: Pair, tmp_path: Path) -> None:
    call(pair.spoke, monitoring_rounds.open_round, pair.clerk, YEAR, int(ROUND.removeprefix("1-").removesuffix("月")))
    package = call(pair.hub, xk.export_kind, pair.admin, "monitoring", YEAR, tmp_path / "monitoring.xlsx", pair.unit).path
    preview = call(pair.spoke, xk.preview_any, pair.clerk, package)
    assert preview.blocked and len(preview.problems) == len(pair.codes)
    assert all(p.sheet == "监控表" and "请先导入财政局发来的绩效目标表交换包" in p.message for p in preview.problems)
