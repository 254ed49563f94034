"""`perfbudget demo`: generate a deterministic, realistic demo county (units, projects, goal tables,
execution) in one transaction, with planted goal-table defects recorded as ground truth for review."""

from __future__ import annotations

import calendar
import json
import random
from collections import Counter
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from core.common.changes import EVERYTHING, Changes
from core.common.errors import PermissionDenied, ValidationError
from core.common.progress import NoProgress, ProgressReporter
from core.demo.build import (
    Draft,
    build_indicators,
    draw_amount,
    fen_to_wan,
    goal_texts,
    previous_indicators,
    project_dates,
    quantize,
    reference,
    spend_curve,
    split_sources,
)
from core.demo.defects import DefectContext, Planner, PlantedDefect, plant
from core.demo.evaluation import evaluation_rows
from core.demo.exante import exante_rows
from core.demo.fiscal import add_fiscal
from core.demo.monitoring import ROUND_MONTH, monitoring_rows
from core.demo.org import Owner, ensure_units, ensure_years, next_id, project_owners
from core.demo.rectification import add_rectification
from core.demo.results import add_results
from core.demo.reviews import add_reviews
from core.exante.rules import needs_assessment
from core.org import settings
from core.org.rules.roles import Actor, Permission
from db.models import (
    ExAnteAssessment,
    ExecutionRecord,
    GoalTable,
    GoalTableVersion,
    Indicator,
    MonitoringEntry,
    MonitoringLine,
    MonitoringRound,
    Project,
)
from db.uow import UnitOfWork

__all__ = ["DemoReport", "PlantedDefect", "generate_demo", "write_truth"]

PROJECTS_AT_SCALE_1 = 800
CONTINUING_SHARE = 0.55
BATCH_NAMES = "二三四五六七八九十"


@dataclass(frozen=True)
class DemoReport:
    """What was generated; project, table, indicator and execution counts are for `year` itself (the
    previous-year twins of continuing projects come on top)."""

    year: int
    departments: int
    townships: int
    budget_units: int
    projects: int
    goal_tables: int
    indicators: int
    execution_records: int
    planted: tuple[PlantedDefect, ...]
    changes: Changes = EVERYTHING  # a whole county written: every page reloads


def generate_demo(uow: UnitOfWork, actor: Actor, year: int = 2024, scale: float = 1.0,
                  seed: int = 20240101, progress: ProgressReporter | None = None) -> DemoReport:
    """Fill an empty `year` (and `year - 1` for continuing projects) with about 800 × scale projects.

    A cancel raised from `progress.report` leaves the database untouched (nothing is committed)."""
    steps = progress or NoProgress()
    uow.write()
    if not actor.can(Permission.GENERATE_DEMO):
        raise PermissionDenied("只有系统管理员可以生成演示数据。")
    if not 0 < scale <= 100:
        raise ValidationError("演示数据规模必须大于 0 且不超过 100（1 表示约 800 个项目）。", "scale")
    if not 2001 <= year <= 2099:
        raise ValidationError("演示数据年度应在 2001 至 2099 之间。", "year")
    s = uow.session
    if _has_projects(s, year):
        raise ValidationError(f"数据库中已有 {year} 年度的项目，演示数据只能生成到空年度。"
                              "请换一个年度，或使用新的数据库文件。", "year")
    if _has_projects(s, year - 1):
        raise ValidationError(f"数据库中已有 {year - 1} 年度的项目，演示数据需要用空的 {year - 1} 年度存放"
                              "延续项目的上年数据。请换一个年度，或使用新的数据库文件。", "year")
    steps.report(0, 4, "准备单位和年度")
    county, projects_ref = reference()
    units, created = ensure_units(s, county)
    ensure_years(s, year)
    rng = random.Random(seed)
    ctx = DefectContext(rng, frozenset(name for _, name in units.values()), county["name_mistakes"],
                        projects_ref)
    steps.report(1, 4, "编排项目、绩效目标和预置问题")
    threshold = Decimal(str(settings.get(s, "exante.threshold_wan")))
    drafts, planted = _plan(rng, ctx, county, projects_ref, units, year,
                            max(1, round(PROJECTS_AT_SCALE_1 * scale)), threshold)
    steps.report(2, 4, "写入项目、指标和执行数据")
    counts = _write(s, county, units, drafts, rng, threshold)
    add_reviews(s, year, random.Random(seed + 6))
    add_results(s, year, random.Random(seed + 7))
    add_fiscal(s, year, random.Random(seed + 9))
    add_rectification(s, year, random.Random(seed + 8))
    steps.report(3, 4, "记录审计日志并保存")
    summary = {"year": year, "seed": seed, "scale": str(scale), "units_created": created,
               "planted": len(planted), **counts}
    uow.audit(actor.username, "demo.generate", "database", None, None, summary)
    uow.commit()
    return DemoReport(year, len(county["departments"]), len(county["townships"]),
                      sum(len(d["budget_units"]) for d in county["departments"]), counts["projects"],
                      counts["goal_tables"], counts["indicators"], counts["execution_records"],
                      tuple(planted))


