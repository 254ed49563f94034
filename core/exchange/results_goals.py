"""The goal part of the results package (bureau → unit): 审核结论 (each goal table's newest decided review) and
批复目标 (the approved tables' indicators). On the hub, the rows; on the unit, each project new / changed /
unchanged / conflicting with located problems, and the writing: the review decision and the table's status, and
the approved indicators as the table's current (frozen) version.

Conflicting means the unit changed the table here after the bureau decided (e.g. resubmitted it): the decision is
left alone, a person decides. Times compare the bureau's 审核时间 with the table's last change here.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.common import formatting
from core.common.labels import INDICATOR_KINDS
from core.exchange import package as xpk
from core.exchange import projects as xpj
from core.exchange.package import RowChange
from core.exchange.rules.results_sheets import (
    APPROVED,
    APPROVED_SHEET,
    GRADE_BY_LABEL,
    REVIEW_SHEET,
    REVIEWS,
    STATUS_BY_LABEL,
    approved_row_id,
    format_moment,
    parse_moment,
)
from core.exchange.workbook import Problem, ReadPackage
from core.goals.rules.goal_table import (
    ContentError,
    GoalContent,
    IndicatorRow,
    status_label,
    validate_content,
)
from core.goals.rules.indicator_kind import read_kind
from core.goals.rules.notation import IndicatorValue
from core.goals.service import new_version, version_content, version_of, write_indicators
from core.org.rules.roles import Actor
from core.review.rules.outcome import DIMENSION_KEYS, GRADES
from db.models import GoalReview, GoalTable, Project, User
from db.uow import UnitOfWork

DECISION_KEYS = ("grade", *DIMENSION_KEYS, "opinion", "reviewer", "decided_at")


# --- export ------------------------------------------------------------------------------------------------


def goal_result_rows(s: Session, year: int, unit_ids: list[int]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The 审核结论 rows (tables with a decided review) and 批复目标 rows (approved tables) of the units' projects."""
    tables = s.execute(select(Project, GoalTable).join(GoalTable, GoalTable.project_id == Project.id)
                       .where(Project.year == year, Project.unit_id.in_(unit_ids)).order_by(Project.code)).all()
    latest: dict[int, GoalReview] = {}
    for review in s.scalars(select(GoalReview).where(
            GoalReview.goal_table_id.in_([t.id for _, t in tables]), GoalReview.status == "final",
            GoalReview.decided_at.is_not(None)).order_by(GoalReview.version)):
        if review.grade in GRADES:
            latest[review.goal_table_id] = review
    names = dict(s.execute(select(User.username, User.display_name)).all())
    reviews, approved = [], []
    for project, table in tables:
        newest = latest.get(table.id)
        if newest is not None:
            grade = GRADES[str(newest.grade)]
            reviews.append({"row_id": project.code, "version": newest.version, "deleted": False,
                            "project_code": project.code, "project_name": project.name, "grade": grade.label,
                            "outcome": grade.outcome_label, "status": status_label(table.status),
                            **{k: (getattr(review, k) or "").strip() or None for k in DIMENSION_KEYS},
                            "opinion": (newest.opinion or "").strip() or None,
                            "reviewer": names.get(newest.reviewed_by, newest.reviewed_by),
                            "decided_at": format_moment(newest.decided_at)})
        if table.status != "approved":
            continue
        content = version_content(version_of(table, table.current_version))
        for n, row in enumerate(content.indicators, 1):
            value = IndicatorValue(row.comparator, row.target, row.target_text, row.unit_of_measure)
            approved.append({"row_id": approved_row_id(project.code, n), "version": table.current_version,
                             "deleted": False, "project_code": project.code, "project_name": project.name,
                             "level1": row.level1, "level2": row.level2, "name": row.name, "value": value,
                             "kind": INDICATOR_KINDS.get(row.kind or ""), "weight": row.weight, "scoring_standard": row.scoring_standard, "note": row.note})
    return reviews, approved


# --- analysis ----------------------------------------------------------------------------------------------


@dataclass
class GoalPlan:
    """What applying writes, by project code: the project id with the decision, or with the approved indicators
    and the bureau's time of the decision."""

    decisions: dict[str, tuple[int, dict[str, Any]]] = field(default_factory=dict)
    approved: dict[str, tuple[int, tuple[IndicatorRow, ...], datetime]] = field(default_factory=dict)


def _latest(s: Session, table_id: int) -> GoalReview | None:
    return s.scalar(select(GoalReview).where(GoalReview.goal_table_id == table_id, GoalReview.status == "final",
                                             GoalReview.decided_at.is_not(None))
                    .order_by(GoalReview.version.desc()).limit(1))


