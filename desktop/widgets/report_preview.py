"""Report preview: PDF pages rendered with PDFium, with Print (pages drawn onto the printer) and Save as; the
background PDF launcher and the save dialog every workbook export asks its path with.

PDFium and Qt's print support load with the first preview or print, not with the pages that offer one."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QImage, QKeySequence, QPainter, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop.shell.errors import show_error
from desktop.shell.tasks import TaskRunner

if TYPE_CHECKING:
    import pypdfium2 as pdfium
    from PySide6.QtPrintSupport import QPrinter

QIMAGE_FORMATS = {
    "RGB": QImage.Format.Format_RGB888,
    "RGBA": QImage.Format.Format_RGBA8888,
    "RGBX": QImage.Format.Format_RGBX8888,
    "L": QImage.Format.Format_Grayscale8,
}


def render_page(pdf: pdfium.PdfDocument, index: int, dpi: float) -> QImage:
    bitmap = pdf[index].render(scale=dpi / 72, rev_byteorder=True)  # bytes in R, G, B order
    image = QImage(bitmap.buffer, bitmap.width, bitmap.height, bitmap.stride, QIMAGE_FORMATS[bitmap.mode])
    if image.isNull():
        raise OSError(f"无法渲染 PDF 第 {index + 1} 页")
    return image.copy()  # detach from the PDFium buffer


def print_pdf(path: Path, printer: QPrinter) -> int:
    """Draw every page of the PDF at the printer's resolution; return the pages printed."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    count = len(pdf)
    painter = QPainter()
    if not painter.begin(printer):
        raise OSError("无法启动打印机。")
    try:
        for i in range(count):
            if i:
                printer.newPage()
            image = render_page(pdf, i, min(printer.resolution(), 300))
            target = painter.viewport()
            size = image.size().scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
            painter.drawImage(QRect(target.x(), target.y(), size.width(), size.height()), image)
    finally:
        painter.end()
        pdf.close()
    return count


class ReportPreview(QDialog):
    def __init__(self, path: Path, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self.setWindowTitle(f"报表预览 — {title}")
        self.resize(900, 1000)
        import pypdfium2 as pdfium

        self._pdf = pdfium.PdfDocument(str(path))
        self._zoom = 1.0
        self.page_labels: list[QLabel] = []
        self.pages = QWidget(self)
        self._pages_layout = QVBoxLayout(self.pages)
        self._pages_layout.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        scroll = QScrollArea(self)
        scroll.setWidget(self.pages)
        scroll.setWidgetResizable(True)
        scroll.setObjectName("previewArea")
        self.info = QLabel(f"共 {len(self._pdf)} 页", self)
        buttons = QHBoxLayout()
        for text, slot in (("打印(&P)…", self.print_dialog), ("另存为(&S)…", self.save_as),
                           ("放大(&+)", lambda: self.zoom(1.25)), ("缩小(&-)", lambda: self.zoom(0.8)),
                           ("关闭", self.accept)):
            button = QPushButton(text, self)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.info)
        QShortcut(QKeySequence.StandardKey.Print, self, self.print_dialog)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save_as)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(scroll)
        self._render()

    def page_count(self) -> int:
        return len(self._pdf)

    def _render(self) -> None:
        for old in self.page_labels:
            self._pages_layout.removeWidget(old)
            old.deleteLater()
        self.page_labels = []
        for i in range(len(self._pdf)):
            label = QLabel(self.pages)
            label.setPixmap(QPixmap.fromImage(render_page(self._pdf, i, 96 * self._zoom)))
            label.setObjectName("previewPage")
            self._pages_layout.addWidget(label)
            self.page_labels.append(label)

    def zoom(self, factor: float) -> None:
        self._zoom = max(0.5, min(3.0, self._zoom * factor))
        self._render()

    def save_as(self) -> None:
        target, _ = QFileDialog.getSaveFileName(self, "另存为", str(Path.home() / self.path.name), "PDF 文件 (*.pdf)")
        if target:
            shutil.copyfile(self.path, target)

    def print_dialog(self) -> None:
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        if QPrintDialog(printer, self).exec() == QDialog.DialogCode.Accepted:
            print_pdf(self.path, printer)

    def done(self, result: int) -> None:
        self._pdf.close()
        super().done(result)


class ReportLauncher:
    """Builds a report PDF on the background helper into a temporary folder, then opens the preview.

    The button that asked for it is disabled meanwhile; `preview` is the last preview opened.
    """

    def __init__(self, parent: QWidget, runner: TaskRunner, button: QPushButton) -> None:
        self._parent = parent
        self._runner = runner
        self._button = button
        self.preview: ReportPreview | None = None

    def build(self, file_name: str, service: Callable[..., Any], *args: Any) -> None:
        target = Path(tempfile.mkdtemp(prefix="perfbudget-")) / file_name.replace("/", "-").replace("\\", "-")
        self._button.setEnabled(False)
        self._runner.read(service, *args, target, on_done=self._show, on_error=self._failed)

    def _show(self, path: Path) -> None:
        self._button.setEnabled(True)
        self.preview = ReportPreview(path, path.stem, self._parent)
        self.preview.open()

    def _failed(self, exc: BaseException) -> None:
        self._button.setEnabled(True)
        show_error(self._parent, exc, "报表生成失败")


def ask_workbook_path(parent: QWidget, title: str, name: str, then: Callable[[Path], None]) -> QFileDialog:
    """Opens (without blocking) a save dialog for an Excel workbook, proposing `name` in the home folder; a
    chosen path goes to `then`. The caller keeps the returned dialog (e.g. as `self.dialog`) while it is open."""
    dialog = QFileDialog(parent, title, str(Path.home() / name), "Excel 工作簿 (*.xlsx)")
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setDefaultSuffix("xlsx")
    dialog.fileSelected.connect(lambda path: then(Path(path)))
    dialog.open()
    return dialog
