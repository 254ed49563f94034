"""The project registry workbook (项目库导入): the list of projects the budget system exports (项目编码, 名称, 主管部门,
实施单位, 属性, 性质, 资金 by source and 合计, 起止年度, 预算年度), read through the exchange workbook reader and
compared with the library row by row: new, changed, unchanged or refused, every problem located by file, sheet, row
and column. Applying writes the good rows in one transaction (new projects into 储备), links the continuing ones to
last year's, and writes nothing of a refused row. The blank template is the same sheet with its instructions."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select

from core.common.changes import Changed
from core.common.labels import FUND_TYPES, PROJECT_ATTRIBUTES, PROJECT_NATURES
from core.exchange import package as xpk
from core.exchange.rules.spec import ColumnSpec, SheetSpec
from core.exchange.workbook import Problem, read_package, write_package
from core.org.access import require
from core.org.rules.roles import Actor, Permission
from core.projects import service as registry
from core.projects.dto import LinkSummary, ProjectInput
from core.projects.linking import Linker
from core.projects.rules import ProjectStatus
from db.models import Project
from db.uow import UnitOfWork

_CODES = {"attribute": {v: k for k, v in PROJECT_ATTRIBUTES.items()},
          "nature": {v: k for k, v in PROJECT_NATURES.items()}, "fund_type": {v: k for k, v in FUND_TYPES.items()}}
REGISTRY_SHEET = SheetSpec("registry", "项目库", (
    ColumnSpec("code", "项目编码", "text", True, width=20, max_length=40),
    ColumnSpec("name", "项目名称", "text", True, width=32, max_length=200),
    ColumnSpec("department", "主管部门", "text", True, width=18, max_length=100, note="部门或镇街的编码或名称"),
    ColumnSpec("implementing_unit", "实施单位", "text", False, width=22, max_length=100,
               note="所属预算单位的编码或名称；留空为主管部门自身"),
    ColumnSpec("attribute", "项目属性", "choice", True, tuple(PROJECT_ATTRIBUTES.values()), width=8),
    ColumnSpec("nature", "项目性质", "choice", True, tuple(PROJECT_NATURES.values()), width=8),
    ColumnSpec("fund_type", "资金性质", "choice", False, tuple(FUND_TYPES.values()), width=16, note="留空为一般公共预算"),
    ColumnSpec("fiscal_amount", "财政拨款", "money", False, width=12, note="本年度，万元；留空为 0"),
    ColumnSpec("carryover_amount", "上年结转", "money", False, width=12, note="本年度，万元；留空为 0"),
    ColumnSpec("other_amount", "其他资金", "money", False, width=12, note="本年度，万元；留空为 0"),
    ColumnSpec("total_amount", "合计", "money", True, width=12, note="本年度资金合计，万元，须等于各来源之和"),
    ColumnSpec("span_total_amount", "项目总额", "money", False, width=12, note="跨年度项目各年合计，万元；单年度项目留空"),
    ColumnSpec("start_year", "起始年度", "int", False, width=8),
    ColumnSpec("end_year", "结束年度", "int", False, width=8),
    ColumnSpec("year", "预算年度", "int", True, width=8),
), "每个项目一行（金额单位：万元）。跨年度项目填写起止年度和项目总额，本年度金额填在各来源和合计中。", standard=False)
INSTRUCTIONS = (
    "本工作簿是财政局项目库的登记清单，可由预算编制系统导出的项目清单整理而成，也可直接填写。",
    "导入时逐行核对：项目编码重复、资金来源之和与合计不符、主管部门未登记、结束年度早于起始年度的行不予导入，其余行照常导入。",
    "新项目进入“储备”状态；已登记的项目按清单更新基本信息。延续项目自动关联上年同编码项目，编码不同的按名称相似度关联或列入待确认。",
)
STATUS_LABELS = {"new": "新增", "changed": "修改", "unchanged": "未变", "refused": "不予导入"}


@dataclass(frozen=True)
class RegistryLine:
    """What importing does with one row: new / changed / unchanged / refused, with the changed columns or the
    row's problems."""

    line: int
    year: int | None
    code: str
    name: str
    status: str
    changed: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = ()

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


@dataclass(frozen=True)
class RegistryPreview:
    file: str
    lines: tuple[RegistryLine, ...]
    problems: tuple[Problem, ...]  # every located problem, the sheet's own included

    def count(self, status: str) -> int:
        return sum(1 for line in self.lines if line.status == status)

    def located(self) -> list[str]:
        """Every problem as a line of text naming the file, sheet, row and column."""
        return [f"文件“{self.file}”{problem}" for problem in self.problems]


@dataclass(frozen=True)
class RegistryResult:
    preview: RegistryPreview
    created: int
    updated: int
    links: LinkSummary


def write_template(path: str | Path) -> Path:
    """The blank registry workbook to fill (headers, drop-downs and the instructions sheet)."""
    return write_package(path, [(REGISTRY_SHEET, [])], None, INSTRUCTIONS)


