"""The problem list of an import preview as a readable workbook (交换包问题清单) that the bureau sends back to the
unit: every problem with its sheet, row, column, the table it refuses (a package whose tables are accepted one by
one) and explanation, the refusal if any, the conflicting rows, and the values read otherwise than typed.
Written with the shared report writer (streamed, printable, formula-safe text) through a temporary file."""

from __future__ import annotations

from pathlib import Path

from core.common.printing.workbook import Cell, Column, new_workbook, save, write_sheet
from core.exchange.package import PackagePreview
from core.exchange.rules.manifest import HUB
from core.org.rules.roles import Actor
from db.uow import UnitOfWork

DECISION_LABELS = {"new": "新交换包", "duplicate": "已导入过", "edited": "签名后被修改过",
                   "unsigned": "未签名", "refused": "已拒绝"}
PROBLEM_COLUMNS = (Column("序号", "count", 6), Column("工作表", "text", 12), Column("行", "count", 6),
                   Column("列", "center", 5), Column("列名", "text", 18), Column("问题说明", "wrap", 70),
                   Column("退回的表（项目编码）", "code"))
NOTE_COLUMNS = (Column("序号", "count", 6), Column("工作表", "text", 12), Column("行", "count", 6),
                Column("列", "center", 5), Column("列名", "text", 18), Column("读取说明", "wrap", 70))
CONFLICT_COLUMNS = (Column("项目编码", "code"), Column("项目名称", "text", 30), Column("工作表", "text", 12),
                    Column("行", "count", 6), Column("原因", "wrap", 60))
WHOLE_PACKAGE = "（整个交换包）"


def _party(name: str) -> str:
    return "财政局" if name == HUB else name


def subtitle(preview: PackagePreview, source: str) -> str:
    """File, kind, sender and the decision, for the line under the title."""
    parts = [f"文件：{source}"] if source else []
    if preview.label:
        parts.append(f"类型：{preview.label}")
    m = preview.manifest
    if m is not None:
        parts.append(f"发送方：{_party(m.sender)}，{m.year} 年度，序号 {m.sequence}")
    parts.append(f"判定：{DECISION_LABELS.get(preview.decision, preview.decision)}；问题 {len(preview.problems)} 处")
    if preview.refused_codes and not preview.blocked:
        parts.append(f"退回 {len(preview.refused_codes)} 张表，其余已照常导入")
    return "；".join(parts)


def write_problems(preview: PackagePreview, target: str | Path, source: str = "") -> Path:
    """Write the preview's problems (and its refusal and conflicts) to `target` (.xlsx)."""
    rows: list[list[Cell]] = []
    if preview.decision == "refused" and preview.refusal:
        rows.append([1, WHOLE_PACKAGE, None, "", "", preview.refusal, ""])
    for p in preview.problems:
        refused = p.code if preview.partial and p.code else ""
        rows.append([len(rows) + 1, p.sheet, p.row, p.column, p.header, p.message, refused])
    if not rows:
        rows.append([1, WHOLE_PACKAGE, None, "", "", "没有发现问题。", ""])
    wb = new_workbook()
    write_sheet(wb, "问题清单", "交换包问题清单", PROBLEM_COLUMNS, rows, subtitle(preview, source))
    conflicts = preview.by_status("conflicting")
    if conflicts:
        write_sheet(wb, "冲突", "有冲突、未导入的行", CONFLICT_COLUMNS,
                    [[c.code, c.name, c.sheet, c.line, c.reason] for c in conflicts], subtitle(preview, source))
    if preview.notes:
        write_sheet(wb, "读取说明", "按所写意思读取的单元格", NOTE_COLUMNS,
                    [[i, n.sheet, n.row, n.column, n.header, n.message] for i, n in enumerate(preview.notes, 1)],
                    subtitle(preview, source))
    return save(wb, Path(target))


def problems_workbook(uow: UnitOfWork, actor: Actor, preview: PackagePreview, target: str | Path,
                      source: str = "") -> Path:
    """`write_problems` as a helper job (the GUI runs file output off its thread); reads no data."""
    return write_problems(preview, target, source)
