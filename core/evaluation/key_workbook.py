"""The expert's scoring workbook (专家评分表) of a key evaluation: generated for one panel expert (items, points,
scoring standards and an empty score column with a 0-to-points validation, the sheet protected except the score
and remark columns), and read back: the evaluation and the expert are checked against the file's hidden
information sheet and every score is re-validated, since other programs do not enforce validation or protection.
A refused file is named by sheet, row and column."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import openpyxl
from openpyxl.styles import PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation

from core.common.changes import Changes
from core.common.errors import ValidationError
from core.common.printing.workbook import HEADER_ROW, Column, new_workbook, save, write_sheet
from core.evaluation.common import require_evaluator
from core.evaluation.key_base import EVALUATION, items_of, load, panel_of, parse_score, require_draft
from core.evaluation.key_panel import apply_scores
from core.evaluation.rules.scoring import FrameworkItem
from core.org.rules.roles import Actor
from db.uow import UnitOfWork

SHEET = "专家评分表"
INFO_SHEET = "评分表信息"
COLUMNS = (Column("编号", "code"), Column("一级指标", "center"), Column("二级指标", "center"),
           Column("三级指标", width=18), Column("分值", "count"), Column("评分标准", "wrap", 40),
           Column("得分", "money", 10), Column("评分说明", "wrap", 24))
SCORE_COL, REMARK_COL = 7, 8  # 1-based, as openpyxl counts
MAX_BYTES, MAX_MEMBERS = 20 * 1024 * 1024, 200  # a scoring sheet of 20 items is about 10 KB
MAX_PROBLEMS = 8
INPUT_FILL = PatternFill("solid", fgColor="FFF4CE")


@dataclass(frozen=True)
class WorkbookImport:
    expert_id: int
    expert_name: str
    scored: int
    changes: Changes = EVALUATION


def _panel_expert(uow: UnitOfWork, evaluation_id: int, expert_id: int) -> tuple[str, str] | None:
    for member, expert in panel_of(uow.session, evaluation_id):
        if expert.id == expert_id:
            return expert.name, member.role
    return None


def expert_workbook(uow: UnitOfWork, actor: Actor, evaluation_id: int, expert_id: int, target: Path) -> Path:
    """Write the scoring workbook of one panel expert to `target` and return it."""
    require_evaluator(actor)
    ev = load(uow, actor, evaluation_id)
    require_draft(ev)
    found = _panel_expert(uow, ev.id, expert_id)
    if found is None:
        raise ValidationError(f"专家（编号 {expert_id}）不在“{ev.title}”的评价组中，不能生成评分表。", "expert")
    name, _role = found
    items = items_of(ev)
    wb = new_workbook()
    rows = [[i.key, i.level1, i.level2, i.name, i.weight, i.standard, None, None] for i in items]
    write_sheet(wb, SHEET, f"{ev.title}专家评分表", COLUMNS, rows,
                subtitle=f"评价编号 {ev.id}　评分专家：{name}（编号 {expert_id}）　请只在“得分”和“评分说明”列填写，"
                         "得分为 0 至该项分值，最多两位小数",
                totals=["合计", "", "", "", sum((i.weight for i in items), Decimal(0)), "", None, ""])
    info = wb.create_sheet(INFO_SHEET)
    info.sheet_state = "hidden"
    for key, value in (("evaluation_id", ev.id), ("expert_id", expert_id), ("expert_name", name),
                       ("title", ev.title), ("items", ",".join(i.key for i in items))):
        info.append([key, value])
    target = save(wb, Path(target))
    _protect(target, items)
    return target


def _protect(path: Path, items: list[FrameworkItem]) -> None:
    """Unlock the score and remark cells, validate each score against its item's points, protect the sheets.

    The shared writer streams its sheets (write-only mode), which cannot unlock single cells, so the small
    file is opened once more to finish it."""
    wb = openpyxl.load_workbook(path)
    ws = wb[SHEET]
    by_weight: dict[Decimal, DataValidation] = {}
    for n, item in enumerate(items, start=HEADER_ROW + 1):
        for col in (SCORE_COL, REMARK_COL):
            ws.cell(n, col).protection = Protection(locked=False)
            ws.cell(n, col).fill = INPUT_FILL  # where the expert types
        dv = by_weight.get(item.weight)
        if dv is None:
            dv = DataValidation(type="decimal", operator="between", formula1="0", formula2=str(item.weight),
                                allow_blank=True, showErrorMessage=True, showInputMessage=True,
                                errorTitle="得分超出范围", error=f"该项分值 {item.weight} 分，得分应在 0 至 {item.weight} 之间。",
                                promptTitle="得分", prompt=f"填写 0 至 {item.weight} 的分数")
            by_weight[item.weight] = dv
            ws.add_data_validation(dv)
        dv.add(ws.cell(n, SCORE_COL).coordinate)
    ws.protection.sheet = True
    ws.protection.autoFilter = False  # sorting and filtering stay allowed
    wb[INFO_SHEET].protection.sheet = True
    save(wb, path)


def _open(path: Path) -> openpyxl.Workbook:
    where = f"无法读取专家评分表“{path.name}”："
    if not path.is_file():
        raise ValidationError(f"找不到文件“{path}”。", "path")
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise ValidationError(f"{where}只能导入本系统生成的 .xlsx 评分表（如用 WPS 编辑，请另存为 .xlsx）。", "path")
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile as exc:
        raise ValidationError(f"{where}不是有效的 Excel 工作簿，文件可能已损坏或加密。", "path") from exc
    if len(members) > MAX_MEMBERS or sum(m.file_size for m in members) > MAX_BYTES:
        raise ValidationError(f"{where}文件解压后异常庞大，不像一份评分表，为安全起见不予打开。", "path")
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ValidationError(f"{where}不是有效的 Excel 工作簿（{exc}）。", "path") from exc


def _info(book: openpyxl.Workbook, path: Path) -> dict[str, str]:
    if INFO_SHEET not in book.sheetnames or SHEET not in book.sheetnames:
        raise ValidationError(f"“{path.name}”不是本系统生成的专家评分表（缺少“{SHEET}”或“{INFO_SHEET}”工作表），"
                              "请用“生成评分表”导出的文件填写。", "path")
    return {str(r[0]): "" if r[1] is None else str(r[1]).strip()
            for r in book[INFO_SHEET].iter_rows(min_row=1, max_col=2, values_only=True) if r and r[0] is not None}


def _as_int(text: str) -> int | None:
    try:
        return int(Decimal(text))
    except (ArithmeticError, ValueError):
        return None


def _read_scores(book: openpyxl.Workbook, items: list[FrameworkItem], expert: str
                 ) -> tuple[dict[str, Decimal], dict[str, str]]:
    ws = book[SHEET]
    ws.reset_dimensions()  # other programs may write a wrong used range
    grid = [tuple(r) for r in ws.iter_rows(min_row=1, values_only=True)]
    header = next((n for n, r in enumerate(grid[:12]) if "编号" in r and "得分" in r), None)
    if header is None:
        raise ValidationError(f"工作表“{SHEET}”中找不到含“编号”和“得分”的表头行，表格结构被改动过，请重新生成评分表。",
                              "path")
    cols = {str(v).strip(): i for i, v in enumerate(grid[header]) if v is not None}
    key_col, score_col, remark_col = cols["编号"], cols["得分"], cols.get("评分说明")
    found = {str(r[key_col]).strip(): n + 1 for n, r in enumerate(grid) if n > header and len(r) > key_col
             and r[key_col] is not None}
    scores: dict[str, Decimal] = {}
    remarks: dict[str, str] = {}
    problems = []
    letter = get_column_letter(score_col + 1)
    for item in items:
        row = found.get(item.key)
        if row is None:
            problems.append(f"工作表“{SHEET}”缺少指标 {item.key}（“{item.name}”）所在的行。")
            continue
        values = grid[row - 1]
        value = values[score_col] if len(values) > score_col else None
        where = f"工作表“{SHEET}”第 {row} 行 {letter} 列（“{item.name}”的得分）"
        if value is None or (isinstance(value, str) and not value.strip()):
            problems.append(f"{where}未填写。")
            continue
        if isinstance(value, float):
            value = repr(value)  # the shortest text that reads back as the same float: 3.5, not 3.49999…
        try:
            scores[item.key] = parse_score(value, item, expert)
        except ValidationError as exc:
            problems.append(f"{where}：{exc}")
        if remark_col is not None and len(values) > remark_col and values[remark_col] is not None:
            remarks[item.key] = str(values[remark_col]).strip()
    if problems:
        more = f"\n……另有 {len(problems) - MAX_PROBLEMS} 处问题。" if len(problems) > MAX_PROBLEMS else ""
        raise ValidationError("专家评分表未导入，请更正后重新导入：\n" + "\n".join(problems[:MAX_PROBLEMS]) + more,
                              "path")
    return scores, remarks


def read_expert_workbook(uow: UnitOfWork, actor: Actor, evaluation_id: int, path: Path,
                         replace: bool = False) -> WorkbookImport:
    """Validate a filled scoring workbook and enter its scores for its expert; nothing is entered when any
    cell is wrong. Scores already entered for that expert are refused unless `replace`."""
    uow.write()
    require_evaluator(actor)
    ev = load(uow, actor, evaluation_id)
    require_draft(ev)
    path = Path(path)
    book = _open(path)
    try:
        info = _info(book, path)
        file_evaluation = _as_int(info.get("evaluation_id", ""))
        if file_evaluation != ev.id:
            raise ValidationError(
                f"“{path.name}”是评价编号 {file_evaluation}（“{info.get('title', '')}”）的评分表，"
                f"不是当前评价（编号 {ev.id}“{ev.title}”）的，未导入。", "path")
        expert_id = _as_int(info.get("expert_id", ""))
        found = _panel_expert(uow, ev.id, expert_id) if expert_id is not None else None
        if expert_id is None or found is None:
            raise ValidationError(f"“{path.name}”的评分专家“{info.get('expert_name', '')}”（编号 {expert_id}）"
                                  "不在本次评价的评价组中，未导入。", "path")
        items = items_of(ev)
        if info.get("items", "") != ",".join(i.key for i in items):
            raise ValidationError(f"“{path.name}”生成后评价指标体系已修改，请重新生成评分表交专家填写。", "path")
        scores, remarks = _read_scores(book, items, found[0])
    finally:
        book.close()
    apply_scores(uow, actor, ev, expert_id, scores, remarks, replace)
    uow.commit()
    return WorkbookImport(expert_id, found[0], len(scores))
