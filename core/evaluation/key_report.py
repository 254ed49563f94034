"""The 绩效评价报告 PDF of a key evaluation, in the seven-part outline of DOMAIN.md §4 (财预〔2020〕10号):
basic facts, how the evaluation was done (agency, panel, method), the overall score and grade, the indicator
analysis with the framework's score table and each expert's scores with the spread, experience / problems /
causes, recommendations and other matters. Fed with the service's detail record, never with a session."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from core.common import formatting
from core.common.printing.document import ReportDocument
from core.common.printing.text import Cell, cell_text
from core.evaluation.rules.scoring import DROP_EXTREMES_FROM, q
from db.codes import DraftStatus

if TYPE_CHECKING:  # only the types of the DTOs are needed here
    from core.evaluation.key_dto import AggregateRow, KeyEvaluationDetail

LOW_RATE = Decimal(80)  # items scoring below this share of their points are named in the analysis
NOT_WRITTEN = "（尚未填写。）"
EXPERT_ROOM_MM = 87  # of the 158 mm text width, what the expert columns share beside name, points, mean, spread
CN_NUMBERS = "一二三四五六七八九十"
OVERVIEW = {  # the first part's text when the evaluator wrote none
    "project": "{subject}为{department}{year}年度预算项目。",
    "policy": "{subject}的主管部门为{department}。",
    "department": "本次对{subject}{year}年度部门预算资金开展评价。",
}


def _wan(value: Decimal | None) -> str:
    return formatting.MISSING if value is None else f"{formatting.amount(value)}万元"


def _rate(score: Decimal | None, points: Decimal) -> Decimal | None:
    return None if score is None or not points else q(score / points * 100)


def _pct(value: Decimal | None) -> str:
    return formatting.percent(value)


def _lines(text: str, empty: str = NOT_WRITTEN) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()] or [empty]


def _texts(doc: ReportDocument, text: str, empty: str = NOT_WRITTEN) -> None:
    """A written part: one indented paragraph per line the evaluator typed."""
    for line in _lines(text, empty):
        doc.paragraph(line)


def _groups(dto: KeyEvaluationDetail) -> list[tuple[str, Decimal, Decimal | None]]:
    """(一级指标, points, score) in framework order; the score is None until every item has a panel mean."""
    out: dict[str, list[AggregateRow]] = {}
    for row in dto.rows:
        out.setdefault(row.item.level1, []).append(row)
    groups = []
    for level1, rows in out.items():
        points = sum((r.item.weight for r in rows), Decimal(0))
        done = all(r.complete for r in rows)
        groups.append((level1, points, q(sum((r.mean or Decimal(0) for r in rows), Decimal(0))) if done else None))
    return groups


def _thresholds_text(dto: KeyEvaluationDetail) -> str:
    bounds = list(dto.grades)
    parts = []
    for n, (label, low) in enumerate(bounds):
        if n == 0:
            parts.append(f"{label} {low} 分及以上")
        elif low == 0:
            parts.append(f"{label} {bounds[n - 1][1]} 分以下")
        else:
            parts.append(f"{label} {low}（含）至 {bounds[n - 1][1]} 分")
    return "、".join(parts)


def _basic(doc: ReportDocument, dto: KeyEvaluationDetail) -> None:
    doc.heading("一、基本情况")
    pairs: list[tuple[str, Cell]] = [("评价对象", dto.subject), ("对象类型", dto.subject_kind_label)]
    if dto.project_code:
        pairs.append(("项目编码", dto.project_code))
    pairs.append(("主管部门", dto.department_name))
    if dto.unit_name != dto.department_name:
        pairs.append(("预算单位", dto.unit_name))
    pairs.append(("评价年度", f"{dto.year}年"))
    if dto.budget is not None:
        pairs.append(("预算资金", _wan(dto.budget)))
    if dto.executed is not None:
        pairs.append(("实际支出", f"{_wan(dto.executed)}（预算执行率 {_pct(dto.execution_rate)}）"))
    doc.key_values(pairs, key_width_mm=30)
    _texts(doc, dto.texts.get("overview", ""), OVERVIEW[dto.subject_kind].format(
        subject=dto.subject, department=dto.department_name, year=dto.year))


def _work(doc: ReportDocument, dto: KeyEvaluationDetail, org_name: str) -> None:
    doc.heading("二、绩效评价工作开展情况")
    who = (f"委托第三方机构“{dto.agency_name}”" + (f"（{dto.agency_qualification}）" if dto.agency_qualification
                                                   else "") + "实施") if dto.agency_name else "组织专家组实施"
    doc.paragraph(f"根据《项目支出绩效评价管理办法》（财预〔2020〕10号），{org_name}对{dto.subject}开展{dto.year}"
                  f"年度财政重点评价，{who}。")
    lead = next((p.name for p in dto.panel if p.role == "lead"), None)
    groups = "、".join(f"{name} {cell_text(points)} 分" for name, points, _s in _groups(dto))
    drop = (f"；专家达到 {DROP_EXTREMES_FROM} 名及以上时，去掉一个最高分和一个最低分后取平均值"
            if len(dto.panel) >= DROP_EXTREMES_FROM else "")
    panel = ((f"评价组由 {len(dto.panel)} 名专家组成" + (f"，组长为{lead}" if lead else "")) if dto.panel
             else "评价组尚未组建")
    doc.paragraph(f"{panel}。评价采用专家评分法，按照“{dto.template_name}”的 {len(_groups(dto))} 个一级指标、"
                  f"{len(dto.items)} 个三级指标逐项评分，一级指标分值为{groups}，合计 100 分。"
                  f"各指标得分取专家评分的平均值{drop}。")
    for warning in dto.warnings:
        doc.paragraph(f"指标体系说明：{warning}")
    if dto.panel:
        doc.table(["序号", "姓名", "工作单位", "职称", "评价组职务"],
                  [[n, p.name, p.employer or "—", p.title or "—", p.role_label] for n, p in enumerate(dto.panel, 1)],
                  col_widths_mm=[14, 24, 66, 30, 24], align=["center", "center", "left", "center", "center"],
                  title="评价组成员")


def _conclusion(doc: ReportDocument, dto: KeyEvaluationDetail) -> None:
    doc.heading("三、综合评价情况及评价结论")
    if dto.score is None:
        doc.paragraph("专家评分尚未完成，暂无综合得分和评价等级。")
    else:
        doc.paragraph(f"经评价，{dto.subject}综合得分 {dto.score} 分，评价等级为“{dto.grade}”"
                      f"（{_thresholds_text(dto)}）。")
    groups = _groups(dto)
    rows: list[list[Cell]] = [[name, points, score, _pct(_rate(score, points))] for name, points, score in groups]
    total = sum((p for _n, p, _s in groups), Decimal(0))
    doc.table(["一级指标", "分值（分）", "得分（分）", "得分率"], rows, col_widths_mm=[50, 36, 36, 36],
              align=["center", "right", "right", "right"],
              totals=["合计", total, dto.score, _pct(_rate(dto.score, total))], title="一级指标得分情况")


def _score_rows(dto: KeyEvaluationDetail) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    shown = ("", "")
    for r in dto.rows:
        item = r.item
        level1 = item.level1 if item.level1 != shown[0] else ""
        level2 = item.level2 if (item.level1, item.level2) != shown else ""
        rows.append([level1, level2, item.name, item.standard, item.weight, r.mean])
        shown = (item.level1, item.level2)
    return rows


def _expert_cell(row: AggregateRow, position: int) -> str:
    score = row.scores[position]
    if score is None:
        return "—"
    text = cell_text(score)
    if position in row.dropped:
        text = f"({text})"  # half-width brackets: a narrow column keeps "(3.30)*" on one line
    return text + ("*" if position in row.outliers else "")


def _expert_table(doc: ReportDocument, dto: KeyEvaluationDetail) -> None:
    names = [p.name for p in dto.panel]
    rows: list[list[Cell]] = [[r.item.name, r.item.weight, *(_expert_cell(r, i) for i in range(len(names))),
                               r.mean, r.spread] for r in dto.rows]
    width = min(22.0, EXPERT_ROOM_MM / max(1, len(names)))
    doc.table(["三级指标", "分值", *names, "平均分", "极差"], rows,
              col_widths_mm=[32, 11, *([width] * len(names)), 15, 13],
              align=["left", "right", *(["right"] * len(names)), "right", "right"], title="专家评分明细（单位：分）")
    notes = ["“—”表示尚未评分。"] if any(s is None for r in dto.rows for s in r.scores) else []
    if any(r.dropped for r in dto.rows):
        notes.append("括号内为计算平均分时去掉的一个最高分和一个最低分。")
    if any(r.outliers for r in dto.rows):
        notes.append("带“*”的评分偏离该项专家评分中位数超过该项分值的 20%。")
    if notes:
        doc.paragraph("注：" + "".join(notes), indent=False)


def _analysis(doc: ReportDocument, dto: KeyEvaluationDetail) -> None:
    doc.heading("四、绩效评价指标分析")
    doc.heading("（一）各项指标得分情况", level=2)
    doc.table(["一级指标", "二级指标", "三级指标", "评分标准", "分值", "得分"], _score_rows(dto),
              col_widths_mm=[18, 18, 30, 58, 12, 16], align=["center", "center", "left", "left", "right", "right"],
              totals=["合计", "", "", "", sum((i.weight for i in dto.items), Decimal(0)), dto.score])
    doc.heading("（二）专家评分情况", level=2)
    _expert_table(doc, dto)
    doc.heading("（三）指标分析", level=2)
    for n, (name, points, score) in enumerate(_groups(dto)):
        rows = [r for r in dto.rows if r.item.level1 == name]
        text = f"{n + 1}. {name}指标：分值 {cell_text(points)} 分，"
        text += "评分尚未完成。" if score is None else f"得分 {score} 分，得分率 {_pct(_rate(score, points))}。"
        low = [r for r in rows if r.mean is not None and (_rate(r.mean, r.item.weight) or 0) < LOW_RATE]
        if low:
            text += "失分较多的指标：" + "、".join(f"“{r.item.name}”（{r.mean}/{cell_text(r.item.weight)} 分）"
                                          for r in low) + "。"
        split = [r for r in rows if r.outliers]
        if split:
            text += "专家意见分歧较大的指标：" + "、".join(f"“{r.item.name}”（极差 {r.spread} 分）" for r in split) + "。"
        doc.paragraph(text)


def _numbered(doc: ReportDocument, parts: Sequence[tuple[str, str]]) -> None:
    for n, (heading, text) in enumerate(parts):
        doc.heading(f"（{CN_NUMBERS[n]}）{heading}", level=2)
        _texts(doc, text)


def build_key_evaluation_report(dto: KeyEvaluationDetail, path: Path, org_name: str = "县财政局") -> Path:
    """Write the evaluation report of one key evaluation to `path` and return it."""
    draft = dto.status != DraftStatus.FINAL
    kind = "部门评价报告" if dto.subject_kind == "department" else "绩效评价报告"
    doc = ReportDocument(title=f"{dto.subject}\n{kind}",
                         subtitle=f"{dto.year}年度财政重点评价" + ("（草稿，未定稿）" if draft else ""))
    _basic(doc, dto)
    _work(doc, dto, org_name)
    _conclusion(doc, dto)
    _analysis(doc, dto)
    doc.heading("五、主要经验及做法、存在的问题及原因分析")
    _numbered(doc, [("主要经验及做法", dto.texts.get("experience", "")), ("存在的问题", dto.texts.get("findings", "")),
                    ("原因分析", dto.texts.get("causes", ""))])
    doc.heading("六、有关建议")
    _texts(doc, dto.texts.get("recommendations", ""))
    signed = dto.finalised_at or dto.updated_at
    *lines, last = _lines(dto.texts.get("other", ""), "无。")
    with doc.together():  # the last part's heading, its text and the seal are not parted by a page break
        doc.heading("七、其他需要说明的问题")
        for line in lines:
            doc.paragraph(line)
        doc.signature(org=dto.agency_name or org_name, on=signed.astimezone().date(), closing=last)
    return doc.build(path)
