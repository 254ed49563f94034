"""The PDF document builder, checked on real PDFs with poppler's tools: text, page footer, long tables,
escaping of hostile text, font embedding and rendering."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import pypdfium2
import pytest
from reportlab.platypus import Paragraph, Table, TableStyle

from core.common.errors import DomainError
from core.common.printing.document import ReportDocument, _Styles, _Table
from core.common.printing.fonts import find_cjk_font, font_report, register_cjk_font
from core.common.printing.text import cell_text, escape

pytestmark = pytest.mark.skipif(
    not all(shutil.which(tool) for tool in ("pdftotext", "pdffonts", "pdftoppm")),
    reason="poppler-utils (pdftotext, pdffonts, pdftoppm) are needed to inspect the PDFs",
)

HEADER = ["序号", "部门名称", "项目数（个）", "资金（万元）"]


def page_count(pdf: Path) -> int:
    return len(pypdfium2.PdfDocument(pdf))


def page_text(pdf: Path, page: int | None = None) -> str:
    """The text of one page (or all), with whitespace removed: pdftotext spaces CJK text unpredictably."""
    pages = ["-f", str(page), "-l", str(page)] if page else []
    out = subprocess.run(["pdftotext", "-layout", *pages, str(pdf), "-"],
                         check=True, capture_output=True, text=True).stdout
    return re.sub(r"\s+", "", out)


@pytest.fixture(scope="module")
def long_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    doc = ReportDocument(title="长表格分页测试", issuer="某县财政局")
    doc.heading("一、部门资金明细")
    rows = [[i, f"县第{i}部门" + ("（含下属单位，名称很长需要在单元格内换行显示）" if i % 9 == 0 else ""),
             i % 30, Decimal(i * 1234) / Decimal(100)] for i in range(1, 121)]
    doc.table(HEADER, rows, totals=["合计", "", 1, Decimal("99999.99")], title="表1 部门资金明细", unit="单位：万元")
    doc.signature(org="某县财政局", on=date(2024, 12, 31))
    return doc.build(tmp_path_factory.mktemp("long") / "long.pdf")


def test_title_headings_numbers_and_footer(tmp_path: Path) -> None:
    doc = ReportDocument(title="关于2025年度绩效目标审核意见的函", doc_number="X财绩〔2024〕12号",
                         issuer="某县财政局", subtitle="（征求意见稿）")
    doc.heading("一、基本情况")
    doc.paragraph("本次共审核项目18个，涉及资金1,234.56万元。")
    doc.heading("（一）审核范围", level=2)
    doc.key_values([("项目名称", "乡村振兴衔接资金项目"), ("资金总额（万元）", Decimal("1234567.8")),
                    ("开始日期", date(2025, 1, 1)), ("备注", None)])
    doc.table(["指标", "目标值"], [["数量指标", Decimal("98.50")], ["满意度", 95]], totals=["合计", 2])
    doc.signature(org="某县财政局", on=date(2024, 12, 31))

    pdf = doc.build(tmp_path / "letter.pdf")

    text = page_text(pdf)
    for expected in ("某县财政局", "关于2025年度绩效目标审核意见的函", "X财绩〔2024〕12号", "（征求意见稿）",
                     "一、基本情况", "（一）审核范围", "1,234,567.8", "2025年1月1日", "98.50",
                     "2024年12月31日"):
        assert expected in text
    pages = page_count(pdf)
    assert f"第1页共{pages}页" in page_text(pdf, 1)
    assert "预算绩效管理工作台" in text


def test_long_table_splits_with_header_on_every_page(long_pdf: Path) -> None:
    pages = page_count(long_pdf)
    assert pages >= 3
    for page in range(1, pages + 1):
        text = page_text(long_pdf, page)
        assert f"第{page}页共{pages}页" in text
        assert "部门名称项目数（个）资金（万元）" in text
    everything = page_text(long_pdf)
    assert "县第1部门" in everything and "县第120部门" in everything
    assert "县第117部门（含下属单位" in everything  # a wrapped long cell (its lines interleave in layout text)
    assert "1,480.8" in everything  # row 120: 120 * 12.34, thousands separator, the Decimal's own places
    assert "99,999.99" in everything


@pytest.mark.parametrize("hostile", [
    '<font name="x">',
    '<img src="/etc/passwd"/>',
    "&amp;",
    "</para><para>",
    "<b>未闭合",
    "a < b && c > d",
    '<a href="javascript:alert(1)">点我</a>',
])
def test_hostile_text_is_printed_literally(tmp_path: Path, hostile: str) -> None:
    doc = ReportDocument(title=f"标题{hostile}", issuer=hostile, doc_number=hostile)
    doc.heading(hostile)
    doc.paragraph(f"正文{hostile}结束")
    doc.key_values([(hostile, hostile)])
    doc.table([hostile, "值"], [[hostile, 1]], totals=[hostile, 1])
    doc.signature(org=hostile, on=date(2024, 1, 2))

    text = page_text(doc.build(tmp_path / "hostile.pdf"))

    literal = re.sub(r"\s+", "", hostile)
    assert f"标题{literal}" in text
    assert f"正文{literal}结束" in text
    assert text.count(literal) >= 9


def test_cjk_font_is_embedded_and_no_other_font_used(long_pdf: Path) -> None:
    out = subprocess.run(["pdffonts", str(long_pdf)], check=True, capture_output=True, text=True).stdout
    fonts = out.splitlines()[2:]
    assert fonts, out
    for line in fonts:
        assert line.split()[-5] == "yes", f"font not embedded: {line}"
    assert not any("Helvetica" in line for line in fonts)
    assert font_report()["path"] == str(find_cjk_font())


def test_first_page_renders_to_png(long_pdf: Path, tmp_path: Path) -> None:
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile",
                    str(long_pdf), str(tmp_path / "page")], check=True)
    png = tmp_path / "page.png"
    assert png.exists()
    assert png.stat().st_size > 10_000


def test_same_document_builds_to_file_and_bytes(tmp_path: Path) -> None:
    doc = ReportDocument(title="两次生成")
    doc.table(["部门"], [[f"第{i}行"] for i in range(80)])
    data = doc.build_bytes()
    pdf = doc.build(tmp_path / "twice.pdf")
    assert data.startswith(b"%PDF")
    assert len(pypdfium2.PdfDocument(data)) == page_count(pdf) >= 2
    assert [p.name for p in tmp_path.iterdir()] == ["twice.pdf"]  # no temporary file left behind


def test_register_cjk_font_raises_chinese_error_when_nothing_found(tmp_path: Path) -> None:
    (tmp_path / "noto.otf").write_bytes(b"OTTO not embeddable")
    (tmp_path / "broken.ttf").write_bytes(b"not a font at all")
    candidates = [tmp_path / "missing.ttf", tmp_path / "*.otf", tmp_path / "broken.ttf", tmp_path / "*.ttc"]

    assert find_cjk_font([tmp_path / "missing.ttf", tmp_path / "*.otf"]) is None
    with pytest.raises(DomainError, match=r"未找到可嵌入的中文 TrueType 字体.*fonts-wqy-microhei"):
        register_cjk_font(candidates)


def test_register_cjk_font_is_idempotent() -> None:
    assert register_cjk_font() == register_cjk_font()


@pytest.mark.parametrize(("value", "expected"), [
    (None, ""),
    (Decimal("12.50"), "12.50"),
    (Decimal("1234567"), "1,234,567"),
    (2024, "2024"),  # ints stay plain: years and codes must not get separators
    (date(2024, 3, 5), "2024年3月5日"),  # printed documents write dates the official way
    (Decimal("1234.125"), "1,234.125"),  # a cell keeps the places its value carries
    ("文本", "文本"),
])
def test_cell_text(value: object, expected: str) -> None:
    assert cell_text(value) == expected  # type: ignore[arg-type]


def test_escape() -> None:
    assert escape('<a href="x">&amp;</a>') == '&lt;a href="x"&gt;&amp;amp;&lt;/a&gt;'


def test_table_rejects_rows_of_wrong_width() -> None:
    doc = ReportDocument(title="错误")
    with pytest.raises(ValueError, match="2 cells"):
        doc.table(["一", "二", "三"], [["a", "b"]])


@pytest.mark.parametrize("rows", [30, 37, 44])
def test_signature_never_stands_alone_on_its_page(tmp_path: Path, rows: int) -> None:
    """Whatever the length of the body, the seal's page also carries the closing sentence."""
    doc = ReportDocument("县财政局关于绩效目标审核情况的报告")
    doc.table(["序号", "项目"], [[i, f"项目{i}"] for i in range(rows)])
    doc.signature("县财政局", date(2024, 12, 31), closing="特此报告。")
    pdf = doc.build(tmp_path / "sign.pdf")
    pages = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout.split("\f")
    seal_page = next(p for p in pages if "2024年12月31日" in p)
    assert "特此报告。" in seal_page


