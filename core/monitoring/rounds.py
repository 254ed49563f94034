"""运行监控 write side: the bureau opens and closes rounds (1-6月, 1-8月, a second 1-9月 round for laggards),
units fill their monitoring tables (budget part and one line per 三级 indicator, with the rule that 有可能 and
完全不可能 need a forecast and a deviation analysis), projects are marked for key monitoring, and corrective-
action or rectification items are raised from a warning. Also the round's list of warnings.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import and_, func, select

from core.common import formatting
from core.common.changes import Area, Changes
from core.common.errors import NotFound, ValidationError
from core.common.labels import ACTION_KINDS
from core.monitoring.dto import ActionRow, EntryInput, EntryView, GridRow, LineInput, RoundRow
from core.monitoring.grid import check_period, grid, project_monitoring
from core.monitoring.rules import lights as rules
from core.org.access import require, require_unit
from core.org.rules.roles import Actor, Permission
from db.codes import EntryStatus, GoalStatus, RoundStatus
from db.models import (
    CorrectiveAction,
    GoalTable,
    GoalTableVersion,
    Indicator,
    MonitoringEntry,
    MonitoringLine,
    MonitoringRound,
    Project,
    utcnow,
)
from db.uow import UnitOfWork

MONITORING = Changes.of(Area.MONITORING)  # rounds opened or closed, tables filled: the grid reloads
ROWS = Changes.of(Area.MONITORING_ROWS)  # only some projects' marks changed: the page refreshes those rows


def _require_bureau(actor: Actor) -> None:
    if not (actor.can(Permission.REVIEW_GOALS) or actor.can(Permission.EVALUATE)
            or actor.can(Permission.MANAGE_SETTINGS)):
        require(actor, Permission.REVIEW_GOALS)  # raises with the permission named


def _get_round(uow: UnitOfWork, round_id: int) -> MonitoringRound:
    found = uow.session.get(MonitoringRound, round_id)
    if found is None:
        raise NotFound(f"监控轮次（编号 {round_id}）不存在。")
    return found


def list_rounds(uow: UnitOfWork, actor: Actor, year: int) -> list[RoundRow]:
    s = uow.session
    counts = dict(s.execute(select(MonitoringEntry.round_id, func.count()).group_by(MonitoringEntry.round_id)).all())
    done = dict(s.execute(select(MonitoringEntry.round_id, func.count())
                          .where(MonitoringEntry.status == EntryStatus.SUBMITTED)
                          .group_by(MonitoringEntry.round_id)).all())
    return [RoundRow(r.id, r.year, r.name, r.as_of_month, r.status, r.follows_round_id, counts.get(r.id, 0),
                     done.get(r.id, 0))
            for r in s.scalars(select(MonitoringRound).where(MonitoringRound.year == year)
                               .order_by(MonitoringRound.as_of_month, MonitoringRound.id))]


def open_round(uow: UnitOfWork, actor: Actor, year: int, as_of_month: int, name: str | None = None,
               follows_round_id: int | None = None, today: date | None = None) -> Changes:
    """Open a round for 1-X月 of the year; a follow-up round (for laggards) names the round it follows."""
    uow.write()
    _require_bureau(actor)
    if not 1 <= as_of_month <= 12:
        raise ValidationError("监控截止月份应在 1 至 12 月之间。", "as_of_month")
    check_period(year, as_of_month, today or date.today())
    label = (name or f"1-{as_of_month}月").strip()
    s = uow.session
    if s.scalar(select(MonitoringRound.id).where(MonitoringRound.year == year, MonitoringRound.name == label)):
        raise ValidationError(f"{year} 年度已有名为“{label}”的监控轮次，请换一个名称（如“{label}（第二轮）”）。", "name")
    if follows_round_id is not None and _get_round(uow, follows_round_id).year != year:
        raise ValidationError("后续轮次只能跟随同一年度的轮次。", "follows_round_id")
    new = MonitoringRound(year=year, name=label, as_of_month=as_of_month, status=RoundStatus.OPEN,
                          follows_round_id=follows_round_id, opened_by=actor.username)
    s.add(new)
    s.flush()
    uow.audit(actor.username, "monitoring.open_round", "monitoring_round", new.id, None,
              {"year": year, "name": label, "as_of_month": as_of_month})
    uow.commit()
    return MONITORING


def close_round(uow: UnitOfWork, actor: Actor, round_id: int) -> Changes:
    uow.write()
    _require_bureau(actor)
    found = _get_round(uow, round_id)
    if found.status == RoundStatus.CLOSED:
        raise ValidationError(f"监控轮次“{found.name}”已经关闭。", "status")
    found.status, found.closed_at = RoundStatus.CLOSED, utcnow()
    uow.audit(actor.username, "monitoring.close_round", "monitoring_round", round_id,
              {"status": RoundStatus.OPEN},
              {"status": RoundStatus.CLOSED})
    uow.commit()
    return MONITORING


def _approved_positions(uow: UnitOfWork, project_id: int) -> dict[int, Indicator]:
    current = and_(GoalTableVersion.goal_table_id == GoalTable.id, GoalTableVersion.version == GoalTable.current_version)
    rows = uow.session.scalars(select(Indicator).join(GoalTableVersion, Indicator.version_id == GoalTableVersion.id)
                               .join(GoalTable, current)
                               .where(GoalTable.project_id == project_id,
                                      GoalTable.status == GoalStatus.APPROVED))
    return {i.position: i for i in rows}


def _check_line(line: LineInput, ind: Indicator, project: Project) -> None:
    where = f"项目“{project.name}”第 {line.position} 条指标“{ind.name}”"
    if line.likelihood is not None and line.likelihood not in rules.LIKELIHOODS:
        raise ValidationError(f"{where}：完成目标可能性只能是确定能、有可能或完全不可能。", f"lines[{line.position}].likelihood")
    if line.cause is not None and line.cause not in rules.CAUSES:
        raise ValidationError(f"{where}：偏差原因只能是{'、'.join(rules.CAUSES)}之一。", f"lines[{line.position}].cause")
    if ind.comparator == "qual":
        if line.actual_text and line.actual_text not in rules.QUALITATIVE:
            raise ValidationError(f"{where}是定性指标，完成情况请填写达成、部分达成或未达成。",
                                  f"lines[{line.position}].actual_text")
    elif line.actual is not None and line.actual < 0:
        raise ValidationError(f"{where}：实际完成值不能为负数。", f"lines[{line.position}].actual")
    if rules.needs_deviation_analysis(line.likelihood):
        missing = [label for label, value in (("全年预计完成值", line.forecast if ind.comparator != "qual" else "定性"),
                                              ("偏差原因", line.cause), ("原因分析", (line.analysis or "").strip()))
                   if value in (None, "")]
        if missing:
            raise ValidationError(f"{where}：完成目标可能性为“{rules.LIKELIHOODS[line.likelihood or '']}”时，"
                                  f"必须填写{'、'.join(missing)}。", f"lines[{line.position}].analysis")


def save_entry(uow: UnitOfWork, actor: Actor, round_id: int, project_id: int, form: EntryInput,
               submit: bool = False) -> Changes:
    """Save (or submit) a project's monitoring table in an open round; all lines are checked first."""
    uow.write()
    s = uow.session
    found = _get_round(uow, round_id)
    project = s.get(Project, project_id)
    if project is None or project.year != found.year:
        raise NotFound(f"项目（编号 {project_id}）不在 {found.year} 年度。")
    require_unit(s, actor, project.unit_id)
    if not (actor.can(Permission.EDIT_OWN_UNIT_DATA) or actor.can(Permission.MANAGE_SETTINGS)
            or actor.can(Permission.REVIEW_GOALS)):
        require(actor, Permission.EDIT_OWN_UNIT_DATA)
    if found.status != RoundStatus.OPEN:
        raise ValidationError(f"监控轮次“{found.name}”已关闭，不能再填报。", "status")
    if project.total_amount + form.budget_adjustment < 0:
        raise ValidationError(f"项目“{project.name}”调整后预算不能为负数。", "budget_adjustment")
    if form.forecast_spent is not None and form.forecast_spent < 0:
        raise ValidationError(f"项目“{project.name}”全年预计执行数不能为负数。", "forecast_spent")
    positions = _approved_positions(uow, project_id)
    for line in form.lines:
        if line.position not in positions:
            raise ValidationError(f"项目“{project.name}”的已批复绩效目标表没有第 {line.position} 条指标"
                                  + ("（该项目目标表尚未批复，只能监控预算执行）。" if not positions else "。"),
                                  f"lines[{line.position}]")
        _check_line(line, positions[line.position], project)
    entry = s.scalar(select(MonitoringEntry).where(MonitoringEntry.round_id == round_id,
                                                  MonitoringEntry.project_id == project_id))
    before = None if entry is None else {"status": entry.status}
    if entry is None:
        entry = MonitoringEntry(round_id=round_id, project_id=project_id, updated_by=actor.username)
        s.add(entry)
        s.flush()
    for key in ("budget_adjustment", "forecast_spent", "budget_cause", "budget_analysis", "corrective_measures"):
        setattr(entry, key, getattr(form, key))
    entry.status = EntryStatus.SUBMITTED if submit else EntryStatus.DRAFT
    entry.updated_by, entry.updated_at = actor.username, utcnow()
    existing = {line.position: line for line in s.scalars(select(MonitoringLine)
                                                          .where(MonitoringLine.entry_id == entry.id))}
    for line in form.lines:
        row = existing.get(line.position) or MonitoringLine(entry_id=entry.id, position=line.position)
        for key in ("actual", "actual_text", "forecast", "likelihood", "cause", "analysis", "measures",
                    "needs_rectification"):
            setattr(row, key, getattr(line, key))
        s.add(row)
    s.flush()
    uow.audit(actor.username, "monitoring.submit" if submit else "monitoring.save", "monitoring_entry", entry.id,
              before, {"status": entry.status, "lines": len(form.lines)})
    uow.commit()
    return MONITORING


