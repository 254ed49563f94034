"""The 事前绩效评估报告 PDF: the conclusion, the amounts (the seeds' 7091.21 → 2000 example) and the sheet come
back out of the printed text."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from core.exante.dto import AssessmentDetail
from core.exante.report import build_exante_report
from core.exante.rules import total_score
from core.exante.service import scoring_sheet

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils' pdftotext is needed")


def flat_text(pdf: Path) -> str:
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    return re.sub(r"\s+", "", out)


@pytest.fixture
def detail() -> AssessmentDetail:
    sheet = scoring_sheet()
    grades = {item.id: "良" for item in sheet.items} | {"economy.costing": "差", "economy.match": "中"}
    return AssessmentDetail(
        project_id=1, project_code="2024-NY-001", project_name="高标准农田土地整治项目", unit_name="县农业农村局",
        implementing_unit="县土地整治中心", year=2024, attribute="新增", fund_type="一般公共预算", manager="张三",
        start_date=date(2024, 1, 1), end_date=date(2025, 12, 31), requested=Decimal("7091.21"), status="final",
        kind="key", grades=grades, score=total_score(sheet, grades), conclusion="partial",
        recommended=Decimal("2000"), cut=Decimal("5091.21"),
        opinion="测算依据不足，<b>单价</b>偏高；建议压减规模，分年度实施。", assessed_by="reviewer",
        assessed_at=datetime(2024, 3, 1, 4, 0, tzinfo=UTC), finalised_at=datetime(2024, 3, 5, 4, 0, tzinfo=UTC),
        sheet=sheet)


def test_conclusion_and_amounts_are_printed(detail: AssessmentDetail, tmp_path: Path) -> None:
    assert detail.score == Decimal("74.80")  # 80 - 8 × (0.8 - 0.3) - 6 × (0.8 - 0.6)
    text = flat_text(build_exante_report(detail, tmp_path / "exante.pdf", org_name="某某县财政局"))
    for expected in (
        "事前绩效评估报告", "高标准农田土地整治项目",
        "一、项目基本情况", "二、评估结论", "三、评估指标及得分", "四、评估意见",
        "经评估，该项目得分74.80分", "评估结论为“部分支持”",
        "项目申请资金7,091.21万元，建议安排2,000.00万元，核减5,091.21万元",
        "核减金额5,091.21万元", "财政重点评估", "2024年1月1日至2025年12月31日",
        "立项必要性政策相关性6良4.80", "成本测算合理性8差2.40", "合计10074.80",
        "测算依据不足，<b>单价</b>偏高",  # user text printed literally, not as markup
        "某某县财政局", "2024年3月5日",
    ):
        assert expected in text, expected
    assert "草稿" not in text


def test_draft_and_rejected_reports(detail: AssessmentDetail, tmp_path: Path) -> None:
    rejected = dataclasses.replace(detail, status="draft", conclusion="reject", recommended=Decimal(0),
                                   cut=Decimal("7091.21"), finalised_at=None, opinion="")
    text = flat_text(build_exante_report(rejected, tmp_path / "rejected.pdf"))
    assert "（草稿，未定稿）" in text
    assert "评估结论为“不予支持”" in text and "建议不予安排，核减7,091.21万元" in text
    assert "（未填写评估意见）" in text and "2024年3月1日" in text
