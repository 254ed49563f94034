"""执行数据导入: read a treasury payment export (国库集中支付), map its columns once per source, preview the
period's figures with a per-row report, and apply it only when the user confirms.

Policy, decided here:
- A refused row (unknown project code, negative amount, text in a number cell, unreadable or future period,
  repeated voucher) is never written; a row over budget is written and flagged.
- Applying writes the accepted rows of a file that also has refused rows only when a voucher column is
  mapped: vouchers already in the database are refused on the next import, so the corrected file can be
  imported again without counting a payment twice. Without a voucher column the file must be clean.
- A file whose content was applied before (same SHA-256 of header and rows) changes nothing, whatever its name.
- Apply re-checks inside its write transaction; if the database changed since the preview it asks for a new
  preview instead of writing something the user did not see. Everything is one transaction.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import cast

from sqlalchemy import Table, func, insert, select
from sqlalchemy.orm import Session

from core.common import formatting
from core.common.changes import Area, Changes
from core.common.errors import PermissionDenied, ValidationError
from core.common.progress import NoProgress, ProgressReporter
from core.monitoring.dto import ZERO, ApplyResult, FileInfo, PeriodTotal, Preview
from core.monitoring.execution_files import SheetData, read_workbook
from core.monitoring.rules import execution_import as rules
from core.monitoring.rules.execution_import import Payment, Problem, ProjectBudget
from core.monitoring.rules.payment_columns import Column, ColumnMapping, MappingError, resolve, suggest
from core.org.rules.roles import Actor, Permission
from db.models import (
    ExecutionImport,
    ExecutionRecord,
    ImportMapping,
    MonitoringEntry,
    MonitoringRound,
    Project,
    utcnow,
)
from db.uow import UnitOfWork

__all__ = ["DEFAULT_SOURCE", "ColumnMapping", "apply", "can_import", "inspect_file", "list_sources",
           "preview", "read_workbook", "saved_mapping", "suggest_mapping"]

DEFAULT_SOURCE = "国库集中支付系统"
EXECUTION = Changes.of(Area.EXECUTION)
IMPORTERS = (Permission.MANAGE_SETTINGS, Permission.REVIEW_GOALS, Permission.EVALUATE)


def can_import(actor: Actor) -> bool:
    return any(actor.can(p) for p in IMPORTERS)


def _require(actor: Actor) -> None:
    if not can_import(actor):
        raise PermissionDenied(f"当前用户“{actor.display_name}”（{actor.role_label}）不能导入执行数据："
                               "导入国库支付数据是财政局的工作，需要系统管理员、审核员或评价员角色。")


def _source(source: str) -> str:
    name = source.strip()
    if not name:
        raise ValidationError("请填写数据来源，例如“国库集中支付系统”。", "source")
    if len(name) > 64:
        raise ValidationError("数据来源名称不能超过 64 个字符。", "source")
    return name


def suggest_mapping(headers: tuple[str, ...] | list[str]) -> ColumnMapping:
    """A guess from Chinese header names (项目编码, 支付日期, 支付金额, 凭证号, 收款人 and their variants)."""
    return suggest(headers)


def _stored(s: Session, source: str) -> ColumnMapping | None:
    """The remembered mapping; a damaged one counts as none (the next import saves a good one over it)."""
    row = s.get(ImportMapping, source)
    try:
        return None if row is None else ColumnMapping.from_json(row.mapping_json)
    except MappingError:
        return None


def saved_mapping(uow: UnitOfWork, actor: Actor, source: str) -> ColumnMapping | None:
    _require(actor)
    return _stored(uow.session, _source(source))


def list_sources(uow: UnitOfWork, actor: Actor) -> list[str]:
    """Sources with a remembered mapping, the default one first."""
    _require(actor)
    names = set(uow.session.scalars(select(ImportMapping.source)))
    return [DEFAULT_SOURCE, *sorted(names - {DEFAULT_SOURCE})]


def inspect_file(uow: UnitOfWork, actor: Actor, path: str | Path, source: str,
                 sheet: str | None = None) -> FileInfo:
    """The file's sheets and columns (first rows only) and the mapping to pre-fill."""
    _require(actor)
    data = read_workbook(path, sheet, head_only=True)
    saved = _stored(uow.session, _source(source))
    usable = saved is not None and _fits(saved, data.headers)
    mapping = saved if saved is not None and usable else suggest_mapping(data.headers)
    return FileInfo(data.path, data.file_name, data.sheet, data.sheets, data.header_row, data.headers, mapping,
                    usable)


