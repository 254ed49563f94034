"""The 项目支出绩效自评表 PDF: the national layout's parts, the figures and the total come back out of the printed
text; a long sheet splits between rows with its header repeated and never leaves the signature alone on a page;
every page renders with ink on it."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from PIL import Image, ImageStat

from core.evaluation.dto import SelfEvaluationDraft
from core.evaluation.rules.scoring import DEFAULT_GRADES, grade
from core.evaluation.rules.self_evaluation import LineInput, SheetLine, distribute_points
from core.evaluation.self_evaluation_report import build_self_evaluation_report

pytestmark = pytest.mark.skipif(not all(shutil.which(t) for t in ("pdftotext", "pdftoppm")),
                                reason="poppler-utils (pdftotext, pdftoppm) are needed to inspect the PDFs")
WEIGHTS = {"output": Decimal(50), "outcome": Decimal(30), "satisfaction": Decimal(10), "execution": Decimal(10)}
TRICKY = "个别农户<b>自筹</b>资金不到位 & 工期延后；下一年度提前摸底。"


def page_texts(pdf: Path) -> list[str]:
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    return [re.sub(r"\s+", "", page) for page in out.split("\f") if page.strip()]


def _draft(lines: list[tuple[str, str, str, str, Decimal | None, str | None, str | None]],
           inputs: dict[str, LineInput], status: str = "final") -> SelfEvaluationDraft:
    points = distribute_points([(f"I{i}", row[0], None) for i, row in enumerate(lines, 1)], WEIGHTS)
    sheet = tuple(SheetLine(f"I{i}", i, l1, l2, name, cmp, target, text, unit, points[f"I{i}"])
                  for i, (l1, l2, name, cmp, target, text, unit) in enumerate(lines, 1))
    at = datetime(2025, 3, 10, 2, tzinfo=UTC)
    draft = SelfEvaluationDraft(
        7, 49, "2024-D005-0002", "2024年河西街道枫树坪村农村低收入群体危房改造", "县住房和城乡建设局", "河西街道办事处",
        2024, status, Decimal("35.91"), (("其中：当年财政拨款", Decimal("30.91")), ("上年结转资金", Decimal(5)),
                                         ("其他资金", Decimal(0))),
        Decimal("40.00"), Decimal("36.00"), "改造农村危房13户，保障低收入群体住房安全。",
        "完成改造12户，1户因自筹资金不到位顺延至次年。", sheet, tuple(inputs.values()), WEIGHTS, DEFAULT_GRADES,
        None, None, "clerk", at, at if status == "final" else None)
    total = draft.result().total
    return replace(draft, score=total, grade=grade(total, DEFAULT_GRADES) if total and status == "final" else None)


SMALL = [
    ("产出指标", "数量指标", "改造农村危房户数", ">=", Decimal(13), None, "户"),
    ("产出指标", "质量指标", "竣工验收合格率", ">=", Decimal(100), None, "%"),
    ("产出指标", "时效指标", "安全责任事故", "=", Decimal(0), None, "起"),
    ("效益指标", "社会效益指标", "群众居住条件", "qual", None, "明显改善", None),
    ("满意度指标", "服务对象满意度指标", "受益群众满意度", ">=", Decimal(85), None, "%"),
]


@pytest.fixture
def small() -> SelfEvaluationDraft:
    return _draft(SMALL, {
        "I1": LineInput("I1", "12", analysis=TRICKY),
        "I2": LineInput("I2", "100", override="15", override_reason="2户验收资料补交", analysis="资料归档滞后。"),
        "I3": LineInput("I3", applicable=False, analysis="本年度无此类事项。"),
        "I4": LineInput("I4", "居住条件明显改善", "达成年度指标", "27"),
        "I5": LineInput("I5", "92")})


def test_the_national_layout_and_the_figures_are_printed(small: SelfEvaluationDraft, tmp_path: Path) -> None:
    result = small.result()
    # 产出 50 over two applicable lines (25 each): 25 × 12/13 = 23.08, override 15 of 16.67 → 22.50; 效益 27; 满意度 10;
    # 执行 36 ÷ 40 × 10 = 9
    assert [r.earned for r in result.lines] == [Decimal("23.08"), Decimal("22.50"), None, Decimal("27.00"),
                                                Decimal("10.00")]
    assert result.total == Decimal("91.58") and small.grade == "优"
    pdf = build_self_evaluation_report(small, tmp_path / "self.pdf")
    pages = page_texts(pdf)
    assert len(pages) == 1
    text = pages[0]
    for expected in (
        "项目支出绩效自评表", "（2024年度）", "项目名称2024年河西街道枫树坪村农村低收入群体危房改造",
        "主管部门县住房和城乡建设局实施单位河西街道办事处",
        "年初预算数全年预算数全年执行数分值执行率得分", "年度资金总额35.9140.0036.001090%9",
        "其中：当年财政拨款30.91", "上年结转资金5.00",
        "预期目标实际完成情况", "改造农村危房13户", "完成改造12户",
        "绩效指标一级指标二级指标三级指标年度指标值实际完成值分值得分偏差原因分析及改进措施",
        "改造农村危房户数≥13户12户2523.08", "个别农户<b>自筹</b>资金不到位&工期",  # markup printed literally
        "计算得分16.67，调整为15，理由：2户验收资料补交",
        "安全责任事故=0起不适用——本年度无此类事项。", "群众居住条件明显改善居住条件明显改善3027",
        "受益群众满意度≥85%92%1010", "总分10091.58自评等级：优",
        "标为“不适用”的指标不计分", "优：90分及以上；良：80（含）至90分",
        "填报人（签字）", "单位负责人（签字）", "填报单位（盖章）：县住房和城乡建设局", "填报日期：2025年3月10日",
    ):
        assert expected in text, expected
    assert "草稿" not in text


def test_a_draft_is_marked(tmp_path: Path) -> None:
    draft = _draft(SMALL[:1], {"I1": LineInput("I1", "")}, status="draft")
    text = "".join(page_texts(build_self_evaluation_report(draft, tmp_path / "draft.pdf")))
    assert "草稿，未定稿" in text and "自评等级：未定稿" in text and "填报日期：年月日" in text


def test_long_sheet_splits_between_rows_and_keeps_the_signature_with_the_table(tmp_path: Path) -> None:
    rows = [("产出指标", ("数量指标", "质量指标", "时效指标", "成本指标")[i // 6], f"产出指标第{i + 1}项", ">=",
             Decimal(100), None, "%") for i in range(24)]
    rows += [("效益指标", "社会效益指标", f"效益指标第{i + 1}项", "qual", None, "明显提升", None) for i in range(6)]
    rows += [("满意度指标", "服务对象满意度指标", "受益群众满意度", ">=", Decimal(90), None, "%")]
    inputs = {f"I{i}": LineInput(f"I{i}", "80", analysis="受雨季影响工期延后，已督促施工单位加快进度。" * 3)
              for i in range(1, 25)}
    inputs |= {f"I{i}": LineInput(f"I{i}", "", "达成年度指标", "5") for i in range(25, 31)}
    inputs["I31"] = LineInput("I31", "95")
    pdf = build_self_evaluation_report(_draft(rows, inputs), tmp_path / "long.pdf")
    pages = page_texts(pdf)
    assert len(pages) >= 3
    for page in pages[1:]:
        assert page.startswith("绩效指标一级指标二级指标三级指标")  # the header row repeated on every page
    assert "受益群众满意度" in pages[-1] and "总分" in pages[-1] and "填报人（签字）" in pages[-1]
    assert sum(page.count("产出指标第") for page in pages) == 24  # no row lost or printed twice
    subprocess.run(["pdftoppm", "-png", "-r", "30", "-gray", str(pdf), str(tmp_path / "page")], check=True)
    images = sorted(tmp_path.glob("page*.png"))
    assert len(images) == len(pages)
    for image in images:  # each page carries a drawn grid and text, not a blank sheet
        mean = ImageStat.Stat(Image.open(image).convert("L")).mean[0]
        assert mean < 245, image.name
