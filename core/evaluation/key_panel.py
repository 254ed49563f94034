"""The panel of a key evaluation and its experts' scores: candidates from the expert library with their
workload and conflicts of interest (an expert working in the evaluated department, or one of its budget units,
is refused), the third-party agency, and each expert's score per framework item (0 to the item's points; an
expert scores an item once, unless the form that shows the scores explicitly replaces them)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

from sqlalchemy import delete, select

from core.common.changes import Area, Changes
from core.common.errors import NotFound, ValidationError
from core.common.labels import PANEL_ROLES
from core.evaluation.common import require_evaluator
from core.evaluation.experts import split_fields
from core.evaluation.key_base import (
    EVALUATION,
    items_of,
    load,
    panel_of,
    parse_score,
    require_draft,
    scores_of,
)
from core.evaluation.key_dto import Candidate
from core.org.lookups import departments
from core.org.rules.roles import Actor
from db.models import Agency, Evaluation, Expert, ExpertScore, PanelMember, Unit, utcnow
from db.uow import UnitOfWork

CHANGES = EVALUATION | Changes.of(Area.EXPERTS)  # the experts' workload changes with the panel


def conflict_of(session_units: dict[int, tuple[int, str]], unit_names: dict[int, str], ev: Evaluation,
                expert: Expert) -> str | None:
    """Why `expert` may not judge `ev`: the expert works in the evaluated unit's department (or the unit)."""
    if expert.unit_id is None:
        return None
    evaluated, department = session_units.get(ev.unit_id, (ev.unit_id, ""))
    if session_units.get(expert.unit_id, (expert.unit_id, ""))[0] != evaluated:
        return None
    return (f"专家“{expert.name}”任职于“{unit_names.get(expert.unit_id, '')}”，属于被评价的“{department}”，"
            "按回避规定不能进入本次评价组。")


def panel_candidates(uow: UnitOfWork, actor: Actor, evaluation_id: int, field: str = "") -> list[Candidate]:
    """Active experts (and the panel's current ones), the panel first in its order; `field` filters the others by
    field of expertise."""
    ev = load(uow, actor, evaluation_id)
    s = uow.session
    on_panel = {m.expert_id: m.role for m, _e in panel_of(s, ev.id)}
    workload = Counter(s.scalars(select(PanelMember.expert_id).join(Evaluation, Evaluation.id == PanelMember.evaluation_id)
                                 .where(Evaluation.year == ev.year)))
    deps = departments(s)
    names = dict(s.execute(select(Unit.id, Unit.name)).all())
    wanted = field.strip()
    rows = []
    for e in s.scalars(select(Expert).order_by(Expert.name, Expert.id)):
        fields = split_fields(e.fields or "")
        if not (e.active or e.id in on_panel) or (wanted and not any(wanted in f for f in fields)
                                                 and e.id not in on_panel):
            continue
        rows.append(Candidate(e.id, e.name, e.employer or "", e.title or "", "、".join(fields), workload[e.id],
                              conflict_of(deps, names, ev, e), on_panel.get(e.id)))
    order = {expert_id: n for n, expert_id in enumerate(on_panel)}  # the panel as ordered, then the rest by name
    rows.sort(key=lambda c: order.get(c.expert_id, len(order)))
    return rows


def _check_members(uow: UnitOfWork, ev: Evaluation, members: Sequence[tuple[int, str]],
                   current: set[int]) -> None:
    if not members:
        raise ValidationError("评价组至少需要一名专家。", "panel")
    ids = [m for m, _r in members]
    if len(set(ids)) != len(ids):
        raise ValidationError("同一位专家在评价组中出现了两次。", "panel")
    if sum(1 for _m, r in members if r == "lead") > 1:
        raise ValidationError("评价组只能有一名组长。", "panel")
    deps = departments(uow.session)
    names = dict(uow.session.execute(select(Unit.id, Unit.name)).all())
    for expert_id, role in members:
        if role not in PANEL_ROLES:
            raise ValidationError(f"评价组职务“{role}”无效，应为组长或成员。", "panel")
        expert = uow.session.get(Expert, expert_id)
        if expert is None:
            raise NotFound(f"专家（编号 {expert_id}）不存在。")
        if not expert.active and expert_id not in current:
            raise ValidationError(f"专家“{expert.name}”已停用，不能进入评价组。", "panel")
        conflict = conflict_of(deps, names, ev, expert)
        if conflict:
            raise ValidationError(conflict, "panel")