def _decision_of(review: GoalReview | None) -> dict[str, Any] | None:
    if review is None or review.grade not in GRADES:
        return None
    return {"grade": review.grade, **{k: (getattr(review, k) or "").strip() or None for k in DIMENSION_KEYS},
            "opinion": (review.opinion or "").strip() or None, "reviewer": review.reviewed_by,
            "decided_at": review.decided_at}


def _parse_reviews(read: ReadPackage, problems: list[Problem]) -> dict[str, tuple[int, dict[str, Any]]]:
    rows, _ = xpj.rows_by_project(read, REVIEW_SHEET, problems, "审核结论")
    parsed: dict[str, tuple[int, dict[str, Any]]] = {}
    for code, (line, values) in rows.items():
        try:
            decided = parse_moment(values["decided_at"])
        except ValueError as exc:
            problems.append(xpk.located(REVIEW_SHEET, line, "decided_at", f"“审核时间”{exc}"))
            continue
        decision = {"grade": GRADE_BY_LABEL[values["grade"]], **{k: values[k] for k in DIMENSION_KEYS},
                    "opinion": values["opinion"], "reviewer": values["reviewer"] or "财政局", "decided_at": decided,
                    "status": STATUS_BY_LABEL[values["status"]]}
        parsed[code] = (line, decision)
    return parsed


def _parse_approved(read: ReadPackage, problems: list[Problem]) -> dict[str, list[tuple[int, IndicatorRow]]]:
    bad = {p.row for p in problems if p.sheet == APPROVED_SHEET.title}
    sheet = read.sheets[APPROVED]
    parsed: defaultdict[str, list[tuple[int, IndicatorRow]]] = defaultdict(list)
    skipped: set[str] = set()
    for values, line in zip(sheet.rows, sheet.lines, strict=True):
        code = values["project_code"]  # every column's key is there, None when the cell is empty or bad
        if line in bad:
            skipped.add(code)  # a project with a bad indicator row is not compared: its problem is reported
            continue
        if values["deleted"]:
            continue
        v = values["value"]
        parsed[code].append((line, read_kind(IndicatorRow(
            values["level1"], values["level2"], values["name"], v.comparator, v.target, v.target_text,
            v.unit_of_measure, values["weight"], values["scoring_standard"], values["note"]), values["kind"])))
    return {code: rows for code, rows in parsed.items() if code not in skipped}


def _review_change(code: str, name: str, line: int, table: GoalTable | None, mine: dict[str, Any] | None,
                   theirs: dict[str, Any]) -> RowChange:
    def change(status: str, reason: str = "") -> RowChange:
        return RowChange(code, name, status, REVIEW_SHEET.title, line, reason)

    if table is None:
        return change("conflicting", "本机没有该项目的绩效目标表，审核结论未写入，请与财政局核对。")
    decided = theirs["decided_at"]
    same = mine is not None and all(mine[k] == theirs[k] for k in DECISION_KEYS)
    moved_on = table.updated_at > decided
    if same and (table.status == theirs["status"] or moved_on):
        return change("unchanged")
    if moved_on:
        return change("conflicting", f"本机在财政局审核（{formatting.screen_time(decided)}）之后修改过该表"
                                     f"（{formatting.screen_time(table.updated_at)}），请人工核对。")
    return change("new" if mine is None else "changed")


def analyse_goals(uow: UnitOfWork, read: ReadPackage, problems: list[Problem], plan: GoalPlan) -> list[RowChange]:
    """Each project's decision and approved indicators compared with this installation's; fills `plan`."""
    manifest = read.manifest
    assert manifest is not None  # the results analysis checks it
    s = uow.session
    reviews, approved = _parse_reviews(read, problems), _parse_approved(read, problems)
    projects = xpj.projects_by_code(s, manifest.year, set(reviews) | set(approved))
    changes = []
    for sheet, key, code, line in [*((REVIEW_SHEET, REVIEWS, c, r[0]) for c, r in reviews.items()),
                                   *((APPROVED_SHEET, APPROVED, c, r[0][0]) for c, r in approved.items())]:
        problem = xpj.project_problem(sheet, line, "project_code", code, projects.get(code), manifest)
        if problem is not None:
            problems.append(problem)
            continue
        found = projects[code]
        table = s.scalar(select(GoalTable).where(GoalTable.project_id == found.id))
        if key == REVIEWS:
            theirs = reviews[code][1]
            change = _review_change(code, found.name, line, table, _decision_of(_latest(s, table.id)) if table else None,
                                    theirs)
            if change.status in ("new", "changed"):
                plan.decisions[code] = (found.id, theirs)
            changes.append(change)
            continue
        rows = tuple(r for _, r in approved[code])
        approving = table is not None and (table.status == "approved" or (
            code in plan.decisions and plan.decisions[code][1]["status"] == "approved"))
        approved_change = _approved_change(code, found.name, line, table, rows, reviews.get(code), approving, problems)
        if approved_change is not None:
            if approved_change.status == "changed" and table is not None:
                decided = reviews[code][1]["decided_at"] if code in reviews else table.updated_at
                plan.approved[code] = (found.id, rows, decided)
            changes.append(approved_change)
    return changes