def _fits(mapping: ColumnMapping, headers: tuple[str, ...]) -> bool:
    try:
        resolve(mapping, headers)
    except MappingError:
        return False
    return True


def _columns(data: SheetData, mapping: ColumnMapping) -> dict[str, Column]:
    try:
        return resolve(mapping, data.headers)
    except MappingError as exc:
        raise ValidationError(f"文件“{data.file_name}”工作表“{data.sheet}”：{exc}", exc.field) from exc


def _budgets(s: Session, years: set[int]) -> dict[tuple[int, str], ProjectBudget]:
    """The projects of these years with their budget after the latest monitoring round's adjustment and
    what is already recorded as spent in their year."""
    if not years:
        return {}
    spent = dict(s.execute(
        select(ExecutionRecord.project_id, func.sum(ExecutionRecord.amount))
        .join(Project, ExecutionRecord.project_id == Project.id)
        .where(Project.year.in_(years), ExecutionRecord.year == Project.year)
        .group_by(ExecutionRecord.project_id)).all())
    adjusted = dict(s.execute(
        select(MonitoringEntry.project_id, MonitoringEntry.budget_adjustment)
        .join(MonitoringRound, MonitoringEntry.round_id == MonitoringRound.id)
        .where(MonitoringRound.year.in_(years))
        .order_by(MonitoringRound.as_of_month, MonitoringRound.id)).all())  # the latest round wins
    return {(year, code): ProjectBudget(pid, name, total + (adjusted.get(pid) or ZERO), spent.get(pid) or ZERO)
            for pid, year, code, name, total in s.execute(
                select(Project.id, Project.year, Project.code, Project.name, Project.total_amount)
                .where(Project.year.in_(years)))}


def _known_vouchers(s: Session, years: set[int]) -> set[tuple[int, str]]:
    if not years:
        return set()
    return {(year, voucher) for year, voucher in s.execute(
        select(ExecutionRecord.year, ExecutionRecord.voucher_no)
        .where(ExecutionRecord.year.in_(years), ExecutionRecord.voucher_no.is_not(None))) if voucher is not None}


def _check(s: Session, payments: tuple[Payment, ...], problems: tuple[Problem, ...],
           columns: dict[str, Column]) -> tuple[rules.Checked, dict[tuple[int, str], ProjectBudget]]:
    years = rules.years_of(payments)
    budgets = _budgets(s, years)
    return rules.check_payments(payments, problems, columns, budgets, _known_vouchers(s, years)), budgets


def _already(s: Session, content_hash: str) -> str | None:
    done = s.scalar(select(ExecutionImport).where(ExecutionImport.content_hash == content_hash))
    if done is None:
        return None
    return (f"该文件的内容已于 {formatting.screen_time(done.applied_at)} 由 {done.applied_by} 导入"
            f"（文件“{done.file_name}”，{done.rows_applied} 行），再次导入不会作任何改动。")


def _totals(checked: rules.Checked, budgets: dict[tuple[int, str], ProjectBudget]) -> tuple[PeriodTotal, ...]:
    by_id = {b.project_id: (code, b) for (_, code), b in budgets.items()}
    after: dict[int, Decimal] = {}
    for r in checked.records:
        after[r.project_id] = after.get(r.project_id, by_id[r.project_id][1].spent) + r.amount
    rows = []
    for (pid, year, month), (count, amount) in sorted(rules.period_totals(checked.records).items(),
                                                      key=lambda kv: (by_id[kv[0][0]][0], kv[0][1], kv[0][2])):
        code, b = by_id[pid]
        rate = None if not b.budget else (after[pid] / b.budget * 100).quantize(Decimal("0.1"), ROUND_HALF_UP)
        rows.append(PeriodTotal(code, b.name, year, month, count, amount, b.budget, rate))
    return tuple(rows)