def test_chinese_punctuation_never_starts_a_line(tmp_path: Path) -> None:
    """reportlab's CJK breaking only knows the Japanese closing marks; ，：；”》 must not open a line either.

    (One mark hangs at the end of the line above; two closing marks in a row, "》。", can still split.)"""
    doc = ReportDocument(title="标点")
    for n in range(1, 30):
        doc.paragraph("审核意见" * (n % 7 + 1) + "，" + "请修改完善：" * (n % 5 + 1) + "“指标值”和《办法》及相关规定；" * (n % 3 + 1) + "等。")
    out = subprocess.run(["pdftotext", "-layout", str(doc.build(tmp_path / "marks.pdf")), "-"], check=True,
                         capture_output=True, text=True).stdout
    starts = [line.strip()[0] for line in out.splitlines() if line.strip()]
    assert len(starts) > 60 and not set(starts) & set("，：；！？”》、。）")


def test_a_row_is_moved_whole_rather_than_split_into_an_empty_sliver() -> None:
    cell = _Styles(register_cjk_font()).cell("left")
    data = [[Paragraph("可行性", cell), Paragraph("本方面未提出修改意见。", cell)]]
    style = TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE")])
    plain, ours = (cls(data, colWidths=[80, 300], splitByRow=1, splitInRow=1, style=style) for cls in (Table, _Table))
    for table in (plain, ours):
        table.wrap(380, 500)
    assert len(plain.split(380, 12)) == 2  # reportlab alone: an empty first piece at the page bottom
    assert ours.split(380, 12) == []  # ours: the row goes to the next page


def test_together_moves_a_short_block_but_not_past_a_big_gap(tmp_path: Path) -> None:
    def build(filler_rows: int) -> Path:
        doc = ReportDocument(title="分节")
        doc.table(["序号", "内容"], [[i, f"第{i}行"] for i in range(filler_rows)])
        with doc.together():
            doc.heading("（一）某项目", level=2)
            doc.key_values([(f"键{i}", f"值{i}") for i in range(12)])
        return doc.build(tmp_path / f"together-{filler_rows}.pdf")

    near_bottom = build(26)  # the block would fit on a page, not on what is left of the first one
    assert "（一）某项目" not in page_text(near_bottom, 1) and "键11值11" in page_text(near_bottom, 2)
    high_up = build(12)  # too much room would be wasted: starts here and continues on page 2
    assert "（一）某项目" in page_text(high_up, 1)
