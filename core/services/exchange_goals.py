"""The goal-table exchange package (kind "goals", unit → bureau): export a unit's 绩效目标表 as a signed workbook,
preview an incoming one (ledger decision, every problem located, each project new / changed / unchanged /
conflicting) and apply it in one transaction through the goal-table rules.

Conflicting means "changed here since the last package from that unit was applied" (or not editable here, e.g.
approved): such tables are listed and left alone, a person decides. The automatic backup before applying is
taken by the caller (`maintenance.backup_database` needs the Database, not a unit of work).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter
from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from core.errors import ValidationError
from core.rules.exchange_manifest import LedgerView, Manifest, ManifestError, admit, sign
from core.rules.exchange_sheets import (
    GOAL_INSTRUCTIONS,
    GOAL_SHEETS,
    GOALS_KIND,
    INDICATOR_SHEET,
    INDICATORS,
    TABLES,
    TEXT_KEYS,
    indicator_row_id,
    table_row_id,
)
from core.rules.goal_table import (
    ContentError,
    GoalContent,
    IndicatorRow,
    can_edit,
    status_label,
    validate_content,
)
from core.rules.notation import IndicatorValue
from core.rules.roles import Actor, Permission
from core.services import exchange_profile as xp
from core.services.access import require, require_unit
from core.services.exchange_workbook import Problem, read_package, stamp, write_package

# The goal-table service's own helpers write versions exactly as saving a draft does.
from core.services.goals import new_version, version_content, version_of, write_indicators
from db.models import ExchangeLedgerEntry, GoalTable, GoalTableVersion, Project, Unit, utcnow
from db.uow import UnitOfWork

STATUSES = ("new", "changed", "unchanged", "conflicting")
_FIELD_COLUMN = {"name": "name", "level1": "level1", "level2": "level2", "comparator": "value", "target": "value",
                 "weight": "weight"}


@dataclass(frozen=True)
class ProjectChange:
    code: str
    name: str
    status: str  # new | changed | unchanged | conflicting
    line: int  # the project's row on 绩效目标表
    reason: str = ""  # why a table is conflicting


@dataclass(frozen=True)
class GoalsPreview:
    decision: str  # new | duplicate | edited | unsigned | refused
    refusal: str
    manifest: Manifest | None
    projects: tuple[ProjectChange, ...]
    problems: tuple[Problem, ...]  # every one blocks applying

    @property
    def blocked(self) -> bool:
        return self.decision == "refused" or bool(self.problems)

    def by_status(self, status: str) -> list[ProjectChange]:
        return [p for p in self.projects if p.status == status]


@dataclass(frozen=True)
class GoalsApplied:
    preview: GoalsPreview
    written: tuple[str, ...]  # project codes whose tables got a new working version


# --- export ------------------------------------------------------------------------------------------------


def _unit_ids(s: Session, unit: Unit) -> list[int]:
    return [unit.id, *s.scalars(select(Unit.id).where(Unit.parent_id == unit.id))]


def _table_rows(s: Session, unit: Unit, year: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    return goal_rows(s, year, _unit_ids(s, unit))


def goal_rows(s: Session, year: int, unit_ids: list[int] | None = None) -> tuple[list[dict[str, Any]],
                                                                                list[dict[str, Any]]]:
    """The package rows (绩效目标表, 绩效指标) of the year's goal tables of `unit_ids` (every unit when None)."""
    tables, indicators = [], []
    where = Project.year == year if unit_ids is None else and_(Project.year == year, Project.unit_id.in_(unit_ids))
    stmt = (select(Project, GoalTable).join(GoalTable, GoalTable.project_id == Project.id)
            .where(where).order_by(Project.code))
    for project, table in s.execute(stmt):
        content = version_content(version_of(table, table.current_version))
        base = {"row_id": table_row_id(project.code), "version": table.current_version, "deleted": False}
        tables.append({**base, "project_code": project.code, "project_name": project.name,
                       "status": status_label(table.status), **{k: getattr(content, k) for k in TEXT_KEYS}})
        for n, row in enumerate(content.indicators, 1):
            value = IndicatorValue(row.comparator, row.target, row.target_text, row.unit_of_measure)
            indicators.append({"row_id": indicator_row_id(project.code, n), "version": table.current_version,
                               "deleted": False, "project_code": project.code, "level1": row.level1,
                               "level2": row.level2, "name": row.name, "value": value, "weight": row.weight,
                               "scoring_standard": row.scoring_standard, "note": row.note})
    return tables, indicators