def preview(uow: UnitOfWork, actor: Actor, path: str | Path, source: str, mapping: ColumnMapping,
            today: date | None = None, sheet: str | None = None,
            progress: ProgressReporter | None = None) -> Preview:
    """Read the whole sheet and check every row against the database; writes nothing."""
    _require(actor)
    name = _source(source)
    steps = progress or NoProgress()
    day = today or date.today()
    data = read_workbook(path, sheet, progress=steps)
    columns = _columns(data, mapping)
    steps.report(len(data.rows), len(data.rows), "核对项目、凭证号和预算")
    payments, problems = rules.read_payments(data.rows, data.first_row, columns, mapping.unit, day)
    checked, budgets = _check(uow.session, tuple(payments), tuple(problems), columns)
    return Preview(data.path, data.file_name, data.sheet, name, mapping, data.content_hash, day, len(payments),
                   checked.records, checked.refused_rows, checked.warned_rows, checked.problems,
                   _totals(checked, budgets), _already(uow.session, data.content_hash), columns,
                   tuple(payments), tuple(problems))


def _remember(s: Session, source: str, mapping: ColumnMapping) -> None:
    row = s.get(ImportMapping, source)
    if row is None:
        s.add(ImportMapping(source=source, mapping_json=mapping.to_json(), updated_at=utcnow()))
    else:
        row.mapping_json, row.updated_at = mapping.to_json(), utcnow()


def apply(uow: UnitOfWork, actor: Actor, preview: Preview, confirm: bool = False,
          progress: ProgressReporter | None = None) -> ApplyResult:
    """Write the previewed rows as treasury execution records, the ledger entry, the source's mapping and an
    audit entry in one transaction; `confirm` must be True (the user saw the preview and said so)."""
    uow.write()
    _require(actor)
    steps = progress or NoProgress()
    if not confirm:
        raise ValidationError("请先查看预览，确认无误后再导入。", "confirm")
    s = uow.session
    already = _already(s, preview.content_hash)
    if already:
        return ApplyResult(0, ZERO, 0, 0, already, Changes())
    steps.report(0, 3, "重新核对")
    checked, _ = _check(s, preview.payments, preview.read_problems, preview.columns)
    if {r.row for r in checked.records} != {r.row for r in preview.records}:
        raise ValidationError("预览之后系统中的执行数据或项目已有变化，为免导入与预览不一致，本次未导入；"
                              "请重新预览后再确认。", "preview")
    if preview.blocked:
        raise ValidationError(preview.blocked, "preview")
    steps.report(1, 3, f"写入 {len(checked.records):,} 条执行记录")
    now = utcnow()
    # Core executemany of the table (the Money type still converts): the ORM's bulk path adds a third here.
    s.execute(insert(cast(Table, ExecutionRecord.__table__)), [
        {"project_id": r.project_id, "year": r.year, "month": r.month, "amount": r.amount,
         "voucher_no": r.voucher, "payee": r.payee, "source": "treasury", "recorded_at": now}
        for r in checked.records])
    steps.report(2, 3, "登记导入记录")
    ledger = ExecutionImport(content_hash=preview.content_hash, file_name=preview.file_name[:260],
                             source=preview.source, rows_applied=len(checked.records),
                             applied_by=actor.username, applied_at=now)
    s.add(ledger)
    _remember(s, preview.source, preview.mapping)
    s.flush()
    amount = sum((r.amount for r in checked.records), ZERO)
    uow.audit(actor.username, "execution.import", "execution_import", ledger.id, None, {
        "file": preview.file_name, "sheet": preview.sheet, "source": preview.source,
        "content_hash": preview.content_hash, "rows_applied": len(checked.records),
        "rows_refused": len(checked.refused_rows), "rows_flagged": len(checked.warned_rows),
        "amount_wan": amount, "mapping": preview.mapping.to_json()})
    uow.commit()
    message = f"已导入 {len(checked.records):,} 行，合计 {formatting.amount(amount)} 万元"
    if checked.refused_rows:
        message += f"；{len(checked.refused_rows)} 行被拒绝，未导入"
    if checked.warned_rows:
        message += f"；{len(checked.warned_rows)} 行超出预算，已导入并标记"
    return ApplyResult(len(checked.records), amount, len(checked.refused_rows), len(checked.warned_rows),
                       message + "。", EXECUTION)