def set_panel(uow: UnitOfWork, actor: Actor, evaluation_id: int, members: Sequence[tuple[int, str]],
              agency_id: int | None, drop_scores: bool = False) -> Changes:
    """Set the panel as (expert id, lead | member) and the agency (None: the bureau's own panel).

    Taking an expert who has already scored off the panel deletes those scores, so it needs `drop_scores`."""
    uow.write()
    require_evaluator(actor)
    ev = load(uow, actor, evaluation_id)
    require_draft(ev)
    s = uow.session
    current = {m.expert_id: (m, e) for m, e in panel_of(s, ev.id)}
    _check_members(uow, ev, members, set(current))
    if agency_id is not None and agency_id != ev.agency_id:
        agency = s.get(Agency, agency_id)
        if agency is None:
            raise NotFound(f"第三方机构（编号 {agency_id}）不存在。")
        if not agency.active:
            raise ValidationError(f"第三方机构“{agency.name}”已停用，不能承担评价。", "agency")
    wanted = dict(members)
    scored = scores_of(s, ev.id)
    leaving = [(e, len(scored.get(eid, {}))) for eid, (_m, e) in current.items() if eid not in wanted]
    with_scores = [(e, n) for e, n in leaving if n]
    if with_scores and not drop_scores:
        e, n = with_scores[0]
        raise ValidationError(f"专家“{e.name}”已录入 {n} 项评分，移出评价组将删除这些评分；请确认后再保存。",
                              "drop_scores")
    before = {"panel": {str(eid): m.role for eid, (m, _e) in current.items()}, "agency_id": ev.agency_id}
    for e, _n in leaving:
        s.execute(delete(ExpertScore).where(ExpertScore.evaluation_id == ev.id, ExpertScore.expert_id == e.id))
        s.delete(current[e.id][0])
    for expert_id, role in members:
        if expert_id in current:
            current[expert_id][0].role = role
        else:
            s.add(PanelMember(evaluation_id=ev.id, expert_id=expert_id, role=role))
    ev.agency_id = agency_id
    if agency_id is None:
        ev.agency_rating = None
    ev.updated_at = utcnow()
    s.flush()
    uow.audit(actor.username, "evaluation.panel", "evaluation", ev.id, before,
              {"panel": {str(eid): role for eid, role in members}, "agency_id": agency_id,
               "scores_dropped": [e.name for e, n in leaving if n]})
    uow.commit()
    return CHANGES


def apply_scores(uow: UnitOfWork, actor: Actor, ev: Evaluation, expert_id: int, scores: Mapping[str, object],
                 comments: Mapping[str, str], replace: bool) -> None:
    """Check and store one expert's scores inside the caller's transaction (the caller commits)."""
    s = uow.session
    expert = next((e for _m, e in panel_of(s, ev.id) if e.id == expert_id), None)
    if expert is None:
        known = s.get(Expert, expert_id)
        raise ValidationError(f"专家“{known.name if known else expert_id}”不在本次评价的评价组中，不能录入评分。",
                              "expert")
    items = {i.key: i for i in items_of(ev)}
    existing = scores_of(s, ev.id).get(expert_id, {})
    parsed = {}
    for key, value in scores.items():
        if key not in items:
            raise ValidationError(f"评价指标“{key}”不在本次评价的指标体系中。", "score")
        empty = value is None or (isinstance(value, str) and not value.strip())
        parsed[key] = None if empty else parse_score(value, items[key], expert.name)
        if not replace and key in existing and parsed[key] is not None:
            raise ValidationError(
                f"专家“{expert.name}”已对“{items[key].name}”评过分（{existing[key].score} 分）；同一专家对同一指标"
                "只能评分一次。如需更正，请在评分表格中修改后保存。", "replace")
    before = {k: str(existing[k].score) for k in parsed if k in existing}
    for key, score in parsed.items():
        row = existing.get(key)
        comment = (comments.get(key) or "").strip() or None
        if score is None:
            if row is not None and replace:
                s.delete(row)
            continue
        if row is None:
            s.add(ExpertScore(evaluation_id=ev.id, expert_id=expert_id, item_key=key, score=score, comment=comment,
                              entered_by=actor.username))
        else:
            row.score, row.entered_by, row.entered_at = score, actor.username, utcnow()
            if key in comments:
                row.comment = comment
    ev.updated_at = utcnow()
    s.flush()
    uow.audit(actor.username, "evaluation.scores", "evaluation", ev.id, {"expert_id": expert_id, "scores": before},
              {"expert_id": expert_id, "scores": {k: str(v) if v is not None else None for k, v in parsed.items()},
               "replace": replace})


def enter_scores(uow: UnitOfWork, actor: Actor, evaluation_id: int, expert_id: int, scores: Mapping[str, object],
                 comments: Mapping[str, str] | None = None, replace: bool = False) -> Changes:
    """One expert's scores, item key → score (an empty value is skipped, or cleared when replacing).

    Scoring an item the expert has already scored is refused (field "replace") unless `replace`: the form
    shows the stored scores and saves them back as corrected."""
    uow.write()
    require_evaluator(actor)
    ev = load(uow, actor, evaluation_id)
    require_draft(ev)
    apply_scores(uow, actor, ev, expert_id, scores, comments or {}, replace)
    uow.commit()
    return EVALUATION


def enter_panel_scores(uow: UnitOfWork, actor: Actor, evaluation_id: int,
                       by_expert: Mapping[int, Mapping[str, object]]) -> Changes:
    """The score grid saved as shown: every expert's scores in one transaction, replacing the stored ones."""
    uow.write()
    require_evaluator(actor)
    ev = load(uow, actor, evaluation_id)
    require_draft(ev)
    for expert_id, scores in by_expert.items():
        apply_scores(uow, actor, ev, expert_id, scores, {}, replace=True)
    uow.commit()
    return EVALUATION
