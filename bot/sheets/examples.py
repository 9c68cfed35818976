"""Reading labelled examples for `gridbot nlp train|eval --data`: a spreadsheet (CSV or .xlsx) or JSONL.

A spreadsheet is read as the org and FAQ imports read theirs (UTF-8, UTF-8 with BOM or GBK; .xlsx's first
sheet; Excel's row numbers), with a 内容 and a 类别 column under any of the names nlp/dataset.py accepts.
"""

from __future__ import annotations

from pathlib import Path

from bot.sheets.table import Columns, read_table
from nlp.dataset import LABEL_COLUMNS, TEXT_COLUMNS, Example, examples_from_rows, read_examples

EXAMPLE_COLUMNS = Columns({"text": TEXT_COLUMNS[0], "label": LABEL_COLUMNS[0]}, ("text", "label"),
                          {"text": TEXT_COLUMNS[1:], "label": LABEL_COLUMNS[1:]})
JSON_LINES = (".jsonl", ".json")


def read_labelled(path: Path | str, require_labels: int = 2) -> list[Example]:
    """Every example of the file; raises TableFileError (the file) or DatasetError (its rows, all of them)."""
    path = Path(path)
    if path.suffix.lower() in JSON_LINES:
        return read_examples(path, require_labels)
    rows = read_table(path, EXAMPLE_COLUMNS)
    return examples_from_rows(str(path), ((row.line, row.cells["text"], row.cells["label"]) for row in rows),
                              require_labels)