def _entry(values: dict[str, Any]) -> ProjectInput:
    zero = Decimal(0)
    return ProjectInput(values["year"], values["code"], values["name"], values["department"],
                        values["implementing_unit"], _CODES["attribute"][values["attribute"]],
                        _CODES["nature"][values["nature"]], values["fiscal_amount"] or zero,
                        values["carryover_amount"] or zero, values["other_amount"] or zero, values["total_amount"],
                        values["start_year"], values["end_year"], values["span_total_amount"],
                        _CODES["fund_type"].get(values["fund_type"] or "", "general"))


@dataclass
class _Plan:
    create: dict[tuple[int, str], dict[str, Any]]
    update: dict[tuple[int, str], tuple[Project, dict[str, Any]]]


def _analyse(uow: UnitOfWork, path: Path) -> tuple[RegistryPreview, _Plan]:
    read = read_package(path, [REGISTRY_SHEET])
    problems = list(read.problems)
    sheet = read.sheets[REGISTRY_SHEET.kind]
    bad_lines = {p.row for p in problems if p.sheet == REGISTRY_SHEET.title}
    keys = Counter((v["year"], v["code"]) for v in sheet.rows if v["code"])
    years = {v["year"] for v in sheet.rows if v["year"] is not None}
    s = uow.session
    stored = {(p.year, p.code): p for p in s.scalars(select(Project).where(Project.year.in_(sorted(years))))}
    units = registry.Units.load(s)
    plan = _Plan({}, {})
    lines = []
    for values, line in zip(sheet.rows, sheet.lines, strict=True):
        key = (values["year"], values["code"])
        mine = []
        if values["code"] and keys[key] > 1:
            mine.append(xpk.located(REGISTRY_SHEET, line, "code",
                                    f"项目编码“{values['code']}”在 {values['year']} 年度重复出现 {keys[key]} 次。"))
        if line not in bad_lines:
            fields, found = registry.prepare(units, _entry(values))
            mine += [xpk.located(REGISTRY_SHEET, line, k, m) for k, m in found]
        problems += mine
        if mine or line in bad_lines:
            lines.append(RegistryLine(line, values["year"], values["code"] or "", values["name"] or "", "refused",
                                      problems=tuple(p for p in problems if p.row == line)))
            continue
        project = stored.get(key)
        if project is None:
            plan.create[key] = fields
            lines.append(RegistryLine(line, key[0], key[1], fields["name"], "new"))
            continue
        changed = {k: v for k, v in fields.items() if getattr(project, k) != v}
        if changed:
            plan.update[key] = (project, changed)
        headers = tuple(REGISTRY_SHEET.column("department" if k == "unit_id" else k).header for k in changed)
        lines.append(RegistryLine(line, key[0], key[1], fields["name"], "changed" if changed else "unchanged",
                                  headers))
    problems.sort(key=lambda p: (p.row or 0, p.column))
    return RegistryPreview(path.name, tuple(lines), tuple(problems)), plan


def preview_registry(uow: UnitOfWork, actor: Actor, path: str | Path) -> RegistryPreview:
    """What importing the registry workbook would do, row by row, writing nothing."""
    require(actor, Permission.MANAGE_UNITS)
    return _analyse(uow, Path(path))[0]


def apply_registry(uow: UnitOfWork, actor: Actor, path: str | Path) -> Changed[RegistryResult]:
    """Import the good rows of the registry workbook in one transaction (refused rows are left out whole) and link
    the year's continuing projects; the preview it acted on and what it wrote."""
    require(actor, Permission.MANAGE_UNITS)
    uow.write()
    preview, plan = _analyse(uow, Path(path))
    s = uow.session
    created = [Project(year=year, code=code, status=ProjectStatus.RESERVE.value, **fields)
               for (year, code), fields in plan.create.items()]
    for year in sorted({year for year, _ in plan.create}):
        registry.ensure_year(s, year)
    s.add_all(created)
    s.flush()
    updated = {}
    for project, changed in plan.update.values():
        updated[f"{project.year}:{project.code}"] = {"before": {k: getattr(project, k) for k in changed},
                                                     "after": changed}
        for key, value in changed.items():
            setattr(project, key, value)
    done: Counter[str | None] = Counter()
    linked: dict[str, object] = {}
    for year in sorted({year for year, _ in (*plan.create, *plan.update)}):
        linker = Linker(uow, year)
        for project in created:
            if project.year == year:
                done[linker.link(project)] += 1
        linked.update({f"{year}:{code}": fields for code, fields in linker.done.items()})
    # One entry for the whole import, as every bulk import has: the projects created (their rows keep the values
    # they were created with), each changed project's fields before and after, and each link set.
    if created or updated:
        uow.audit(actor.username, "project.registry_import", "registry_file", preview.file, None,
                  {"created": {f"{p.year}:{p.code}": p.id for p in created}, "updated": updated, "linked": linked})
    uow.commit()
    links = LinkSummary(done["code"], done["name"], done["proposed"], done[None])
    return Changed(RegistryResult(preview, len(created), len(plan.update), links), registry.PROJECTS)
