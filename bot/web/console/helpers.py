"""What every console template may use: the token for its forms, the operator, the wording, times in Beijing
time, and appeal text with personal numbers masked."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import quote

from flask import g
from sqlalchemy.orm import Session

from bot.web.console import texts
from bot.web.console.guard import CSRF_FIELD, blueprint, csrf_token
from handlers import staff_texts
from handlers.resident_texts import LOCAL_ZONE
from storage.models import Community, Grid, Street
from storage.privacy import mask_personal_numbers
from storage.queries import Scope


@blueprint.context_processor
def template_helpers() -> dict[str, Any]:
    return {"csrf_token": csrf_token, "csrf_field": CSRF_FIELD, "texts": texts, "operator": g.get("operator"),
            "local": local, "masked": mask_personal_numbers, "event_name": event_name, "event_note": event_note,
            "event_who": staff_texts.event_who, "contact_line": staff_texts.contact_line,
            "due_clock": staff_texts.due_clock}


def local(at: datetime | None, form: str = "%Y-%m-%d %H:%M") -> str:
    """A time as the operator reads it (Beijing time); empty for none."""
    return at.astimezone(LOCAL_ZONE).strftime(form) if at is not None else ""


def event_name(action: str) -> str:
    return staff_texts.EVENT_NAMES.get(action, action)


def event_note(action: str, note: str | None) -> str:
    return mask_personal_numbers(staff_texts.event_note(action, note)) if note else ""


def scope_label(db: Session) -> str:
    """The operator's place as they name it: their community, their street, or everywhere."""
    return place_label(db, g.operator.scope)


def place_label(db: Session, scope: Scope) -> str:
    """A place to list as an operator names it: a grid or a 小区 with its community (幸福里社区·第一网格), a
    community, a street, or everywhere."""
    community = db.get(Community, scope.community_id) if scope.community_id is not None else None
    if scope.grid_id is not None:
        grid = db.get(Grid, scope.grid_id)
        owner = community or (db.get(Community, grid.community_id) if grid else None)
        return "·".join(name for name in (owner.name if owner else "", grid.name if grid else "") if name)
    if community is not None:
        return f"{community.name}·{scope.compound}" if scope.compound else community.name
    if scope.street_id is not None:
        street = db.get(Street, scope.street_id)
        return street.name if street else ""
    return texts.EVERYWHERE


def attachment(filename: str, ascii_name: str | None = None) -> str:
    """A download's Content-Disposition (RFC 5987): the Chinese name for browsers that read it, an ASCII one
    (`ascii_name`, else the name with its other characters as _) for those that do not."""
    fallback = ascii_name or filename.encode("ascii", "replace").decode().replace("?", "_")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"
