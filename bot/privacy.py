"""Personal data never reaches a log whole: the edge masks openids the same way the domain does."""

from __future__ import annotations

from storage.privacy import mask

__all__ = ["mask"]
