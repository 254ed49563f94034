"""The report preview renders every page of a real PDF, and printing draws them onto a real QPrinter; the workbook
save dialog opens without blocking and hands the chosen path over."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import pypdfium2 as pdfium
from PySide6.QtGui import QPageSize
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QFileDialog, QWidget

from core.common.printing.document import ReportDocument
from desktop.widgets.report_preview import ReportPreview, ask_workbook_path, print_pdf, render_page


def _three_page_report(path: Path) -> Path:
    doc = ReportDocument("县财政局关于项目绩效目标审核情况的报告", doc_number="县财绩〔2024〕1号")
    doc.heading("一、基本情况")
    doc.table(["序号", "项目名称", "金额（万元）"], [[i, f"第{i}个项目", i * 10] for i in range(1, 120)])
    doc.signature("县财政局", date(2024, 12, 31))
    return doc.build(path)


def _pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def test_preview_shows_every_page(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pdf = _three_page_report(tmp_path / "report.pdf")
    preview = ReportPreview(pdf, "审核情况报告")
    qtbot.addWidget(preview)
    assert preview.page_count() == _pages(pdf) >= 3
    assert f"共 {preview.page_count()} 页" in preview.info.text()
    assert len(preview.page_labels) == preview.page_count()
    first = preview.page_labels[0].pixmap()
    assert abs(first.height() / first.width() - 297 / 210) < 0.02  # A4 portrait
    width_before = first.width()
    preview.zoom(1.25)
    assert preview.page_labels[-1].pixmap().width() > width_before
    preview.done(0)


def test_printing_puts_every_page_on_the_printer(qapp, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pdf = _three_page_report(tmp_path / "report.pdf")
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    assert print_pdf(pdf, printer) == _pages(pdf)
    assert _pages(tmp_path / "printed.pdf") == _pages(pdf)
    printed = pdfium.PdfDocument(str(tmp_path / "printed.pdf"))
    page = render_page(printed, 0, 30)
    printed.close()
    dark = sum(1 for y in range(0, page.height(), 2) for x in range(0, page.width(), 2)
               if page.pixelColor(x, y).lightness() < 128)
    assert dark > 200  # the title, table lines and text are on the printed page, not a blank sheet


def test_workbook_save_dialog_does_not_block_and_hands_over_the_path(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    parent = QWidget()
    qtbot.addWidget(parent)
    chosen: list[Path] = []
    dialog = ask_workbook_path(parent, "导出整改台账", "2024年度整改台账.xlsx", chosen.append)
    assert dialog.isVisible() and dialog.windowTitle() == "导出整改台账"
    assert dialog.acceptMode() == QFileDialog.AcceptMode.AcceptSave and dialog.defaultSuffix() == "xlsx"
    assert Path(dialog.selectedFiles()[0]).name == "2024年度整改台账.xlsx"
    dialog.fileSelected.emit(str(tmp_path / "台账.xlsx"))
    assert chosen == [tmp_path / "台账.xlsx"]
    dialog.close()
