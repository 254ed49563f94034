"""The canvas every PDF report draws on: it keeps the pages until the end so that each footer can say
第 X 页 共 Y 页 (reportlab's two-pass recipe)."""

from __future__ import annotations

from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas


class NumberedCanvas(Canvas):
    """The page number is centred on the page at `number_y` in `number_size` pt; a `footer_note` (if any) goes
    small and grey below it. Pass it to `doc.build(story, canvasmaker=partial(NumberedCanvas, font_name=…))`.
    """

    def __init__(self, *args: Any, font_name: str, footer_note: str = "", number_size: float = 10.5,
                 number_y: float = 14 * mm, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._font_name = font_name
        self._footer_note = footer_note
        self._number_size = number_size
        self._number_y = number_y
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self._draw_footer(total)
            super().showPage()
        super().save()

    def _draw_footer(self, total: int) -> None:
        centre = self._pagesize[0] / 2
        self.saveState()
        self.setFillColor(colors.black)
        self.setFont(self._font_name, self._number_size)
        self.drawCentredString(centre, self._number_y, f"第 {self._pageNumber} 页 共 {total} 页")
        if self._footer_note:
            self.setFillColor(colors.HexColor("#808080"))
            self.setFont(self._font_name, 7.5)
            self.drawCentredString(centre, 9 * mm, self._footer_note)
        self.restoreState()
