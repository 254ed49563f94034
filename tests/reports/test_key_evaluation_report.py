"""The key evaluation report PDF: the seven parts of DOMAIN.md §4 in order, the framework table with the panel's
item scores, each expert's scores with the dropped extremes and the spread, the texts as typed (not markup),
and pages that carry ink; a draft is marked and shows what is not scored yet."""

from __future__ import annotations

import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from PIL import Image

from core.common.runner import call
from core.evaluation import key as ke
from core.org.rules.roles import Actor
from db.database import Database
from tests.key_evaluation_county import YEAR, build, full_scores
from tests.reports.test_review_letter import assert_pages_have_ink

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None,
                                reason="poppler-utils (pdftotext, pdftoppm) are needed")
PARTS = ("一、基本情况", "二、绩效评价工作开展情况", "三、综合评价情况及评价结论", "四、绩效评价指标分析",
         "五、主要经验及做法、存在的问题及原因分析", "六、有关建议", "七、其他需要说明的问题")


def flat_text(pdf: Path) -> str:
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    return re.sub(r"\s+", "", out)


@pytest.fixture
def evaluation(db: Database, admin_actor: Actor) -> int:
    county = build(db, admin_actor)
    evaluation_id = call(db, ke.create, admin_actor, YEAR, "project", county.project_id, None).evaluation_id
    call(db, ke.set_panel, admin_actor, evaluation_id,
         [(e, "lead" if n == 0 else "member") for n, e in enumerate(county.experts)], county.agency_id)
    weights = {i.key: i.weight for i in call(db, ke.get_evaluation, admin_actor, evaluation_id).items}
    shares = ("0.9", "0.8", "0.85", "0.95", "0.6")
    for expert, share in zip(county.experts, shares, strict=True):
        call(db, ke.enter_scores, admin_actor, evaluation_id, expert, full_scores(weights, Decimal(share)))
    call(db, ke.save_texts, admin_actor, evaluation_id, {
        "overview": "项目资助家庭经济困难学生。",
        "experience": "建立了受助学生台账。",
        "findings": "部分资金拨付滞后。\n绩效目标<b>不够</b>细化。",
        "causes": "审批环节较多。",
        "recommendations": "简化拨付流程，细化绩效目标。"})
    return evaluation_id


def test_seven_parts_and_score_tables(db: Database, admin_actor: Actor, evaluation: int, tmp_path: Path) -> None:
    call(db, ke.rate_agency, admin_actor, evaluation, 4)
    call(db, ke.finalise, admin_actor, evaluation)
    detail = call(db, ke.get_evaluation, admin_actor, evaluation)
    pdf = call(db, ke.key_evaluation_pdf, admin_actor, evaluation, tmp_path / "评价报告.pdf")
    text = flat_text(pdf)
    positions = [text.find(part) for part in PARTS]
    assert all(p >= 0 for p in positions) and positions == sorted(positions), positions
    # D1 立项依据充分性, 4 points: 3.6 / 3.2 / 3.4 / 3.8 / 2.4 → 2.4 and 3.8 dropped, mean 3.40, spread 1.40
    for expected in (
        f"{detail.subject}", "绩效评价报告", "委托第三方机构“华信会计师事务所”", "评价组由5名专家组成，组长为林晓",
        "去掉一个最高分和一个最低分后取平均值",
        f"综合得分{detail.score}分，评价等级为“{detail.grade}”",
        "决策项目立项立项依据充分性", "43.40",  # the framework table: points 4, panel score 3.40
        "三级指标分值林晓黄建军何平罗敏高远平均分极差",
        "立项依据充分性43.603.203.40(3.80)(2.40)*3.401.40",
        f"合计100{detail.score}",
        "部分资金拨付滞后。绩效目标<b>不够</b>细化。",  # typed text printed literally
        "简化拨付流程，细化绩效目标。", "华信会计师事务所",
    ):
        assert expected in text, expected
    assert "草稿" not in text and "未评分" not in text
    assert assert_pages_have_ink(pdf, tmp_path) >= 4


def test_a_draft_report_is_marked_and_shows_missing_scores(db: Database, admin_actor: Actor, evaluation: int,
                                                             tmp_path: Path) -> None:
    detail = call(db, ke.get_evaluation, admin_actor, evaluation)
    call(db, ke.set_panel, admin_actor, evaluation, [(p.expert_id, p.role) for p in detail.panel[:4]], None,
         drop_scores=True)
    call(db, ke.enter_scores, admin_actor, evaluation, detail.panel[3].expert_id, {"D1": None}, replace=True)
    pdf = call(db, ke.key_evaluation_pdf, admin_actor, evaluation, tmp_path / "草稿.pdf")
    text = flat_text(pdf)
    assert "2024年度财政重点评价（草稿，未定稿）" in text
    assert "专家评分尚未完成，暂无综合得分和评价等级" in text
    assert "立项依据充分性43.603.203.40—" in text and "“—”表示尚未评分" in text
    assert "组织专家组实施" in text and "七、其他需要说明的问题无。" in text
    assert_pages_have_ink(pdf, tmp_path)
    first = sorted(tmp_path.glob("草稿-*.png"))[0]
    assert Image.open(first).size[0] in (495, 496, 497)
