"""Saved photos on disk: GRIDBOT_DATA_DIR/media/<first two hex digits of the sha256>/<sha256>.

Content-addressed: the same bytes always land in the same file, so a job that runs twice writes nothing new, and
a file is written under a temporary name and renamed, so a job that dies halfway leaves no half photo behind a
name. Only images within MAX_BYTES (WeChat's own limit for an image) are kept, known by their first bytes.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

MAX_BYTES = 10 * 1024 * 1024
# The magic numbers of the image formats WeChat passes on, and the content type each is served as.
SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"BM", "image/bmp"),
)


class NotAnImage(ValueError):
    """The bytes are too large, empty, or not an image we know; the message says which."""


@dataclass(frozen=True)
class Kept:
    """A photo on disk."""

    sha256: str
    size: int
    content_type: str
    written: bool  # False: the same bytes were there already


def content_type(data: bytes) -> str:
    """The image type of `data` by its magic number; NotAnImage when it is none, too large or empty."""
    if not data:
        raise NotAnImage("empty file")
    if len(data) > MAX_BYTES:
        raise NotAnImage(f"{len(data)} bytes, over the {MAX_BYTES}-byte limit")
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    for magic, kind in SIGNATURES:
        if data.startswith(magic):
            return kind
    raise NotAnImage(f"not an image (starts with {data[:8].hex()})")


def path_of(data_dir: Path, sha256: str) -> Path:
    """Where the photo with this digest lives."""
    return data_dir / "media" / sha256[:2] / sha256


def keep(data_dir: Path, data: bytes) -> Kept:
    """Store an image's bytes under their digest (once); NotAnImage refuses anything else."""
    kind = content_type(data)
    digest = hashlib.sha256(data).hexdigest()
    target = path_of(data_dir, digest)
    if target.is_file() and target.stat().st_size == len(data):
        return Kept(digest, len(data), kind, written=False)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".part-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return Kept(digest, len(data), kind, written=True)
