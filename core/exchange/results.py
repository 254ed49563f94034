"""The results package (结果反馈包, kind "results", bureau → one unit): on the hub, export a unit's review decisions,
approved goals, monitoring warnings, evaluation results, rectification items and notices and the reference-data
updates as a signed workbook (one unit; "全部单位" through core.exchange.kinds with `units_with_results`);
on the unit's spoke, the kind's analysis (every row new / changed / unchanged / conflicting, every problem
located) and writing for the generic pipeline of core.exchange.package, which refuses a package for
another unit, an older one or a bad signature and makes the same package twice a no-op.

The parts live in exchange_results_goals (审核结论, 批复目标), exchange_results_evaluations (评价结果, 监控预警),
exchange_results_register (整改事项, 整改文书) and exchange_results_reference (系统设置, 指标库).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import aliased

from core.common.errors import ValidationError
from core.exchange import package as xpk
from core.exchange import profile as xp
from core.exchange.package import PackageApplied, PackageKind, PackagePreview, RowChange
from core.exchange.reference import library_rows, setting_rows
from core.exchange.results_evaluations import (
    EvaluationPlan,
    analyse_evaluations,
    check_warnings,
    evaluation_rows,
    warning_rows,
    write_evaluations,
)
from core.exchange.results_goals import GoalPlan, analyse_goals, goal_result_rows, write_goals
from core.exchange.results_reference import ReferencePlan, analyse_reference, write_reference
from core.exchange.results_register import (
    RegisterPlan,
    analyse_register,
    family,
    register_rows,
    write_register,
)
from core.exchange.rules.enrolment_sheets import LIBRARY_SHEET, SETTINGS_SHEET
from core.exchange.rules.results_sheets import (
    APPROVED,
    APPROVED_SHEET,
    EVALUATION_SHEET,
    EVALUATIONS,
    ITEM_SHEET,
    ITEMS,
    NOTICE_SHEET,
    RESULTS_INSTRUCTIONS,
    RESULTS_KIND,
    RESULTS_SHEETS,
    REVIEW_SHEET,
    REVIEWS,
    WARNING_SHEET,
    WARNINGS,
)
from core.exchange.workbook import Problem, ReadPackage
from core.org.access import require
from core.org.rules.roles import Actor, Permission
from db.models import Project, RectificationItem, Unit
from db.uow import UnitOfWork

LABEL = "结果反馈"
AREAS = frozenset({"goals", "review", "evaluation", "rectification", "notices", "library", "settings"})


# --- export ------------------------------------------------------------------------------------------------


def export_results(uow: UnitOfWork, actor: Actor, year: int, target: str | Path, unit_code: str | None = None) -> Path:
    """The unit's results of `year` as a signed package for it (hub only), recorded in the ledger as exported."""
    uow.write()
    require(actor, Permission.MANAGE_UNITS)
    s = uow.session
    if xp.profile(s).role != "hub":
        raise ValidationError("只有财政局（汇总端）可以导出结果反馈包。", "role")
    unit, receiver = xpk.export_party(uow, actor, unit_code, LABEL)
    ids = xpk.unit_ids(s, unit)
    reviews, approved = goal_result_rows(s, year, ids)
    items, notices = register_rows(s, year, ids)
    sheets = [(REVIEW_SHEET, reviews), (APPROVED_SHEET, approved), (WARNING_SHEET, warning_rows(uow, actor, year, ids)),
              (EVALUATION_SHEET, evaluation_rows(s, year, ids)), (ITEM_SHEET, items), (NOTICE_SHEET, notices),
              (SETTINGS_SHEET, setting_rows(s)), (LIBRARY_SHEET, library_rows(s, retired=True))]
    details = {"unit": unit.code, **{spec.kind: len(rows) for spec, rows in sheets}}
    return xpk.send(uow, actor, RESULTS_KIND, receiver, year, sheets, RESULTS_INSTRUCTIONS, target, details)


def units_with_results(uow: UnitOfWork, actor: Actor, year: int) -> list[tuple[str, str]]:
    """(code, name) of the active departments and townships with projects or rectification items of `year` (their
    own or their budget units'): the units "全部单位" exports a results package for."""
    require(actor, Permission.MANAGE_UNITS)
    child = aliased(Unit)
    below = select(child.id).where(child.parent_id == Unit.id)
    mine = or_(Project.unit_id == Unit.id, Project.unit_id.in_(below))
    items = or_(RectificationItem.unit_id == Unit.id, RectificationItem.unit_id.in_(below))
    rows = uow.session.execute(select(Unit.code, Unit.name).where(
        Unit.active.is_(True), Unit.kind.in_(xpk.ALL_UNIT_KINDS),
        or_(exists().where(Project.year == year, mine), exists().where(RectificationItem.year == year, items)))
        .order_by(Unit.code))
    return [(code, name) for code, name in rows]


# --- intake on the unit's spoke ----------------------------------------------------------------------------


@dataclass
class ResultsPlan:
    """Everything applying writes, part by part."""

    goals: GoalPlan = field(default_factory=GoalPlan)
    evaluations: EvaluationPlan = field(default_factory=EvaluationPlan)
    register: RegisterPlan = field(default_factory=RegisterPlan)
    reference: ReferencePlan = field(default_factory=ReferencePlan)


def analyse(uow: UnitOfWork, actor: Actor, read: ReadPackage, problems: list[Problem]) -> tuple[list[RowChange],
                                                                                             ResultsPlan]:
    """Every row of the package compared with this unit's installation, every problem located; the plan to write.
    A package this installation does not receive is not compared (the pipeline refuses it)."""
    plan = ResultsPlan()
    manifest = read.manifest
    s = uow.session
    if manifest is None or manifest.kind != RESULTS_KIND or manifest.receiver != xp.profile(s).me:
        return [], plan
    codes = {v["project_code"] for kind in (REVIEWS, APPROVED, WARNINGS, EVALUATIONS, ITEMS)
             for v in read.rows(kind) if v.get("project_code")}
    fam = family(s, manifest, codes)
    changes = analyse_goals(uow, read, problems, plan.goals)
    check_warnings(read, fam, problems)
    changes += analyse_evaluations(uow, read, fam, problems, plan.evaluations)
    changes += analyse_register(uow, read, fam, problems, plan.register)
    changes += analyse_reference(uow, actor, read, problems, plan.reference)
    return changes, plan


def write(uow: UnitOfWork, actor: Actor, preview: PackagePreview, plan: ResultsPlan) -> tuple[str, ...]:
    """Write every new and changed row in the package's transaction; what was written, as "sheet:row id"."""
    manifest = preview.manifest
    assert manifest is not None  # a package without a manifest is refused before writing
    return (*write_goals(uow, actor, plan.goals), *write_evaluations(uow, actor, manifest.year, plan.evaluations),
            *write_register(uow, actor, manifest.year, plan.register), *write_reference(uow, actor, plan.reference))


KIND = PackageKind(RESULTS_KIND, LABEL, RESULTS_SHEETS, RESULTS_INSTRUCTIONS, analyse, write, AREAS, unit="条")


def preview_results(uow: UnitOfWork, actor: Actor, path: str | Path) -> PackagePreview:
    """What importing the results package would do on this unit's installation, writing nothing."""
    return xpk.preview_package(uow, actor, path, KIND)


def apply_results(uow: UnitOfWork, actor: Actor, path: str | Path, confirm_unsigned: bool = False) -> PackageApplied:
    """Apply the results package in one transaction (see `exchange_package.apply_package`); the automatic backup
    before it is the caller's."""
    return xpk.apply_package(uow, actor, path, KIND, confirm_unsigned)