def export_goals(uow: UnitOfWork, actor: Actor, year: int, target: str | Path, unit_code: str | None = None) -> Path:
    """Write the unit's goal tables of `year` as a signed package; on a spoke its own unit, on the hub the given
    unit's (a template with its current tables). Records the package in the ledger as exported."""
    uow.write()
    s = uow.session
    me = xp.profile(s)
    if me.role == "spoke":
        if unit_code not in (None, me.unit_code):
            raise ValidationError(f"本机登记为单位“{me.unit_code}”，只能导出本单位的数据。", "unit_code")
        unit_code, receiver = str(me.unit_code), xp.HUB
        key = xp.ledger_view(s).keys.get(unit_code)
        if key is None:
            raise ValidationError("本机没有本单位的签名密钥，请重新导入财政局发放的登记包。", "key")
    else:
        if not unit_code:
            raise ValidationError("请指定要导出哪个单位的绩效目标表（--unit 单位编码）。", "unit_code")
        key, receiver = bytes.fromhex(xp.issue_key(uow, actor, unit_code)), unit_code
    unit = s.scalar(select(Unit).where(Unit.code == unit_code))
    if unit is None:
        raise ValidationError(f"单位编码“{unit_code}”不存在。", "unit_code")
    require_unit(s, actor, unit.id)
    tables, indicators = _table_rows(s, unit, year)
    sheets = [(GOAL_SHEETS[0], tables), (INDICATOR_SHEET, indicators)]
    manifest = Manifest(uuid.uuid4().hex, GOALS_KIND, me.me, receiver, year, xp.next_sequence(s, receiver))
    manifest = sign(stamp(manifest, sheets), key)
    path = write_package(target, sheets, manifest, GOAL_INSTRUCTIONS)
    s.add(ExchangeLedgerEntry(package_id=manifest.package_id, kind=GOALS_KIND, direction="out", sender=me.me,
                              receiver=receiver, year=year, sequence=manifest.sequence,
                              content_hash=manifest.content_hash, signed=True, state="exported", note=path.name))
    uow.audit(actor.username, "exchange.export", "exchange_ledger", manifest.package_id, None,
              {"kind": GOALS_KIND, "unit": unit_code, "receiver": receiver, "sequence": manifest.sequence,
               "tables": len(tables), "indicators": len(indicators)})
    uow.commit()
    return path


# --- preview -----------------------------------------------------------------------------------------------


def _ledger(s: Session) -> LedgerView:
    """The ledger view, where a spoke also knows the bureau's packages to it by its own unit key."""
    view = xp.ledger_view(s)
    me = xp.profile(s)
    if me.role == "spoke" and me.me in view.keys:
        view = replace(view, keys={**view.keys, xp.HUB: view.keys[me.me]})
    return view


def _decision(s: Session, manifest: Manifest | None, digest: str, counts: dict[str, int]) -> tuple[str, str]:
    if manifest is None:
        return "refused", "文件中没有交换包清单：请使用本系统导出的交换包或模板。"
    if manifest.kind != GOALS_KIND:
        return "refused", f"这是“{manifest.kind}”类交换包，不是绩效目标表交换包。"
    try:
        decision = admit(manifest, digest, counts, _ledger(s))
    except ManifestError as exc:
        return "refused", str(exc)
    recorded = s.scalar(select(ExchangeLedgerEntry.state).where(
        ExchangeLedgerEntry.package_id == manifest.package_id, ExchangeLedgerEntry.direction == "in"))
    if recorded in ("applied", "unsigned"):
        return "duplicate", ""
    return decision, ""


def _located(sheet: Any, line: int, key: str, message: str) -> Problem:
    index = [c.key for c in sheet.all_columns].index(key)
    return Problem(sheet.title, line, get_column_letter(index + 1), sheet.column(key).header, message)


@dataclass
class _Parsed:
    line: int
    texts: dict[str, str | None]
    indicators: list[tuple[int, IndicatorRow]]