def set_key_monitoring(uow: UnitOfWork, actor: Actor, round_id: int, project_ids: list[int], on: bool = True) -> Changes:
    """Mark (or unmark) projects for key monitoring (重点监控) in a round."""
    uow.write()
    _require_bureau(actor)
    found = _get_round(uow, round_id)
    s = uow.session
    for pid in project_ids:
        entry = s.scalar(select(MonitoringEntry).where(MonitoringEntry.round_id == round_id,
                                                      MonitoringEntry.project_id == pid))
        if entry is None:
            project = s.get(Project, pid)
            if project is None or project.year != found.year:
                raise NotFound(f"项目（编号 {pid}）不在 {found.year} 年度。")
            entry = MonitoringEntry(round_id=round_id, project_id=pid, updated_by=actor.username)
            s.add(entry)
        entry.key_monitoring = on
    s.flush()
    uow.audit(actor.username, "monitoring.key", "monitoring_round", round_id, None,
              {"projects": sorted(project_ids), "key_monitoring": on})
    uow.commit()
    return ROWS


def create_action(uow: UnitOfWork, actor: Actor, project_id: int, round_id: int | None, kind: str,
                  description: str, due_date: date | None = None, today: date | None = None) -> Changes:
    """Raise a corrective-action request (纠偏) or a rectification item (整改) for a project."""
    uow.write()
    _require_bureau(actor)
    if kind not in ACTION_KINDS:
        raise ValidationError("事项类型只能是纠偏或整改。", "kind")
    if len(description.strip()) < 4:
        raise ValidationError("请写明要求单位做什么（至少 4 个字），例如“加快支付进度，9 月底前执行率达到 75%”。",
                              "description")
    if due_date is not None and due_date < (today or date.today()):
        raise ValidationError(f"完成期限 {formatting.screen_date(due_date)} 已经过去，请重新选择。", "due_date")
    project = uow.session.get(Project, project_id)
    if project is None:
        raise NotFound(f"项目（编号 {project_id}）不存在。")
    if round_id is not None:
        _get_round(uow, round_id)
    action = CorrectiveAction(project_id=project_id, round_id=round_id, kind=kind, description=description.strip(),
                              due_date=due_date, created_by=actor.username)
    uow.session.add(action)
    uow.session.flush()
    uow.audit(actor.username, "monitoring.action", "corrective_action", action.id, None,
              {"project_id": project_id, "kind": kind, "description": description.strip()})
    uow.commit()
    return Changes.of(Area.MONITORING_ROWS, Area.ACTIONS)


