"""审计检查 findings: audit (审计) and inspection (检查/巡视巡查) findings about units, entered one by one or imported
from a workbook (columns 单位编码/来源/文号/问题描述/扣分); each finding's deduction lowers its department's composite
score (capped by the policy). An import is all or nothing: every bad row is named by row and column and nothing
is written while any problem remains."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from sqlalchemy import select

from core.common.changes import Changes
from core.common.errors import NotFound, ValidationError
from core.common.workbook_guard import open_workbook
from core.org.access import visible_unit_ids
from core.org.rules.roles import Actor
from core.results.application import RESULTS, require_bureau
from core.results.dto import FindingInput, FindingRow
from core.results.rules.policy import HUNDRED, SOURCES, ZERO
from db.models import AuditFinding, FiscalYear, Unit
from db.uow import UnitOfWork

COLUMNS = ("单位编码", "来源", "文号", "问题描述", "扣分")
REQUIRED = ("单位编码", "来源", "问题描述", "扣分")
HEADER_SEARCH_ROWS = 10
MAX_PROBLEMS_SHOWN = 30
SOURCE_WORDS = {**{v: k for k, v in SOURCES.items()}, **{k: k for k in SOURCES}, "巡视巡查": "inspection",
                "巡察": "inspection", "审查": "audit"}
POINTS_QUANTUM = Decimal("0.01")


class FindingsRefused(ValidationError):
    """An import with problems; `problems` names each bad row and column."""

    def __init__(self, file_name: str, problems: list[str]) -> None:
        shown = problems[:MAX_PROBLEMS_SHOWN]
        more = f"\n……另有 {len(problems) - len(shown)} 处问题" if len(problems) > len(shown) else ""
        super().__init__(f"文件“{file_name}”有 {len(problems)} 处问题，未导入任何记录：\n" + "\n".join(shown) + more,
                         "path")
        self.problems = tuple(problems)


def list_findings(uow: UnitOfWork, actor: Actor, year: int) -> list[FindingRow]:
    s = uow.session
    visible = visible_unit_ids(s, actor)
    stmt = (select(AuditFinding, Unit.code, Unit.name).join(Unit, Unit.id == AuditFinding.unit_id)
            .where(AuditFinding.year == year).order_by(Unit.code, AuditFinding.id))
    if visible is not None:
        stmt = stmt.where(AuditFinding.unit_id.in_(sorted(visible)))
    return [FindingRow(f.id, f.year, f.unit_id, code, name, f.source, SOURCES.get(f.source, f.source), f.reference or "",
                       f.description, f.deduction, f.found_on, f.entered_by) for f, code, name in s.execute(stmt)]


def _points(raw: Any) -> Decimal:
    """A deduction in points: a number above 0 and at most 100, to two places."""
    if isinstance(raw, bool) or raw is None or (isinstance(raw, str) and not raw.strip()):
        raise ValueError("扣分不能为空")
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation as exc:
        raise ValueError(f"扣分“{raw}”不是数值") from exc
    if not value.is_finite() or not ZERO < value <= HUNDRED:
        raise ValueError(f"扣分 {raw} 应大于 0 且不超过 100")
    if value != value.quantize(POINTS_QUANTUM):
        raise ValueError(f"扣分 {raw} 最多保留两位小数")
    return value


def _check(uow: UnitOfWork, form: FindingInput) -> tuple[str, Decimal]:
    if uow.session.get(Unit, form.unit_id) is None:
        raise NotFound(f"单位（编号 {form.unit_id}）不存在。")
    if form.source not in SOURCES:
        raise ValidationError(f"来源应为“审计”或“检查”，收到“{form.source}”。", "source")
    if not form.description.strip():
        raise ValidationError("问题描述不能为空。", "description")
    try:
        points = _points(form.deduction)
    except ValueError as exc:
        raise ValidationError(f"{exc}。", "deduction") from exc
    return form.description.strip(), points


def _state(f: AuditFinding) -> dict[str, Any]:
    return {"unit_id": f.unit_id, "source": f.source, "reference": f.reference, "description": f.description,
            "deduction": str(f.deduction), "found_on": f.found_on.isoformat() if f.found_on else None}


def _year(uow: UnitOfWork, year: int) -> None:
    if uow.session.get(FiscalYear, year) is None:
        raise NotFound(f"{year} 年度不存在，请先建立该预算年度。")


def add_finding(uow: UnitOfWork, actor: Actor, year: int, form: FindingInput) -> Changes:
    uow.write()
    require_bureau(actor)
    _year(uow, year)
    description, points = _check(uow, form)
    found = AuditFinding(year=year, unit_id=form.unit_id, source=form.source, reference=form.reference.strip() or None,
                         description=description, deduction=points, found_on=form.found_on,
                         entered_by=actor.username)
    uow.session.add(found)
    uow.session.flush()
    uow.audit(actor.username, "results.add_finding", "audit_finding", found.id, None, _state(found))
    uow.commit()
    return RESULTS


def _get(uow: UnitOfWork, finding_id: int) -> AuditFinding:
    found = uow.session.get(AuditFinding, finding_id)
    if found is None:
        raise NotFound(f"审计检查发现（编号 {finding_id}）不存在。")
    return found


def update_finding(uow: UnitOfWork, actor: Actor, finding_id: int, form: FindingInput) -> Changes:
    uow.write()
    require_bureau(actor)
    found = _get(uow, finding_id)
    description, points = _check(uow, form)
    before = _state(found)
    found.unit_id, found.source, found.reference = form.unit_id, form.source, form.reference.strip() or None
    found.description, found.deduction, found.found_on = description, points, form.found_on
    uow.session.flush()
    uow.audit(actor.username, "results.update_finding", "audit_finding", finding_id, before, _state(found))
    uow.commit()
    return RESULTS


def delete_finding(uow: UnitOfWork, actor: Actor, finding_id: int) -> Changes:
    uow.write()
    require_bureau(actor)
    found = _get(uow, finding_id)
    before = _state(found)
    uow.session.delete(found)
    uow.session.flush()
    uow.audit(actor.username, "results.delete_finding", "audit_finding", finding_id, before, None)
    uow.commit()
    return RESULTS


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():  # a code typed as a number comes back as 12.0
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def _header(rows: list[tuple[Any, ...]]) -> tuple[int, dict[str, int]] | None:
    for number, row in enumerate(rows, 1):
        names = {_text(v): i for i, v in enumerate(row) if _text(v)}
        if all(c in names for c in REQUIRED):
            return number, {c: names[c] for c in COLUMNS if c in names}
    return None


def _parse_row(row: tuple[Any, ...], number: int, where: dict[str, int], units: dict[str, int],
               problems: list[str]) -> FindingInput | None:
    def cell(column: str) -> Any:
        i = where.get(column)
        return row[i] if i is not None and i < len(row) else None

    def fail(column: str, problem: str) -> None:
        # Imported here, not at the top: openpyxl and reportlab stay off the start path (bench/startup.py).
        from openpyxl.utils import get_column_letter
        problems.append(f"第 {number} 行 {get_column_letter(where[column] + 1)} 列（{column}）：{problem}")

    before = len(problems)
    code, source, description = _text(cell("单位编码")), _text(cell("来源")), _text(cell("问题描述"))
    if not code:
        fail("单位编码", "不能为空")
    elif code not in units:
        fail("单位编码", f"找不到编码为“{code}”的单位")
    if source not in SOURCE_WORDS:
        fail("来源", f"应为“审计”或“检查”，收到“{source}”" if source else "不能为空")
    if not description:
        fail("问题描述", "不能为空")
    try:
        points = _points(cell("扣分"))
    except ValueError as exc:
        fail("扣分", str(exc))
    if len(problems) > before:
        return None
    return FindingInput(units[code], SOURCE_WORDS[source], _text(cell("文号")), description, points)


def read_findings(uow: UnitOfWork, path: str | Path) -> list[FindingInput]:
    """The findings of a workbook, or FindingsRefused naming every bad row and column."""
    source = Path(path)
    book = open_workbook(source)
    try:
        rows = list(book.worksheets[0].iter_rows(values_only=True)) if book.worksheets else []
    finally:
        book.close()
    found = _header(rows[:HEADER_SEARCH_ROWS])
    if found is None:
        raise ValidationError(f"文件“{source.name}”的第一张工作表前 {HEADER_SEARCH_ROWS} 行中找不到表头"
                              f"（须含 {'、'.join(REQUIRED)} 列，文号列可选）。", "path")
    header_row, where = found
    units = dict(uow.session.execute(select(Unit.code, Unit.id)).all())
    problems: list[str] = []
    forms = []
    for number, row in enumerate(rows[header_row:], header_row + 1):
        if all(_text(v) == "" for v in row):
            continue
        form = _parse_row(row, number, where, units, problems)
        if form is not None:
            forms.append(form)
    if problems:
        raise FindingsRefused(source.name, problems)
    if not forms:
        raise ValidationError(f"文件“{source.name}”的表头下没有任何数据行。", "path")
    return forms


@dataclass(frozen=True)
class FindingsImported:
    count: int
    changes: Changes = RESULTS


def import_findings(uow: UnitOfWork, actor: Actor, year: int, path: str | Path) -> FindingsImported:
    """Add every finding of the workbook in one transaction; returns how many."""
    uow.write()
    require_bureau(actor)
    _year(uow, year)
    forms = read_findings(uow, path)
    for form in forms:
        uow.session.add(AuditFinding(year=year, unit_id=form.unit_id, source=form.source,
                                     reference=form.reference or None, description=form.description,
                                     deduction=form.deduction, entered_by=actor.username))
    uow.session.flush()
    uow.audit(actor.username, "results.import_findings", "audit_finding", None, None,
              {"year": year, "file": Path(path).name, "rows": len(forms)})
    uow.commit()
    return FindingsImported(len(forms))