def parse_tables(read: Any, problems: list[Problem]) -> dict[str, _Parsed]:
    """Each project's goal content from the two sheets (rows with located problems are skipped), by code."""
    bad = {(p.sheet, p.row) for p in problems}
    tables_spec, parsed, skipped = GOAL_SHEETS[0], {}, set()
    for values, line in zip(read.sheets[TABLES].rows, read.sheets[TABLES].lines, strict=True):
        code = values.get("project_code")
        if (tables_spec.title, line) in bad:
            skipped.add(code)  # already reported; its indicators are not reported again
            continue
        if values["deleted"]:
            problems.append(_located(tables_spec, line, "deleted", "绩效目标表不能通过交换包删除，请把“删除”改为“否”。"))
        elif code in parsed:
            problems.append(_located(tables_spec, line, "project_code", f"项目编码“{code}”重复出现。"))
        elif values["row_id"] and values["row_id"] != table_row_id(code):
            problems.append(_located(tables_spec, line, "project_code",
                                     f"项目编码“{code}”与行标识“{values['row_id']}”不一致：请勿修改项目编码。"))
        else:
            parsed[code] = _Parsed(line, {k: values[k] for k in TEXT_KEYS}, [])
    for values, line in zip(read.sheets[INDICATORS].rows, read.sheets[INDICATORS].lines, strict=True):
        if (INDICATOR_SHEET.title, line) in bad or values["deleted"]:
            continue
        code = values["project_code"]
        if code in skipped:
            continue
        if code not in parsed:
            problems.append(_located(INDICATOR_SHEET, line, "project_code",
                                     f"项目编码“{code}”不在“{tables_spec.title}”工作表中。"))
            continue
        v = values["value"]
        parsed[code].indicators.append((line, IndicatorRow(
            values["level1"], values["level2"], values["name"], v.comparator, v.target, v.target_text,
            v.unit_of_measure, values["weight"], values["scoring_standard"], values["note"])))
    return parsed


def _baseline(s: Session, sender: str) -> datetime | None:
    return s.scalar(select(ExchangeLedgerEntry.recorded_at).where(
        ExchangeLedgerEntry.direction == "in", ExchangeLedgerEntry.sender == sender,
        ExchangeLedgerEntry.state.in_(("applied", "unsigned"))).order_by(ExchangeLedgerEntry.recorded_at.desc())
        .limit(1))


def _compare(s: Session, manifest: Manifest | None, parsed: dict[str, _Parsed],
             problems: list[Problem]) -> list[ProjectChange]:
    if manifest is None:
        return []
    owner = manifest.receiver if manifest.sender == xp.HUB else manifest.sender
    baseline = _baseline(s, manifest.sender)
    spec, changes = GOAL_SHEETS[0], []
    for code, item in parsed.items():
        content = GoalContent(*(item.texts[k] for k in TEXT_KEYS), tuple(r for _, r in item.indicators))
        try:
            validate_content(content)
        except ContentError as exc:
            index = int(exc.field.split("[")[1].split("]")[0]) if exc.field.startswith("indicators[") else 0
            column = _FIELD_COLUMN.get(exc.field.rsplit(".", 1)[-1], "name")
            line = item.indicators[index - 1][0] if index else item.line
            problems.append(_located(INDICATOR_SHEET if index else spec, line, column if index else "project_code",
                                     f"项目“{code}”：{exc}"))
            continue
        found = s.execute(select(Project, Unit.code, Unit.parent_id).join(Unit, Unit.id == Project.unit_id)
                          .where(Project.year == manifest.year, Project.code == code)).first()
        if found is None:
            problems.append(_located(spec, item.line, "project_code", f"{manifest.year} 年度没有项目编码“{code}”。"))
            continue
        project, unit_code, parent_id = found
        parent_code = s.scalar(select(Unit.code).where(Unit.id == parent_id)) if parent_id else None
        if owner not in (unit_code, parent_code):
            problems.append(_located(spec, item.line, "project_code",
                                     f"项目“{code}”属于单位“{unit_code}”，不是本交换包单位“{owner}”的项目。"))
            continue
        table = s.scalar(select(GoalTable).where(GoalTable.project_id == project.id))
        changes.append(_status(project, table, content, item.line, baseline))
    return changes


def _status(project: Project, table: GoalTable | None, content: GoalContent, line: int,
            baseline: datetime | None) -> ProjectChange:
    if table is None:
        return ProjectChange(project.code, project.name, "new", line)
    if version_content(version_of(table, table.current_version)) == content:
        return ProjectChange(project.code, project.name, "unchanged", line)
    if not can_edit(table.status):
        return ProjectChange(project.code, project.name, "conflicting", line,
                             f"本机目标表状态为“{status_label(table.status)}”，交换包不能修改"
                             + ("，请走调整程序" if table.status == "approved" else "") + "。")
    if baseline is not None and table.updated_at > baseline:
        return ProjectChange(project.code, project.name, "conflicting", line,
                             f"本机在上次导入之后修改过该表（{table.updated_at.astimezone():%Y-%m-%d %H:%M}），请人工核对。")
    return ProjectChange(project.code, project.name, "changed", line)


