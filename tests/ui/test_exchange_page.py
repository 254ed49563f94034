"""The 数据交换 page driven with pytest-qt on a demo hub and a spoke enrolled with the hub's key: export from the
page, a hub package refused on the hub, a spoke package previewed and applied into the ledger, a bad cell located,
a monitoring template detected with its problem list exported, 全部单位 exported with progress, the kinds the hub
offers (templates, a round for 监控表, 结果反馈) and those a fresh unit installation offers (整改反馈 exported)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import QModelIndex
from sqlalchemy import select

from core.common.runner import call
from core.demo import generate as demo
from core.exchange import enrolment as exchange_enrolment
from core.exchange import goals as xg
from core.exchange import kinds as exchange_kinds
from core.exchange import profile as xp
from core.goals import service as goals
from core.org import auth
from core.org.rules.roles import Actor
from db.database import Database, open_database
from db.models import GoalTable, Project, RectificationItem, Unit
from desktop.pages.exchange.area import ExchangePage
from desktop.pages.exchange.export_page import ALL_UNITS
from desktop.pages.exchange.import_page import RED
from desktop.shell.context import AppContext
from desktop.shell.tasks import TaskRunner
from desktop.widgets.table_model import RowTableModel
from tests.conftest import PASSWORD


def _texts(model: RowTableModel, column: int) -> list[str]:  # type: ignore[type-arg]
    return [model.index(r, column, QModelIndex()).data() for r in range(model.rowCount())]


@pytest.fixture
def hub(db: Database, admin_actor: Actor) -> tuple[str, str]:
    """The demo county on the test database (the hub); returns a unit with a draft table of 2024 and its code."""
    call(db, demo.generate_demo, admin_actor, scale=0.05)
    with db.unit_of_work() as uow:
        return tuple(uow.session.execute(  # type: ignore[return-value]
            select(Unit.code, Project.code).join(Project, Project.unit_id == Unit.id)
            .join(GoalTable, GoalTable.project_id == Project.id)
            .where(GoalTable.status == "draft", Project.year == 2024).order_by(Project.code)).first())


@pytest.fixture
def page(qtbot, runner: TaskRunner, admin_actor: Actor, hub: tuple[str, str]) -> ExchangePage:  # type: ignore[no-untyped-def]
    widget = ExchangePage(AppContext(runner, runner.hub, admin_actor, 2024))
    qtbot.addWidget(widget)
    widget.resize(1150, 860)
    widget.show()
    qtbot.waitUntil(lambda: widget.unit_box.count() > 0 and "财政局（汇总端）" in widget.header.text())
    return widget


def _spoke_package(db: Database, admin_actor: Actor, unit: str, draft: str, folder: Path) -> Path:
    """A spoke of `unit` built like tests/services/test_exchange_goals.py, one draft edited, its package exported."""
    spoke = open_database(folder / "spoke.sqlite")
    try:
        actor = call(spoke, auth.create_first_admin, "admin", "管理员", PASSWORD, PASSWORD)
        call(spoke, demo.generate_demo, actor, scale=0.05)
        call(spoke, xp.become_spoke, actor, unit, call(db, xp.issue_key, admin_actor, unit).key_hex, "某县财政局")
        with spoke.unit_of_work() as uow:
            project_id = uow.session.scalar(select(Project.id).where(Project.code == draft, Project.year == 2024))
        before = call(spoke, goals.get_table, actor, project_id)
        content = replace(before.content, annual_goal="单位在填报端修改过的年度目标")
        call(spoke, goals.save_draft, actor, project_id, content, before.updated_at)
        return call(spoke, xg.export_goals, actor, 2024, folder / "from-spoke.xlsx")
    finally:
        spoke.close()


def test_a_package_the_hub_exported_is_refused_on_the_hub(qtbot, page: ExchangePage, hub, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    unit, _draft = hub
    page.unit_box.setCurrentIndex(page.unit_box.findData(unit))
    page.export_to(tmp_path / "template.xlsx")
    qtbot.waitUntil(lambda: "已导出" in page.message.text())
    assert (tmp_path / "template.xlsx").is_file() and str(tmp_path / "template.xlsx") in page.message.text()
    qtbot.waitUntil(lambda: "导出" in _texts(page.ledger, 0))
    assert _texts(page.ledger, 3) == [unit] and _texts(page.ledger, 7) == ["已导出"]
    importer = page.importer
    importer.preview_file(tmp_path / "template.xlsx")
    qtbot.waitUntil(lambda: importer.preview is not None)
    assert importer.preview.decision == "refused"
    assert "不是本单位" in importer.decision.text() and RED in importer.decision.styleSheet()
    assert not importer.apply_button.isEnabled() and not importer.confirm.isVisible()


def test_a_spoke_package_is_previewed_applied_and_recorded(qtbot, page: ExchangePage, db: Database,  # type: ignore[no-untyped-def]
                                                            admin_actor: Actor, hub, tmp_path: Path) -> None:
    unit, draft = hub
    package = _spoke_package(db, admin_actor, unit, draft, tmp_path)
    importer = page.importer
    importer.preview_file(package)
    qtbot.waitUntil(lambda: importer.preview is not None)
    statuses = dict(zip(_texts(importer.projects, 0), _texts(importer.projects, 2), strict=True))
    assert statuses[draft] == "有修改" and set(statuses.values()) <= {"新增", "有修改", "无变化", "有冲突"}
    assert "新交换包" in importer.decision.text() and f"发送方 {unit} → 接收方 财政局" in importer.decision.text()
    assert importer.problems.rowCount() == 0
    assert importer.apply_button.isEnabled() and not importer.confirm.isVisible()
    page.grab().save(str(tmp_path / "exchange-preview.png"))
    importer.apply_current()
    qtbot.waitUntil(lambda: "已导入绩效目标表：" in importer.result.text(), timeout=20_000)
    assert "写入 1 条" in importer.result.text() and "导入前已备份数据库" in importer.result.text()
    assert not importer.apply_button.isEnabled() and importer.projects.rowCount() == len(statuses)
    with db.unit_of_work() as uow:
        project_id = uow.session.scalar(select(Project.id).where(Project.code == draft, Project.year == 2024))
    assert call(db, goals.get_table, admin_actor, project_id).content.annual_goal == "单位在填报端修改过的年度目标"
    qtbot.waitUntil(lambda: "导入" in _texts(page.ledger, 0))
    row = _texts(page.ledger, 0).index("导入")
    assert [_texts(page.ledger, c)[row] for c in (2, 3, 7)] == [unit, "财政局", "已导入"]
    page.grab().save(str(tmp_path / "exchange-applied.png"))


def test_a_bad_cell_is_located_and_blocks_applying(qtbot, page: ExchangePage, db: Database,  # type: ignore[no-untyped-def]
                                                   admin_actor: Actor, hub, tmp_path: Path) -> None:
    unit, draft = hub
    package = _spoke_package(db, admin_actor, unit, draft, tmp_path)
    wb = openpyxl.load_workbook(package)
    ws = wb["绩效指标"]
    headers = [c.value for c in ws[1]]
    line = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, headers.index("项目编码") + 1).value == draft)
    ws.cell(line, headers.index("指标值") + 1).value = "≥五十个"
    wb.save(package)
    importer = page.importer
    importer.preview_file(package)
    qtbot.waitUntil(lambda: importer.preview is not None)
    assert importer.problems.rowCount() >= 1
    assert (_texts(importer.problems, 0)[0], _texts(importer.problems, 1)[0]) == ("绩效指标", str(line))
    assert "指标值" in _texts(importer.problems, 2)[0] and "问题" in importer.problem_title.text()
    assert importer.confirm.isVisible()  # the hand edit broke the signature
    importer.confirm.setChecked(True)
    assert not importer.apply_button.isEnabled()
    importer.apply_current()
    assert "正在" not in importer.result.text()
    page.grab().save(str(tmp_path / "exchange-problems.png"))


def test_a_monitoring_template_is_detected_previewed_and_its_problems_exported(  # type: ignore[no-untyped-def]
        qtbot, page: ExchangePage, db: Database, admin_actor: Actor, hub, tmp_path: Path) -> None:
    unit, _draft = hub
    template = call(db, exchange_kinds.template_kind, admin_actor, "monitoring", 2024, tmp_path / "监控表.xlsx", unit).path
    wb = openpyxl.load_workbook(template)
    ws = wb["监控表"]
    headers = [c.value for c in ws[1]]
    ws.cell(2, headers.index("年度预算调整（万元）") + 1).value = "很多"
    wb.save(template)
    importer = page.importer
    importer.preview_file(template)
    qtbot.waitUntil(lambda: importer.preview is not None)
    assert importer.preview.kind == "monitoring" and "监控表交换包" in importer.decision.text()
    assert _texts(importer.problems, 0) == ["监控表"] and importer.problems_button.isEnabled()
    assert not importer.apply_button.isEnabled()
    importer.export_problems(tmp_path / "问题清单.xlsx")
    qtbot.waitUntil(lambda: "问题清单已导出" in importer.result.text())
    rows = list(openpyxl.load_workbook(tmp_path / "问题清单.xlsx")["问题清单"].iter_rows(values_only=True))
    assert rows[3][1:5] == ("监控表", 2, "H", "年度预算调整（万元）")


def test_all_units_are_exported_with_progress_into_a_folder(qtbot, page: ExchangePage, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    exporter = page.exporter
    exporter.kind_box.setCurrentIndex(exporter.kind_box.findData("self_evaluation"))
    exporter.unit_box.setCurrentIndex(exporter.unit_box.findData(ALL_UNITS))
    steps: list[int] = []
    page.ctx.runner.progressed.connect(lambda done, _total, _text: steps.append(done))
    exporter.export_all_to(tmp_path / "全部单位")
    qtbot.waitUntil(lambda: "个单位导出自评表交换包" in exporter.message.text(), timeout=60_000)
    files = sorted((tmp_path / "全部单位").glob("*.xlsx"))
    assert files and all(f.name.startswith("2024年自评表-") for f in files)
    assert f"已为 {len(files)} 个单位" in exporter.message.text() and steps and steps[-1] == len(files)
    assert exporter.export_button.isEnabled() and not exporter.bar.isVisible()
    qtbot.waitUntil(lambda: _texts(page.ledger, 1).count("自评表") == len(files))


def test_the_hub_offers_every_kind_with_templates_and_a_round_chooser(qtbot, qtmodeltester, page: ExchangePage,  # type: ignore[no-untyped-def]
                                                                       hub, tmp_path: Path) -> None:
    unit, _draft = hub
    exporter = page.exporter
    kinds = [exporter.kind_box.itemData(i) for i in range(exporter.kind_box.count())]
    assert kinds == ["goals", "monitoring", "self_evaluation", "results", "rectification_feedback"]
    assert not exporter.template_button.isHidden() and not exporter.unit_box.isHidden()
    qtbot.waitUntil(lambda: exporter.round_box.count() > 1)
    assert exporter.round_box.itemText(0) == "最新一轮" and exporter.round_box.itemData(1) == "1-8月"

    def choose(kind: str, unit_code: str) -> None:
        exporter.kind_box.setCurrentIndex(exporter.kind_box.findData(kind))
        exporter.unit_box.setCurrentIndex(exporter.unit_box.findData(unit_code))

    choose("goals", unit)
    assert exporter.round_box.isHidden() and exporter.export_button.isEnabled()
    assert exporter.template_button.isEnabled()
    exporter.template_to(tmp_path / "目标表模板.xlsx")
    qtbot.waitUntil(lambda: "已导出绩效目标表空白模板" in exporter.message.text())
    assert (tmp_path / "目标表模板.xlsx").is_file() and "未签名" in exporter.message.text()
    assert {"项目信息", "绩效目标表", "绩效指标"} <= set(openpyxl.load_workbook(tmp_path / "目标表模板.xlsx").sheetnames)

    choose("monitoring", unit)
    assert not exporter.round_box.isHidden()
    exporter.round_box.setCurrentIndex(exporter.round_box.findData("1-8月"))
    assert exporter.round_name() == "1-8月"
    exporter.export_to(tmp_path / "监控表.xlsx")
    qtbot.waitUntil(lambda: "已导出监控表交换包" in exporter.message.text())

    choose("results", unit)
    assert exporter.export_button.isEnabled() and not exporter.template_button.isEnabled()
    assert exporter.round_name() is None
    exporter.export_to(tmp_path / "结果反馈.xlsx")
    qtbot.waitUntil(lambda: "已导出结果反馈交换包" in exporter.message.text())
    qtbot.waitUntil(lambda: {"监控表", "结果反馈"} <= set(_texts(page.ledger, 1)))

    choose("rectification_feedback", unit)
    assert not exporter.export_button.isEnabled() and exporter.template_button.isEnabled()
    choose("rectification_feedback", ALL_UNITS)
    assert not exporter.template_button.isEnabled()
    page.grab().save(str(tmp_path / "exchange-hub-kinds.png"))
    qtmodeltester.check(page.ledger)


@pytest.fixture
def spoke_page(qtbot, runner: TaskRunner, db: Database, admin_actor: Actor, tmp_path: Path) -> ExchangePage:  # type: ignore[no-untyped-def]
    """The test database as a fresh unit installation: enrolled from a demo hub's enrolment package, then given
    the hub's goals and results packages (its projects, tables and rectification items)."""
    hub = open_database(tmp_path / "hub.sqlite")
    try:
        hub_admin = call(hub, auth.create_first_admin, "admin", "管理员", PASSWORD, PASSWORD)
        call(hub, demo.generate_demo, hub_admin, scale=0.05)
        with hub.unit_of_work() as uow:
            unit = uow.session.scalar(select(Unit.code).join(RectificationItem).where(
                RectificationItem.status.in_(("pending", "in_progress"))).order_by(Unit.code).limit(1))
        call(db, exchange_enrolment.enrol_from_package, admin_actor,
             call(hub, exchange_enrolment.export_enrolment, hub_admin, unit, tmp_path / "登记包.xlsx").path)
        for kind in ("goals", "results"):
            package = call(hub, exchange_kinds.export_kind, hub_admin, kind, 2024, tmp_path / f"{kind}.xlsx", unit).path
            call(db, exchange_kinds.apply_any, admin_actor, package)
    finally:
        hub.close()
    widget = ExchangePage(AppContext(runner, runner.hub, admin_actor, 2024))
    qtbot.addWidget(widget)
    widget.resize(1150, 860)
    widget.show()
    qtbot.waitUntil(lambda: "单位（填报端" in widget.header.text() and widget.ledger.rowCount() == 3)
    return widget


def test_a_unit_installation_offers_its_own_kinds_and_exports_feedback(qtbot, spoke_page: ExchangePage,  # type: ignore[no-untyped-def]
                                                                       tmp_path: Path) -> None:
    exporter = spoke_page.exporter
    kinds = [exporter.kind_box.itemData(i) for i in range(exporter.kind_box.count())]
    assert kinds == ["goals", "monitoring", "self_evaluation", "rectification_feedback"]
    assert exporter.unit_box.isHidden() and exporter.template_button.isHidden()
    assert _texts(spoke_page.ledger, 1) == ["结果反馈", "绩效目标表", "登记包"]  # newest first
    exporter.kind_box.setCurrentIndex(exporter.kind_box.findData("rectification_feedback"))
    assert exporter.export_button.isEnabled()
    exporter.export_to(tmp_path / "整改反馈.xlsx")
    qtbot.waitUntil(lambda: "已导出整改反馈交换包" in exporter.message.text())
    qtbot.waitUntil(lambda: _texts(spoke_page.ledger, 1)[0] == "整改反馈")
    assert _texts(spoke_page.ledger, 3)[0] == "财政局"
    spoke_page.grab().save(str(tmp_path / "exchange-spoke.png"))
