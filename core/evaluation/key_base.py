"""What the key-evaluation services share: loading a key evaluation with the actor's rights, its framework
snapshot, its panel and scores, the score checks (0 to the item's points, two decimals) and the detail record
(subject, framework, panel, per-item aggregation, texts, score and grade) that the wizard and the report read."""

from __future__ import annotations

import json
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.common.changes import Area, Changes
from core.common.errors import NotFound, ValidationError
from core.evaluation.common import (
    framework_items,
    grade_thresholds,
    thresholds_from_json,
)
from core.evaluation.key_dto import AggregateRow, KeyEvaluationDetail, PanelEntry
from core.evaluation.rules.scoring import FrameworkItem, aggregate_item, grade, q
from core.org.access import require
from core.org.lookups import departments
from core.org.rules.roles import Actor, Permission
from db.codes import DraftStatus
from db.models import Agency, Evaluation, ExecutionRecord, Expert, ExpertScore, PanelMember, Project, Unit
from db.uow import UnitOfWork

EVALUATION = Changes.of(Area.EVALUATION)
# The texts of the report's parts that are written, not computed (DOMAIN.md §4 outline, parts 一, 五, 六, 七).
TEXT_PARTS = {"overview": "项目概况", "experience": "主要经验及做法", "findings": "存在的问题",
              "causes": "原因分析", "recommendations": "有关建议", "other": "其他需要说明的问题"}
REQUIRED_TEXTS = ("findings", "recommendations")
MAX_TEXT = 20_000


def load(uow: UnitOfWork, actor: Actor, evaluation_id: int) -> Evaluation:
    """The key evaluation for anyone who may see every unit (the bureau's roles)."""
    require(actor, Permission.VIEW_ALL_UNITS)
    ev = uow.session.get(Evaluation, evaluation_id)
    if ev is None or ev.kind != "key":
        raise NotFound(f"重点评价（编号 {evaluation_id}）不存在。")
    return ev


def require_draft(ev: Evaluation) -> None:
    if ev.status != DraftStatus.DRAFT:
        raise ValidationError(f"重点评价“{ev.title}”已定稿，不能再修改。", "status")


def items_of(ev: Evaluation) -> list[FrameworkItem]:
    return framework_items(json.loads(ev.framework_json or "{}").get("items", []))


def framework_snapshot(name: str, items: Sequence[FrameworkItem], warnings: Sequence[str]) -> str:
    return json.dumps({"template": name, "warnings": list(warnings), "items": [
        {"key": i.key, "level1": i.level1, "level2": i.level2, "name": i.name, "weight": str(i.weight),
         "standard": i.standard} for i in items]}, ensure_ascii=False)


def data_of(ev: Evaluation) -> dict[str, Any]:
    """The wizard's other answers; the report texts are stored under their TEXT_PARTS keys."""
    data: dict[str, Any] = json.loads(ev.data_json or "{}")
    return data


def parse_score(value: object, item: FrameworkItem, who: str) -> Decimal:
    """A score as typed or read: a number from 0 to the item's points with at most two decimals."""
    where = f"专家“{who}”对“{item.name}”的评分"
    if isinstance(value, bool):
        raise ValidationError(f"{where}“{value}”不是数字。", "score")
    try:
        score = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise ValidationError(f"{where}“{value}”不是数字，请只填写分数（如 3.5）。", "score") from exc
    if not score.is_finite():
        raise ValidationError(f"{where}“{value}”不是数字。", "score")
    if not 0 <= score <= item.weight:
        raise ValidationError(f"{where} {score} 超出 0 至 {item.weight} 分（该指标分值 {item.weight} 分）。", "score")
    if score != score.quantize(Decimal("0.01")):
        raise ValidationError(f"{where} {score} 最多保留两位小数。", "score")
    return q(score)


def department_of(session: Session, unit_id: int) -> tuple[int, str]:
    return departments(session).get(unit_id, (unit_id, ""))


def panel_of(session: Session, evaluation_id: int) -> list[tuple[PanelMember, Expert]]:
    """The panel, the lead first, then in the order the experts were added."""
    stmt = (select(PanelMember, Expert).join(Expert, Expert.id == PanelMember.expert_id)
            .where(PanelMember.evaluation_id == evaluation_id).order_by(PanelMember.role != "lead", PanelMember.id))
    return [(m, e) for m, e in session.execute(stmt)]


def scores_of(session: Session, evaluation_id: int) -> dict[int, dict[str, ExpertScore]]:
    """Expert id → item key → the stored score."""
    out: dict[int, dict[str, ExpertScore]] = {}
    for s in session.scalars(select(ExpertScore).where(ExpertScore.evaluation_id == evaluation_id)):
        out.setdefault(s.expert_id, {})[s.item_key] = s
    return out


