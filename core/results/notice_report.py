"""The 两书一函 PDFs (提醒敦促函, 整改通知书, 约谈函) in official-document form: the bureau's name in red with the
文号 under it and the red line, the title, the addressee, the text, the table of the items named, the reply date
and the seal block. A batch is one PDF with every notice starting on a new page. Fed with NoticeDocument DTOs."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from reportlab.platypus import Flowable, HRFlowable, Paragraph, Spacer

from core.common import formatting
from core.common.printing.document import ReportDocument, _BoldParagraph, _Styles
from core.common.printing.text import Cell, markup

if TYPE_CHECKING:  # only the types of the DTOs are needed here
    from core.results.dto import NoticeDocument

CLOSINGS = {"reminder": "特此函告。", "notice": "特此通知。", "interview": "特此函告。"}
ITEM_HEADER = ["序号", "项目/事项", "整改要求", "整改期限", "当前状态"]
ITEM_WIDTHS_MM = [12, 30, 60, 34, 22]  # the frame is 158 mm; a date and 整改不合格 fit on one line
ITEM_ALIGN = ["center", "left", "left", "center", "center"]


class NoticeBook(ReportDocument):
    """One PDF of notices. Each notice has its own official head (issuer in red, 文号 above the red line as
    GB/T 9704 places it, then the title), which ReportDocument's single head (文号 under the title) does not
    give; the head is built from document.py's own styles so the notices look like the other reports."""

    def __init__(self, title: str, org_name: str) -> None:
        super().__init__(title=title, issuer=org_name)
        self._parts = []  # every notice adds its own head
        self._count = 0

    def _notice_head(self, number: str, title: str, s: _Styles) -> list[Flowable]:
        issuer = s.issuer()
        return [_BoldParagraph(markup(self.issuer or ""), issuer),
                Spacer(1, 3),
                Paragraph(markup(number), s.centred()),
                HRFlowable(width="100%", thickness=1.6, color=issuer.textColor, spaceBefore=2, spaceAfter=14),
                _BoldParagraph(markup(title), s.title()),
                Spacer(1, 4)]

    def add(self, notice: NoticeDocument) -> None:
        if self._count:
            self.page_break()
        self._count += 1
        self._parts.append(lambda s: self._notice_head(notice.number, notice.title, s))
        self.paragraph(f"{notice.unit_name}：", indent=False)
        self.paragraph(notice.body)
        rows: list[list[Cell]] = [[n, item.subject, item.requirement, formatting.document_date(item.deadline), item.status_label]
                                  for n, item in enumerate(notice.items, start=1)]
        self.table(ITEM_HEADER, rows, col_widths_mm=ITEM_WIDTHS_MM, align=ITEM_ALIGN,
                   title=f"整改事项清单（共{len(rows)}项）")
        reply = formatting.document_date(notice.reply_by) if notice.reply_by else "规定期限"
        if notice.kind == "interview":
            self.paragraph(f"具体约谈时间和地点另行通知，请于{reply}前做好准备。")
        else:
            self.paragraph(f"请于{reply}前书面回复整改情况（可通过数据交换包报送整改反馈）。")
        self.signature(org=notice.org_name, on=notice.issued_on, closing=CLOSINGS[notice.kind])


def build_notices(notices: Sequence[NoticeDocument], target: Path) -> Path:
    """Write the notices (one or many, each from a new page) to `target` and return it."""
    if not notices:
        raise ValueError("no notices to print")
    first = notices[0]
    kinds = {n.kind_label for n in notices}
    label = first.kind_label if len(kinds) == 1 else "两书一函"
    title = first.title if len(notices) == 1 else f"{label}（共{len(notices)}份）"
    book = NoticeBook(title, first.org_name)
    for notice in notices:
        book.add(notice)
    return book.build(target)