def write_truth(report: DemoReport, path: Path) -> None:
    """The planted defects as JSON, to measure a reviewer's (or a checker's) precision and recall."""
    by_kind = Counter(p.kind for p in report.planted)
    data = {"year": report.year, "projects": report.projects,
            "defective_tables": len({p.project_code for p in report.planted}),
            "by_kind": dict(sorted(by_kind.items())), "planted": [asdict(p) for p in report.planted]}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _has_projects(s: Session, year: int) -> bool:
    return bool(s.scalar(select(func.count()).select_from(Project).where(Project.year == year)))


def _plan(rng: random.Random, ctx: DefectContext, county: dict[str, Any], ref: dict[str, Any],
          units: dict[str, tuple[int, str]], year: int, n: int,
          exante_threshold: Decimal) -> tuple[list[Draft], list[PlantedDefect]]:
    owners = project_owners(county, units)
    weights = [o.weight for o in owners]
    picks = list(owners) if n >= len(owners) else []
    picks += rng.choices(owners, weights=weights, k=n - len(picks))
    per_owner = Counter(o.code for o in picks)
    planner = Planner(rng, n)
    used: set[str] = set()
    drafts: list[Draft] = []
    planted: list[PlantedDefect] = []
    prev_seq: Counter[str] = Counter()
    for owner in owners:
        sector = ref["sectors"][owner.sector]
        fitting = [t for t in sector["templates"] if "only" not in t or owner.name in t["only"]]
        deck: list[dict[str, Any]] = []
        for seq in range(1, per_owner[owner.code] + 1):
            if not deck:  # each of the owner's templates once before any repeats
                deck = rng.sample(fitting, len(fitting))
            d = _draft(rng, county, ref, owner, deck.pop(), year, seq, used)
            d.exante_required = needs_assessment(d.attribute, d.total, exante_threshold)
            kinds = planner.kinds_for(d)
            if d.continuing:
                prev_seq[owner.code] += 1
                d.previous = _previous(rng, ref, d, prev_seq[owner.code], "copied_from_last_year" in kinds)
            planted += [plant(kind, d, ctx) for kind in kinds]
            roll = rng.random()
            if kinds:
                d.status = "submitted" if roll < 0.8 else "returned" if roll < 0.9 else "draft"
            else:
                d.status = "submitted" if roll < 0.74 else "approved" if roll < 0.89 else "draft"
            roll = rng.random()
            d.profile = ("laggard" if roll < 0.08 else "fast" if roll < 0.12 else "zero" if roll < 0.135
                         else "normal")
            drafts.append(d)
    return drafts, planted


def _draft(rng: random.Random, county: dict[str, Any], ref: dict[str, Any], owner: Owner,
           template: dict[str, Any], year: int, seq: int, used: set[str]) -> Draft:
    sector = ref["sectors"][owner.sector]
    if owner.budget_units and rng.random() < (0.8 if template["scope"] == "unit" else 0.3):
        implementing = rng.choice(owner.budget_units)
    else:
        implementing = owner.name
    place = _prefix(rng, county, owner, template, implementing)
    prefixes = [place, implementing, owner.name]
    if template["scope"] != "unit":  # a county-wide line split by township, as transfers often are
        prefixes += rng.sample(county["townships"], len(county["townships"]))
    name = f"{year}年{_unique(prefixes, template['name'], used)}"
    continuing = rng.random() < CONTINUING_SHARE
    total = draw_amount(rng, ref["tiers"][template["tier"]])
    inds, total = build_indicators(rng, sector, ref["generic"], template, total)
    fiscal, carry, other = split_sources(rng, total, continuing)
    start, end = project_dates(rng, year, template["nature"])
    d = Draft(year, f"{year}-{owner.code}-{seq:04d}", name, owner.code, owner.sector, implementing,
              "continuing" if continuing else "new", template["nature"], _fund_type(rng, ref, sector, template),
              total, fiscal, carry, other, _person(rng, county), _phone(rng, county), start, end, template,
              place, inds)
    d.texts = goal_texts(rng, year, d, sector, inds)
    return d