def project_money(session: Session, project: Project) -> tuple[Decimal, Decimal]:
    """The project's budget and what was paid out in its year (万元)."""
    spent = session.scalar(select(func.sum(ExecutionRecord.amount)).where(
        ExecutionRecord.project_id == project.id, ExecutionRecord.year == project.year))
    return project.total_amount, Decimal(spent or 0)


def _dropped(scores: list[Decimal]) -> tuple[int, ...]:
    """Positions of the one lowest and one highest score that the mean leaves out (≥ 5 experts)."""
    if len(scores) < 5:
        return ()
    low = scores.index(min(scores))
    high = max((i for i in range(len(scores)) if i != low), key=lambda i: scores[i])
    return tuple(sorted((low, high)))


def aggregate(items: Sequence[FrameworkItem], experts: Sequence[int],
              scores: dict[int, dict[str, ExpertScore]]) -> list[AggregateRow]:
    """Per item, the panel's scores in panel order with mean, spread and outliers of those given so far."""
    rows = []
    for item in items:
        given = [scores.get(e, {}).get(item.key) for e in experts]
        values = [s.score for s in given if s is not None]
        complete = bool(experts) and len(values) == len(experts)
        if not values:
            rows.append(AggregateRow(item, tuple(None for _ in experts), (), (), None, None, False))
            continue
        agg = aggregate_item(item.key, values, item.weight)
        positions = [i for i, s in enumerate(given) if s is not None]  # value index → panel position
        rows.append(AggregateRow(item, tuple(s.score if s is not None else None for s in given),
                                 tuple(positions[i] for i in _dropped(values)),
                                 tuple(positions[i] for i in agg.outliers), agg.mean, agg.spread, complete))
    return rows


def missing_steps(ev: Evaluation, panel: Sequence[PanelEntry], items: Sequence[FrameworkItem],
                  texts: dict[str, str]) -> list[str]:
    """Why the evaluation cannot be finalised yet, in the wizard's order (empty: it can)."""
    out = []
    if not panel:
        out.append("评价组还没有专家。")
    for p in panel:
        if p.scored < len(items):
            out.append(f"专家“{p.name}”还有 {len(items) - p.scored} 项指标未评分。")
    for key in REQUIRED_TEXTS:
        if not texts.get(key, "").strip():
            out.append(f"还没有填写“{TEXT_PARTS[key]}”。")
    return out


def build_detail(uow: UnitOfWork, ev: Evaluation) -> KeyEvaluationDetail:
    s = uow.session
    items = items_of(ev)
    snapshot = json.loads(ev.framework_json or "{}")
    members = panel_of(s, ev.id)
    scores = scores_of(s, ev.id)
    keys = {i.key for i in items}
    panel = tuple(PanelEntry(e.id, e.name, e.employer or "", e.title or "", m.role,
                             sum(1 for k in scores.get(e.id, {}) if k in keys)) for m, e in members)
    rows = aggregate(items, [p.expert_id for p in panel], scores)
    data = data_of(ev)
    texts = {k: str(data.get(k) or "") for k in TEXT_PARTS}
    unit = s.get(Unit, ev.unit_id)
    project = s.get(Project, ev.project_id) if ev.project_id is not None else None
    subject = project.name if project else unit.name if unit and ev.subject_kind == "department" else ev.title
    agency = s.get(Agency, ev.agency_id) if ev.agency_id is not None else None
    thresholds = thresholds_from_json(ev.grades_json) if ev.grades_json else grade_thresholds(s)
    score, label = ev.score, ev.grade
    if ev.status == DraftStatus.DRAFT and rows and all(r.complete for r in rows):
        score = q(sum((r.mean or Decimal(0) for r in rows), Decimal(0)))
        label = grade(score, thresholds)
    return KeyEvaluationDetail(
        id=ev.id, year=ev.year, status=ev.status, subject_kind=ev.subject_kind, subject=subject, title=ev.title,
        project_id=ev.project_id, project_code=project.code if project else None, unit_id=ev.unit_id,
        unit_name=unit.name if unit else "", department_name=department_of(s, ev.unit_id)[1], budget=ev.budget,
        executed=ev.executed, template_name=str(snapshot.get("template", "")), items=tuple(items),
        warnings=tuple(snapshot.get("warnings", [])), panel=panel, agency_id=ev.agency_id,
        agency_name=agency.name if agency else None, agency_qualification=agency.qualification if agency else None,
        agency_rating=ev.agency_rating, texts=texts, rows=tuple(rows), score=score, grade=label, grades=thresholds,
        missing=tuple(missing_steps(ev, panel, items, texts)) if ev.status == DraftStatus.DRAFT else (),
        created_by=ev.created_by, updated_at=ev.updated_at, finalised_at=ev.finalised_at)