def _approved_change(code: str, name: str, line: int, table: GoalTable | None, rows: tuple[IndicatorRow, ...],
                     review: tuple[int, dict[str, Any]] | None, approving: bool,
                     problems: list[Problem]) -> RowChange | None:
    """The approved indicators' status; None with a located problem when they break the goal-table rules. They
    are written only to a table that is approved here, or becomes so by this package's decision."""
    if table is None:
        return RowChange(code, name, "conflicting", APPROVED_SHEET.title, line,
                         "本机没有该项目的绩效目标表，批复目标未写入，请与财政局核对。")
    mine = version_content(version_of(table, table.current_version))
    if mine.indicators == rows:
        return RowChange(code, name, "unchanged", APPROVED_SHEET.title, line)
    if not approving:
        return RowChange(code, name, "conflicting", APPROVED_SHEET.title, line,
                         f"本机目标表状态为“{status_label(table.status)}”，审核结论尚未写入，批复目标未写入，请人工核对。")
    decided = review[1]["decided_at"] if review is not None else None
    if decided is not None and table.updated_at > decided:
        return RowChange(code, name, "conflicting", APPROVED_SHEET.title, line,
                         "本机在财政局批复之后修改过该表，批复目标未写入，请人工核对。")
    try:
        validate_content(GoalContent(mine.overview, mine.basis, mine.schedule, mine.long_term_goal, mine.annual_goal,
                                     rows))
    except ContentError as exc:
        problems.append(xpk.located(APPROVED_SHEET, line, "name", f"项目“{code}”：{exc}"))
        return None
    return RowChange(code, name, "changed", APPROVED_SHEET.title, line)


# --- writing -----------------------------------------------------------------------------------------------


def write_goals(uow: UnitOfWork, actor: Actor, plan: GoalPlan) -> list[str]:
    """The approved indicators as the current frozen version, then each decision on that version; the codes."""
    s, written = uow.session, []
    for code, (project_id, rows, decided) in plan.approved.items():
        table = s.scalar(select(GoalTable).where(GoalTable.project_id == project_id))
        assert table is not None  # the analysis found it
        current = version_of(table, table.current_version)
        before = len(current.indicators)
        if current.submitted_at is not None:
            current = new_version(uow, actor, table, "财政局批复")
        mine = version_content(current)
        write_indicators(uow, current, GoalContent(mine.overview, mine.basis, mine.schedule, mine.long_term_goal,
                                                   mine.annual_goal, rows))
        current.submitted_at = current.submitted_at or decided
        table.updated_at = max(table.updated_at, decided)
        uow.audit(actor.username, "goal_table.exchange_approved", "goal_table", table.id,
                  {"indicators": before}, {"version": current.version, "indicators": len(rows)})
        written.append(f"{APPROVED_SHEET.title}:{code}")
    for code, (project_id, decision) in plan.decisions.items():
        decided = decision["decided_at"]
        table = s.scalar(select(GoalTable).where(GoalTable.project_id == project_id))
        assert table is not None
        review = s.scalar(select(GoalReview).where(GoalReview.goal_table_id == table.id,
                                                   GoalReview.version == table.current_version))
        if review is None:
            review = GoalReview(goal_table_id=table.id, version=table.current_version, findings_json="[]")
            s.add(review)
        grade = GRADES[decision["grade"]]
        review.status, review.grade, review.outcome = "final", grade.code, grade.outcome
        for key in DIMENSION_KEYS:
            setattr(review, key, decision[key])
        review.opinion, review.reviewed_by = decision["opinion"], decision["reviewer"]
        review.reviewed_at = review.decided_at = decided
        decided_version = version_of(table, table.current_version)
        decided_version.submitted_at = decided_version.submitted_at or decided  # a decided version is frozen
        status_before = table.status
        table.status, table.updated_at = decision["status"], max(table.updated_at, decided)
        s.flush()
        uow.audit(actor.username, "goal_review.exchange_import", "goal_table", table.id, {"status": status_before},
                  {"status": table.status, "version": table.current_version, "grade": grade.code})
        written.append(f"{REVIEW_SHEET.title}:{code}")
    return written
