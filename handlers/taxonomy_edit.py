"""Saving a taxonomy edited in the console: validated by the same loader as the file at start-up, then stored as
the newest version (storage/taxonomy_versions.py), which every process takes up (handlers/taxonomy_cache.py).

Refused, with nothing saved: what the loader rejects (its reason, for the operator's words), a taxonomy that
lacks a category the model was trained on (the model could not be used with it: every process would fall back to
the file), and a route to a department no category routed to before, unless the operator confirms it (no staff
member can be registered for it yet: `gridbot staff add --department` accepts only the taxonomy's departments,
so its appeals wait for someone to be added).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy.orm import Session

from nlp import UNCLASSIFIED, Taxonomy, TaxonomyError
from nlp.taxonomy import taxonomy_from_text
from storage import taxonomy_versions
from storage.errors import DomainError

MAX_CHARACTERS = 200_000  # the shipped file is about 30 000; a paste of something else is refused before parsing


class TaxonomyRefused(DomainError):
    """Not saved; `reason`: empty | too_long | invalid | model_category | new_department | unchanged.
    `detail`: the loader's message (invalid) or the names concerned."""

    def __init__(self, reason: str, detail: str = "", names: tuple[str, ...] = ()) -> None:
        super().__init__(reason)
        self.reason = reason
        self.detail = detail
        self.names = names


def check(text: str, in_force: Taxonomy, trained: Collection[str], confirmed: Collection[str] = ()) -> Taxonomy:
    """The taxonomy of `text` if it may replace `in_force`; TaxonomyRefused otherwise. `trained`: the model's
    categories; `confirmed`: new departments the operator has confirmed."""
    if not text.strip():
        raise TaxonomyRefused("empty")
    if len(text) > MAX_CHARACTERS:
        raise TaxonomyRefused("too_long", str(len(text)))
    try:
        taxonomy = taxonomy_from_text(text, "taxonomy")
    except TaxonomyError as error:
        raise TaxonomyRefused("invalid", str(error)) from None
    lost = tuple(name for name in trained if name not in taxonomy.names and name != UNCLASSIFIED)
    if lost:
        raise TaxonomyRefused("model_category", names=lost)
    new = tuple(name for name in taxonomy.departments if name not in in_force.departments and name not in confirmed)
    if new:
        raise TaxonomyRefused("new_department", names=new)
    return taxonomy


def save(session: Session, text: str, in_force: Taxonomy, trained: Collection[str], user_id: int, now: datetime,
         confirmed: Collection[str] = (), restored_from: int | None = None) -> int:
    """Check `text` (TaxonomyRefused) and store it as the newest version, unless it is the version in force
    already; the number of the version now in force."""
    check(text, in_force, trained, confirmed)
    newest = taxonomy_versions.newest(session)
    if newest is not None and newest[1] == text:
        raise TaxonomyRefused("unchanged", str(newest[0]))
    return taxonomy_versions.save(session, text, user_id, now, restored_from)


def restore(session: Session, version_id: int, in_force: Taxonomy, trained: Collection[str], user_id: int,
            now: datetime) -> int:
    """Bring back an earlier version (checked again: the model may have changed since) as the newest; NotFound
    for an unknown number. A department it routes to is confirmed by having been in force before."""
    text = taxonomy_versions.text_of(session, version_id)
    try:
        departments = taxonomy_from_text(text, "taxonomy").departments
    except TaxonomyError as error:
        raise TaxonomyRefused("invalid", str(error)) from None
    return save(session, text, in_force, trained, user_id, now, departments, restored_from=version_id)