def _prefix(rng: random.Random, county: dict[str, Any], owner: Owner, template: dict[str, Any],
            implementing: str) -> str:
    scope = template["scope"]
    if scope == "unit":
        return implementing
    if scope == "place":
        town = owner.name if owner.kind == "township" else rng.choice(county["townships"])
        return town + (rng.choice(county["villages"]) if rng.random() < 0.6 else "")
    if owner.kind == "township" or implementing != owner.name:
        return implementing
    return "全县" if rng.random() < 0.3 else ""


def _unique(prefixes: list[str], title: str, used: set[str]) -> str:
    """The first unused of prefix + title over the given prefixes, else a numbered batch of the first."""
    for prefix in prefixes:
        if prefix + title not in used:
            used.add(prefix + title)
            return prefix + title
    body, k = prefixes[0] + title, 0
    while (candidate := f"{body}（第{BATCH_NAMES[k] if k < len(BATCH_NAMES) else k + 2}批）") in used:
        k += 1
    used.add(candidate)
    return candidate


def _fund_type(rng: random.Random, ref: dict[str, Any], sector: dict[str, Any], template: dict[str, Any]) -> str:
    if "fund" in template and rng.random() < 0.8:
        return str(template["fund"])
    roll, acc = rng.random(), 0.0
    for kind, share in sector.get("fund_mix", ref["fund_mix_default"]).items():
        acc += share
        if roll < acc:
            return str(kind)
    return "general"


def _person(rng: random.Random, county: dict[str, Any]) -> str:
    return rng.choice(county["surnames"]) + rng.choice(county["given_names"])


def _phone(rng: random.Random, county: dict[str, Any]) -> str:
    return rng.choice(county["phone_prefixes"]) + f"{rng.randint(0, 99_999_999):08d}"


def _previous(rng: random.Random, ref: dict[str, Any], d: Draft, seq: int, same: bool) -> Draft:
    """Last year's project of a continuing one: approved table, same indicators, targets not above."""
    year = d.year - 1
    if same:
        total, sources = d.total, (d.fiscal, d.carryover, d.other)
    else:
        total = max(quantize(d.total * rng.randint(80, 100) / 100, 2), Decimal("0.01"))
        sources = split_sources(rng, total, False)
    inds, total = previous_indicators(rng, d.indicators, total, same)
    if not same and sum(sources) != total:
        sources = split_sources(rng, total, False)
    start, end = project_dates(rng, year, d.nature)
    p = Draft(year, f"{year}-{d.unit_code}-{seq:04d}", f"{year}年{d.name.removeprefix(f'{d.year}年')}",
              d.unit_code, d.sector, d.implementing_unit, "new", d.nature, d.fund_type, total, *sources,
              d.manager, d.phone, start, end, d.template, d.place,
              inds, status="approved")
    p.texts = goal_texts(rng, year, p, ref["sectors"][d.sector], p.indicators)
    return p


