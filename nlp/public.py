"""The public data sets, joined to gridbot's labels: the hand-labelled Zhejiang board and the Kaohsiung hotline.

The texts stay outside the repository (`../shared/data/appeals-public/`, or wherever GRIDBOT_PUBLIC_DATA
points); the repository keeps only the labels of the Zhejiang messages, keyed by the board's message id
(nlp/data/real/zhejiang-labels.jsonl, guide in nlp/data/real/GUIDE.md).

The train/test split is fixed by the ids: within each label, messages are ordered by the SHA-256 of their id
and the first TEST_PERCENT % (rounded) are the test split. Stratified, so every label is in both; the same for
everyone, and a message never changes side unless labels are added to its label. A train label corrected after
the split was fixed keeps the label it was split by (`split_by`), so a correction moves no message across.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from nlp.dataset import Example
from nlp.taxonomy import DATA_DIR, UNCLASSIFIED

LABELS_FILE = DATA_DIR / "real" / "zhejiang-labels.jsonl"
ZHEJIANG = "zhejiang_liuyan.jsonl"
KAOHSIUNG = "kaohsiung_open1999.jsonl"
ENVIRONMENT = "GRIDBOT_PUBLIC_DATA"
DEFAULT_DIR = Path("..") / "shared" / "data" / "appeals-public"  # relative to the repository
TEST_PERCENT = 30
# The Kaohsiung file maps the hotline's noise types to 综合执法 or 邻里纠纷 (it predates 噪音扰民): its source
# label puts them back where gridbot's taxonomy has them now.
KAOHSIUNG_NOISE = frozenset({"噪音", "妨害安寧"})
NOISE = "噪音扰民"


class PublicDataError(ValueError):
    """A public data file is missing or unreadable; the message names it."""


@dataclass(frozen=True)
class Labelled:
    """A hand label of one Zhejiang message: the main problem, a second one if clearly asked, a note."""

    id: str
    label: str
    second: str | None = None
    note: str | None = None
    split_by: str | None = None  # the label it had when the split was fixed, if corrected since

    @property
    def stratum(self) -> str:
        """The label its side of the split is decided within."""
        return self.split_by or self.label


def read_labels(path: str | Path = LABELS_FILE) -> list[Labelled]:
    """The hand labels, in file order."""
    return [Labelled(str(record["id"]), record["label"], record.get("second"), record.get("note"),
                     record.get("split_by")) for record in _records(Path(path))]


def split(labels: Iterable[Labelled], test_percent: int = TEST_PERCENT) -> dict[str, str]:
    """Message id -> "train" or "test": within each label (as split: `stratum`), the first test_percent % by
    SHA-256 of the id."""
    by_label: dict[str, list[str]] = defaultdict(list)
    for labelled in labels:
        by_label[labelled.stratum].append(labelled.id)
    sides = {}
    for ids in by_label.values():
        ordered = sorted(ids, key=lambda key: hashlib.sha256(key.encode()).hexdigest())
        cut = round(len(ordered) * test_percent / 100)
        sides.update({key: "test" if rank < cut else "train" for rank, key in enumerate(ordered)})
    return sides


def zhejiang(directory: str | Path, side: str | None = None, labels: str | Path = LABELS_FILE,
             unclassified: bool = True) -> list[Example]:
    """The labelled Zhejiang messages (of one side of the split, or all), texts read from directory; without
    `unclassified`, only the in-scope ones (not labelled 待分类)."""
    return [Example(text, item.label) for item, text in with_texts(directory, side, labels)
            if unclassified or item.label != UNCLASSIFIED]


def with_texts(directory: str | Path, side: str | None = None, labels: str | Path = LABELS_FILE
               ) -> list[tuple[Labelled, str]]:
    """The hand labels (of one side of the split, or all) with their messages' texts, read from directory."""
    labelled = read_labels(labels)
    sides = split(labelled)
    texts = {str(record["id"]): record["text"] for record in _records(Path(directory) / ZHEJIANG)}
    missing = [item.id for item in labelled if item.id not in texts]
    if missing:
        raise PublicDataError(f"{Path(directory) / ZHEJIANG}: no message with id {missing[0]} (of {len(missing)})")
    return [(item, texts[item.id]) for item in labelled if side is None or sides[item.id] == side]


def kaohsiung(directory: str | Path) -> list[Example]:
    """The Kaohsiung work orders with their gridbot labels (noise as 噪音扰民)."""
    return [Example(record["text"], NOISE if record.get("source_label") in KAOHSIUNG_NOISE else record["label"])
            for record in _records(Path(directory) / KAOHSIUNG)]


def _records(path: Path) -> Iterator[dict]:
    try:
        with path.open(encoding="utf-8") as lines:
            for line in lines:
                if line.strip():
                    yield json.loads(line)
    except OSError as error:
        raise PublicDataError(f"{path}: cannot read: {error.strerror or error}") from error
    except json.JSONDecodeError as error:
        raise PublicDataError(f"{path}: not JSON lines: {error}") from error