def list_actions(uow: UnitOfWork, actor: Actor, year: int) -> list[ActionRow]:
    rows = uow.session.execute(select(CorrectiveAction, Project.code, Project.name)
                               .join(Project, Project.id == CorrectiveAction.project_id)
                               .where(Project.year == year).order_by(CorrectiveAction.id))
    return [ActionRow(a.id, a.project_id, code, name, ACTION_KINDS[a.kind], a.description, a.due_date, a.status,
                      a.created_by, a.created_at) for a, code, name in rows]


def warnings(uow: UnitOfWork, actor: Actor, year: int, round_id: int | None = None, month: int | None = None,
             today: date | None = None, lights: tuple[str, ...] = ("red", "yellow")) -> list[GridRow]:
    """The round's (or month's) warnings: projects whose light is red or yellow, red first, then by amount.

    Given only a month, the newest round of that month (if any) supplies the indicator part."""
    if round_id is None and month is not None:
        round_id = uow.session.scalar(select(MonitoringRound.id).where(
            MonitoringRound.year == year, MonitoringRound.as_of_month == month).order_by(MonitoringRound.id.desc()))
    found = grid(uow, actor, year, round_id, month, today)
    rows = [r for r in found.rows if r.project_light in lights]
    rows.sort(key=lambda r: (rules.LIGHT_RANK[r.project_light], -r.adjusted_budget, r.project_code))
    return rows


def get_entry(uow: UnitOfWork, actor: Actor, round_id: int, project_id: int) -> EntryView:
    found = _get_round(uow, round_id)
    detail = project_monitoring(uow, actor, project_id, round_id)
    s = uow.session
    entry = s.scalar(select(MonitoringEntry).where(MonitoringEntry.round_id == round_id,
                                                  MonitoringEntry.project_id == project_id))
    saved = {} if entry is None else {line.position: line for line in s.scalars(
        select(MonitoringLine).where(MonitoringLine.entry_id == entry.id))}
    lines = tuple(LineInput(i.position, i.actual, i.actual_text, i.forecast, i.likelihood, i.cause, i.analysis,
                            i.measures, bool(saved[i.position].needs_rectification) if i.position in saved else False)
                  for i in detail.indicators)
    form = EntryInput(entry.budget_adjustment if entry else Decimal(0), entry.forecast_spent if entry else None,
                      entry.budget_cause if entry else None, entry.budget_analysis if entry else None,
                      entry.corrective_measures if entry else None, lines)
    return EntryView(found.id, found.name, found.status == RoundStatus.OPEN, entry.status if entry else None,
                     detail, form)