def _analyse(s: Session, path: str | Path) -> tuple[GoalsPreview, dict[str, _Parsed]]:
    read = read_package(path, GOAL_SHEETS)
    problems = list(read.problems)
    decision, refusal = _decision(s, read.manifest, read.content_hash, read.row_counts)
    parsed = parse_tables(read, problems)
    changes = _compare(s, read.manifest, parsed, problems)
    return GoalsPreview(decision, refusal, read.manifest, tuple(changes), tuple(problems)), parsed


def _require_importer(actor: Actor) -> None:
    if not actor.can(Permission.MANAGE_UNITS):  # the administrator imports for the bureau, a clerk for its unit
        require(actor, Permission.EDIT_OWN_UNIT_DATA)


def preview_goals(uow: UnitOfWork, actor: Actor, path: str | Path) -> GoalsPreview:
    """What importing the package would do, writing nothing."""
    _require_importer(actor)
    return _analyse(uow.session, path)[0]


# --- apply -------------------------------------------------------------------------------------------------


def _write(uow: UnitOfWork, actor: Actor, year: int, codes: Iterable[str], parsed: dict[str, _Parsed]) -> None:
    s = uow.session
    for code in codes:
        item = parsed[code]
        content = GoalContent(*(item.texts[k] for k in TEXT_KEYS), tuple(r for _, r in item.indicators))
        project = s.scalar(select(Project).where(Project.year == year, Project.code == code))
        assert project is not None  # the preview checked every code
        require_unit(s, actor, project.unit_id)
        table = s.scalar(select(GoalTable).where(GoalTable.project_id == project.id))
        if table is None:
            table = GoalTable(project_id=project.id, status="draft", current_version=1)
            s.add(table)
            s.flush()
            current = GoalTableVersion(goal_table_id=table.id, version=1, reason="交换包导入", created_by=actor.username)
            s.add(current)
            s.flush()
        else:
            current = version_of(table, table.current_version)
            if current.submitted_at is not None:
                current = new_version(uow, actor, table, "交换包导入")
        write_indicators(uow, current, content)
        table.updated_at = utcnow()
        uow.audit(actor.username, "goal_table.exchange_import", "goal_table", table.id, None,
                  {"version": current.version, "indicators": len(content.indicators)})


def apply_goals(uow: UnitOfWork, actor: Actor, path: str | Path, confirm_unsigned: bool = False) -> GoalsApplied:
    """Apply the package in one transaction: nothing is written when it is refused or has any problem; the same
    package again changes nothing; an edited or unsigned one only with `confirm_unsigned`, and stays marked."""
    uow.write()
    _require_importer(actor)
    preview, parsed = _analyse(uow.session, path)
    if preview.decision == "refused":
        raise ValidationError(f"交换包已拒绝：{preview.refusal}", "package")
    if preview.problems:
        shown = "\n".join(str(p) for p in preview.problems[:10])
        raise ValidationError(f"交换包有 {len(preview.problems)} 处问题，未导入任何数据：\n{shown}", "package")
    if preview.decision == "duplicate":
        return GoalsApplied(preview, ())
    if preview.decision in ("edited", "unsigned") and not confirm_unsigned:
        raise ValidationError("该交换包未签名或签名后被修改过，须经审核人确认后才能作为“未签名”导入。", "confirm_unsigned")
    manifest = preview.manifest
    assert manifest is not None  # a package without a manifest is refused
    codes = tuple(p.code for p in preview.projects if p.status in ("new", "changed"))
    _write(uow, actor, manifest.year, codes, parsed)
    state = "applied" if preview.decision == "new" else "unsigned"
    uow.session.add(ExchangeLedgerEntry(
        package_id=manifest.package_id, kind=GOALS_KIND, direction="in", sender=manifest.sender,
        receiver=manifest.receiver, year=manifest.year, sequence=manifest.sequence,
        content_hash=manifest.content_hash, signed=state == "applied", state=state,
        note=f"写入 {len(codes)} 张，冲突 {len(preview.by_status('conflicting'))} 张", recorded_at=utcnow()))
    uow.audit(actor.username, "exchange.import", "exchange_ledger", manifest.package_id, None,
              {"kind": GOALS_KIND, "sender": manifest.sender, "sequence": manifest.sequence, "state": state,
               "written": list(codes), "conflicting": [p.code for p in preview.by_status("conflicting")]})
    uow.commit()
    return GoalsApplied(preview, codes)