def _write(s: Session, county: dict[str, Any], units: dict[str, tuple[int, str]], drafts: list[Draft],
           rng: random.Random, exante_threshold: Decimal) -> dict[str, int]:
    """Bulk-insert the drafts with ids assigned here; returns the counts for the report and audit."""
    previous = [d.previous for d in drafts if d.previous is not None]
    project_id, table_id, version_id = next_id(s, Project), next_id(s, GoalTable), next_id(s, GoalTableVersion)
    ids: dict[int, int] = {}
    project_rows: list[dict[str, Any]] = []
    for d in previous + drafts:
        ids[id(d)] = project_id
        project_rows.append(_project_row(d, project_id, units,
                                         ids[id(d.previous)] if d.previous is not None else None))
        project_id += 1
    tables, versions, indicators, execution = [], [], [], []
    vouchers: Counter[int] = Counter()
    for k, d in enumerate(previous + drafts):
        at = datetime(d.year - 1, 11, 1, 1, tzinfo=UTC) + timedelta(minutes=5 * k)
        tables.append({"id": table_id, "project_id": ids[id(d)], "status": d.status, "current_version": 1,
                       "updated_at": at})
        versions.append({"id": version_id, "goal_table_id": table_id, "version": 1, "reason": "首次申报",
                         "created_by": "demo", "created_at": at,
                         "submitted_at": None if d.status == "draft" else at, **d.texts})
        indicators += [ind.row(version_id, pos) for pos, ind in enumerate(d.indicators, 1)]
        execution += _execution_rows(rng, county, d, ids[id(d)], vouchers)
        table_id += 1
        version_id += 1
    exante = exante_rows(previous + drafts, ids, next_id(s, ExAnteAssessment), exante_threshold)
    round_id = next_id(s, MonitoringRound)
    year = drafts[0].year if drafts else 0
    entries, lines = monitoring_rows(drafts, ids, round_id, next_id(s, MonitoringEntry), next_id(s, MonitoringLine),
                                     year)
    evaluations = evaluation_rows(s, drafts, ids, units, execution)
    s.execute(insert(MonitoringRound), [{"id": round_id, "year": year, "name": f"1-{ROUND_MONTH}月",
                                         "as_of_month": ROUND_MONTH, "status": "open", "opened_by": "demo",
                                         "opened_at": datetime(year, ROUND_MONTH + 1, 1, 1, tzinfo=UTC)}])
    for model, rows in ((Project, project_rows), (GoalTable, tables), (GoalTableVersion, versions),
                        (Indicator, indicators), (ExecutionRecord, execution), (ExAnteAssessment, exante),
                        (MonitoringEntry, entries), (MonitoringLine, lines), *evaluations.tables()):
        if not rows:
            continue
        s.execute(insert(model), rows)
    current = {ids[id(d)] for d in drafts}
    first_current_version = version_id - len(drafts)
    return {"projects": len(drafts), "previous_year_projects": len(previous), "goal_tables": len(drafts),
            "indicators": sum(1 for r in indicators if r["version_id"] >= first_current_version),
            "execution_records": sum(1 for r in execution if r["project_id"] in current),
            "previous_year_indicators": sum(1 for r in indicators if r["version_id"] < first_current_version),
            "exante_assessments": sum(1 for r in exante if r["project_id"] in current),
            "monitoring_entries": len(entries), "evaluations": len(evaluations.evaluations)}


def _project_row(d: Draft, pid: int, units: dict[str, tuple[int, str]], prev_id: int | None) -> dict[str, Any]:
    return {"id": pid, "year": d.year, "code": d.code, "name": d.name, "unit_id": units[d.unit_code][0],
            "implementing_unit": d.implementing_unit, "sector": d.sector, "attribute": d.attribute,
            "nature": d.nature, "fund_type": d.fund_type, "total_amount": d.total, "fiscal_amount": d.fiscal,
            "carryover_amount": d.carryover, "other_amount": d.other, "manager": d.manager, "phone": d.phone,
            "start_date": d.start, "end_date": d.end, "previous_project_id": prev_id}


def _execution_rows(rng: random.Random, county: dict[str, Any], d: Draft, pid: int,
                    vouchers: Counter[int]) -> list[dict[str, Any]]:
    payees = county["payees"][d.template.get("payee", "services")]
    rows = []
    for month, fen in enumerate(spend_curve(rng, d.total, d.profile), 1):
        voucher = payee = None
        if fen:
            vouchers[d.year] += 1
            voucher, payee = f"PZ{d.year}-{vouchers[d.year]:06d}", rng.choice(payees)
        day = calendar.monthrange(d.year, month)[1]
        rows.append({"project_id": pid, "year": d.year, "month": month, "amount": fen_to_wan(fen),
                     "voucher_no": voucher, "payee": payee, "source": "demo",
                     "recorded_at": datetime(d.year, month, day, 10, tzinfo=UTC)})
    return rows
