"""Printable binding posters (`gridbot org codes --out` and the console's poster downloads): one A4 PDF per building, its QR code drawn from the URL WeChat gave, its name and
"扫码绑定住址" under it.

PDF because it needs no font file: reportlab's built-in CID font STSong-Light is understood by every PDF reader,
while a PNG would need a Chinese font on this machine (often none is installed). The QR code is drawn as vector
squares from segno's matrix (pure Python, no image library), so it prints sharp at any size. Nothing is fetched:
the code is made here from the URL.
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

FONT = "STSong-Light"
CALL_TO_ACTION = "扫码绑定住址"
HINT = "微信扫一扫，关注后即绑定到本楼栋，反映问题直接派给本网格"
QR_SIDE_MM = 120


def write_poster(path: Path | BinaryIO, url: str, building: str) -> None:
    """An A4 page: the QR code of `url`, the building's name and the call to scan, written to a file or a stream."""
    import segno
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    width, height = A4
    # invariant=True keeps the file byte-for-byte the same on a re-run (no creation date, no random id).
    page = canvas.Canvas(str(path) if isinstance(path, Path) else path, pagesize=A4, invariant=True)
    page.setTitle(f"{building} {CALL_TO_ACTION}")
    matrix = segno.make(url, error="m", micro=False).matrix
    side = QR_SIDE_MM * mm
    module = side / len(matrix)
    left, bottom = (width - side) / 2, height - 60 * mm - side
    for row_index, row in enumerate(matrix):
        for column_index, dark in enumerate(row):
            if dark:
                page.rect(left + column_index * module, bottom + side - (row_index + 1) * module, module, module,
                          stroke=0, fill=1)
    page.setFont(FONT, 26)
    page.drawCentredString(width / 2, height - 40 * mm, CALL_TO_ACTION)
    page.setFont(FONT, 22)
    page.drawCentredString(width / 2, bottom - 18 * mm, building)
    page.setFont(FONT, 12)
    page.drawCentredString(width / 2, bottom - 30 * mm, HINT)
    page.showPage()
    page.save()


def poster_name(building_id: int, label: str) -> str:
    """The file name: the building's ID first (unique, sorts by creation), its name for people."""
    safe = "".join(char if char.isalnum() or char in "-_" else "_" for char in label)
    return f"{building_id:05d}_{safe}.pdf"
