"""A saved model directory copied and its model.json changed, for tests of what LinearModel.load refuses."""

import json
from pathlib import Path
from typing import Any, Callable

import pytest


def rewrite(directory: Path, change: Callable[[dict[str, Any]], Any]) -> None:
    """Apply `change` to the directory's model.json in place."""
    meta = json.loads((directory / "model.json").read_text(encoding="utf-8"))
    change(meta)
    (directory / "model.json").write_text(json.dumps(meta), encoding="utf-8")


def copied(source: Path, target: Path) -> Path:
    """The model's three files copied from `source` into `target`."""
    for name in ("model.json", "features.txt", "weights.npy"):
        (target / name).write_bytes((source / name).read_bytes())
    return target


def refused_after(directory: Path, change: Callable[[dict[str, Any]], Any], match: str) -> None:
    """Change the directory's model.json and check that loading it fails with a ModelError matching `match`."""
    from nlp import LinearModel, ModelError

    rewrite(directory, change)
    with pytest.raises(ModelError, match=match):
        LinearModel.load(directory)
