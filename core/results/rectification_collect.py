"""Collecting rectification items (归集) from where the problems were found: goal reviews graded 中/差 (and goal
tables returned or rejected), monitoring rectification requests and indicators marked 需要整改, final
evaluations graded 中/差, and audit or inspection findings. Each source record gives at most one item
(keyed by source + source_ref), so collecting again only adds what is new."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from core.common.changes import Changes
from core.common.errors import ValidationError
from core.evaluation.common import KINDS as EVALUATION_KINDS
from core.org.rules.roles import Actor
from core.results.rectification import RECTIFICATION, deadline_days, new_uid, require_bureau
from core.results.rules import rectification as rules
from core.review.rules.outcome import GRADES as REVIEW_GRADES
from db.models import (
    AuditFinding,
    CorrectiveAction,
    Evaluation,
    GoalReview,
    GoalTable,
    GoalTableVersion,
    Indicator,
    MonitoringEntry,
    MonitoringLine,
    MonitoringRound,
    Project,
    RectificationItem,
)
from db.uow import UnitOfWork

COLLECTED_SOURCES = ("review", "monitoring", "evaluation", "audit")  # audit covers inspection findings too
# Goal reviews whose 88号 outcome sends the table back (中) or keeps it out of the budget (差).
REVIEW_OUTCOMES = ("returned", "rejected")
NAMED_INDICATORS = 3  # a requirement names this many lagging indicators, then says how many there are


@dataclass(frozen=True)
class Found:
    """A problem a source record shows, before it becomes an item."""

    source: str
    source_ref: str
    year: int
    unit_id: int
    project_id: int | None
    requirement: str
    deadline: date | None = None  # a deadline the source already set (a monitoring request's due date)


@dataclass(frozen=True)
class CollectResult:
    added: dict[str, int]  # source → items added
    existing: int  # source records already in the register
    changes: Changes = RECTIFICATION

    @property
    def total_added(self) -> int:
        return sum(self.added.values())


def _sentence(text: str | None) -> str:
    """Text to be followed by our own 。: without its closing punctuation."""
    return (text or "").strip().rstrip("。；;，,. ")


def _reviews(s: Session, year: int) -> Iterator[Found]:
    reviewed: set[int] = set()
    rows = s.execute(select(GoalReview, Project).join(GoalTable, GoalTable.id == GoalReview.goal_table_id)
                     .join(Project, Project.id == GoalTable.project_id)
                     .where(Project.year == year, GoalReview.status == "final",
                            GoalReview.outcome.in_(REVIEW_OUTCOMES)).order_by(GoalReview.id))
    for review, project in rows:
        reviewed.add(review.goal_table_id)
        grade = REVIEW_GRADES.get(review.grade or "")
        label = f"“{grade.label}”（{grade.outcome_label}）" if grade else "退回修改"
        opinion = _sentence(review.opinion) or "见审核意见书"
        yield Found("review", f"goal_review:{review.id}", year, project.unit_id, project.id,
                    f"绩效目标表（第 {review.version} 版）审核结论为{label}：{opinion}。"
                    "请按审核意见修改完善绩效目标表并重新报送。")
    tables = s.execute(select(GoalTable, Project).join(Project, Project.id == GoalTable.project_id)
                       .where(Project.year == year, GoalTable.status.in_(REVIEW_OUTCOMES)).order_by(GoalTable.id))
    for table, project in tables:
        if table.id not in reviewed:
            what = "被退回修改" if table.status == "returned" else "审核未通过"
            yield Found("review", f"goal_table:{table.id}", year, project.unit_id, project.id,
                        f"绩效目标表{what}。请按审核意见修改完善绩效目标表并重新报送。")


def _indicator_names(s: Session, project_ids: set[int]) -> dict[tuple[int, int], str]:
    current = and_(GoalTableVersion.goal_table_id == GoalTable.id, GoalTableVersion.version == GoalTable.current_version)
    rows = s.execute(select(GoalTable.project_id, Indicator.position, Indicator.name)
                     .join(GoalTableVersion, current).join(Indicator, Indicator.version_id == GoalTableVersion.id)
                     .where(GoalTable.project_id.in_(project_ids)))
    return {(pid, pos): name for pid, pos, name in rows}


def _monitoring(s: Session, year: int) -> Iterator[Found]:
    actions = s.execute(select(CorrectiveAction, Project).join(Project, Project.id == CorrectiveAction.project_id)
                        .where(Project.year == year, CorrectiveAction.kind == "rectification")
                        .order_by(CorrectiveAction.id))
    for action, project in actions:
        yield Found("monitoring", f"corrective_action:{action.id}", year, project.unit_id, project.id,
                    action.description, action.due_date)
    flagged: dict[int, list[MonitoringLine]] = defaultdict(list)
    entries: dict[int, tuple[MonitoringEntry, MonitoringRound, Project]] = {}
    rows = s.execute(select(MonitoringLine, MonitoringEntry, MonitoringRound, Project)
                     .join(MonitoringEntry, MonitoringEntry.id == MonitoringLine.entry_id)
                     .join(MonitoringRound, MonitoringRound.id == MonitoringEntry.round_id)
                     .join(Project, Project.id == MonitoringEntry.project_id)
                     .where(MonitoringRound.year == year, MonitoringEntry.status == "submitted",
                            MonitoringLine.needs_rectification.is_(True))
                     .order_by(MonitoringEntry.id, MonitoringLine.position))
    for line, entry, round_, project in rows:
        flagged[entry.id].append(line)
        entries[entry.id] = (entry, round_, project)
    names = _indicator_names(s, {p.id for _, _, p in entries.values()})
    for entry_id, lines in flagged.items():
        entry, round_, project = entries[entry_id]
        named = [f"“{names.get((project.id, line.position), f'第 {line.position} 条指标')}”" for line in lines]
        which = "、".join(named[:NAMED_INDICATORS]) + (f"等 {len(named)} 项指标" if len(named) > NAMED_INDICATORS else "")
        measures = next((m.strip() for m in [entry.corrective_measures, *(line.measures for line in lines)]
                         if m and m.strip()), "")
        text = f"{round_.name}监控中，指标{which}完成进度滞后，单位标记为需要整改。"
        yield Found("monitoring", f"monitoring_entry:{entry.id}", year, project.unit_id, project.id,
                    text + (f"请落实纠偏措施：{measures}" if measures else "请制定并落实纠偏整改措施。"))


def _evaluations(s: Session, year: int) -> Iterator[Found]:
    rows = s.execute(select(Evaluation).where(Evaluation.year == year, Evaluation.status == "final",
                                              Evaluation.grade.in_(rules.RECTIFY_GRADES)).order_by(Evaluation.id))
    for e in rows.scalars():
        kind = EVALUATION_KINDS.get(e.kind, "绩效评价")
        score = f"得分 {e.score}，" if e.score is not None else ""
        yield Found("evaluation", f"evaluation:{e.id}", year, e.unit_id, e.project_id,
                    f"{kind}“{e.title}”{score}评价等级为“{e.grade}”。请针对评价发现的问题制定整改方案，"
                    "落实整改并报送整改情况。")


def _audits(s: Session, year: int) -> Iterator[Found]:
    for f in s.scalars(select(AuditFinding).where(AuditFinding.year == year).order_by(AuditFinding.id)):
        source = f.source if f.source in ("audit", "inspection") else "audit"
        where = f"（{f.reference}）" if f.reference else ""
        yield Found(source, f"audit_finding:{f.id}", year, f.unit_id, None,
                    f"{rules.SOURCES[source]}发现问题{where}：{_sentence(f.description)}。请整改并报送整改情况。")


FINDERS: dict[str, Callable[[Session, int], Iterator[Found]]] = {
    "review": _reviews, "monitoring": _monitoring, "evaluation": _evaluations, "audit": _audits}


def scan(s: Session, year: int, sources: tuple[str, ...] = COLLECTED_SOURCES) -> tuple[list[Found], int]:
    """What collecting would add (source records of the year not yet in the register) and how many source
    records are already there."""
    unknown = set(sources) - set(FINDERS)
    if unknown:
        raise ValidationError(f"归集来源“{'、'.join(sorted(unknown))}”无法识别，应为审核、监控、评价或审计。", "sources")
    have = {(source, ref) for source, ref in s.execute(
        select(RectificationItem.source, RectificationItem.source_ref).where(RectificationItem.source_ref.is_not(None)))}
    found: list[Found] = []
    existing = 0
    for name in sources:
        for f in FINDERS[name](s, year):
            if (f.source, f.source_ref) in have:
                existing += 1
                continue
            have.add((f.source, f.source_ref))
            found.append(f)
    return found, existing


def add_found(s: Session, found: list[Found], issued: date, days: int, created_by: str,
              uid: Callable[[], str] = new_uid) -> Counter[str]:
    """Items for the problems found, issued on `issued` with the source's own deadline (when not before the
    issue date) or `days` after it; returns the count per source. No audit entry: the caller writes it."""
    added: Counter[str] = Counter()
    for f in found:
        own = f.deadline is not None and f.deadline >= issued
        deadline = f.deadline if own and f.deadline is not None else rules.default_deadline(issued, days)
        s.add(RectificationItem(uid=uid(), year=f.year, unit_id=f.unit_id, project_id=f.project_id, source=f.source,
                                source_ref=f.source_ref, requirement=f.requirement, issued_on=issued,
                                deadline=deadline, status="pending", created_by=created_by))
        added[f.source] += 1
    s.flush()
    return added


def collect(uow: UnitOfWork, actor: Actor, year: int, issued_on: date | None = None,
            sources: tuple[str, ...] = COLLECTED_SOURCES) -> CollectResult:
    """Add an item for every new problem of the year, issued on `issued_on` (today) with the source's own
    deadline or the default one (rectification.deadline_days after issue); idempotent."""
    uow.write()
    require_bureau(actor)
    s = uow.session
    issued = issued_on or date.today()
    found, existing = scan(s, year, sources)
    added = add_found(s, found, issued, deadline_days(s), actor.username)
    uow.audit(actor.username, "rectification.collect", "rectification_item", None, None,
              {"year": year, "issued_on": issued, "sources": list(sources), "added": dict(added),
               "existing": existing})
    uow.commit()
    return CollectResult(dict(added), existing)
