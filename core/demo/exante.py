"""Ex-ante assessments of the demo county: every new project at or above the threshold has a final one
(graded on the shipped scoring sheet, some with a cut), except where the planted defect `exante_missing`
leaves it out, so the review rule F07 has real records to check against."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from core.demo.build import Draft
from core.exante.rules import AMOUNT_QUANTUM, conclude, needs_assessment, total_score
from core.exante.service import scoring_sheet

KEY_ASSESSMENT_FROM_WAN = Decimal(500)  # larger projects are assessed by the bureau itself (财政重点评估)
GRADE_WEIGHTS = (("优", 5), ("良", 4), ("中", 1))
PARTIAL_SHARE = 0.2
OPINIONS = {
    "support": "项目立项依据充分，投入测算基本合理，绩效目标明确，实施方案可行，筹资合规，建议予以支持。",
    "partial": "项目必要性较充分，但部分支出测算标准偏高，建议按核定标准压减后予以部分支持。",
}


def exante_rows(drafts: list[Draft], ids: dict[int, int], first_id: int, threshold: Decimal) -> list[dict[str, Any]]:
    """Rows for `exante_assessment`, one per draft (of either year) that needs one and is not planted-missing."""
    rng = random.Random(f"demo-exante-{len(drafts)}")
    sheet = scoring_sheet()
    grades = [str(grade) for grade, _ in GRADE_WEIGHTS]
    weights = [weight for _, weight in GRADE_WEIGHTS]
    rows: list[dict[str, Any]] = []
    for d in drafts:
        if not (needs_assessment(d.attribute, d.total, threshold) and d.exante_done):
            continue
        chosen = {item.id: rng.choices(grades, weights=weights)[0] for item in sheet.items}
        score = total_score(sheet, chosen)
        recommended = d.total
        if rng.random() < PARTIAL_SHARE:
            recommended = (d.total * Decimal(rng.randint(70, 90)) / 100).quantize(AMOUNT_QUANTUM)
        outcome = conclude(score, d.total, recommended, sheet.pass_score)
        at = datetime(d.year - 1, 9, 1, 2, tzinfo=UTC) + timedelta(hours=len(rows))
        rows.append({"id": first_id + len(rows), "project_id": ids[id(d)],
                     "kind": "key" if d.total >= KEY_ASSESSMENT_FROM_WAN else "self", "status": "final",
                     "grades_json": json.dumps(chosen, ensure_ascii=False, sort_keys=True), "score": score,
                     "conclusion": outcome.conclusion, "requested_amount": d.total,
                     "recommended_amount": outcome.recommended,
                     "opinion": OPINIONS.get(outcome.conclusion, "评估得分未达到支持标准，建议不予安排。"),
                     "assessed_by": "demo", "assessed_at": at, "finalised_at": at + timedelta(days=3)})
    return rows
