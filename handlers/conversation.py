"""What a handler gets: the message, the transaction it runs in, the clock, and the process's NLP state."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from handlers.faq_cache import FaqCache
from handlers.types import Inbound, Kind
from nlp import Classification, Classifier, Taxonomy
from storage import appeals, residents
from storage.attempts import DEFAULT_LOCKOUT, Lockout
from storage.models import COMMUNITY_ROLES, Resident, Staff, StaffRole
from storage.notice_planning import Limits
from storage.residents import ResidentView


class NotStaff(LookupError):
    """Code asked for the staff member behind a message a resident sent: a bug, never the sender's mistake."""


@dataclass(frozen=True)
class IntakeLimits:
    """How much one sender may file (GRIDBOT_APPEALS_PER_HOUR, GRIDBOT_APPEALS_PER_DAY, GRIDBOT_REPORTS_PER_HOUR)."""

    appeals_per_hour: int = 10
    appeals_per_day: int = 30  # per 24 hours, rolling
    reports_per_hour: int = 60  # a grid member's 上报: patrols find many things, but a script finds more


@dataclass(frozen=True)
class Understanding:
    """The classifier and taxonomy, built once per process (jieba loads before workers fork), the FAQ index,
    and the intake limits of the process's settings."""

    classifier: Classifier
    taxonomy: Taxonomy
    faq: FaqCache = field(default_factory=FaqCache, compare=False)
    limits: IntakeLimits = field(default_factory=IntakeLimits)

    def intake(self, text: str, result: Classification, kind: Kind, raw_message: dict) -> appeals.Intake:
        """`text`, as `result` classified it, as an appeal to file: with the clocks and department of its category,
        or of its subcategory where that sets its own (噪音扰民 · 施工噪音 goes to law enforcement)."""
        limits = self.taxonomy.limits(result.category, result.subcategory)
        return appeals.Intake(
            content=text,
            channel=appeals.Channel.VOICE if kind is Kind.VOICE else appeals.Channel.TEXT,
            category=result.category,
            subcategory=result.subcategory,
            confidence=result.confidence,
            keywords=result.keywords,
            raw_message=raw_message,
            response_hours=limits.response_hours,
            resolve_hours=limits.resolve_hours,
            department=limits.department,
            working_days=limits.working_days,
            second_category=result.second,
        )


@dataclass(frozen=True)
class Access:
    """The configured rules of access: the secret invite codes are keyed with, how much staff may try, and what
    the account may broadcast by (通知)."""

    secret_key: str  # GRIDBOT_SECRET_KEY
    lookups_per_hour: int = 60  # GRIDBOT_STAFF_LOOKUPS_PER_HOUR: 查询 of appeals that are not the member's own
    certify_lockout: Lockout = DEFAULT_LOCKOUT
    notices: Limits = Limits()  # GRIDBOT_ACCOUNT_TYPE, GRIDBOT_NOTICE_TEMPLATE_ID, the daily quotas


@dataclass
class Conversation:
    """One inbound message being handled inside one database transaction."""

    session: Session
    inbound: Inbound
    now: datetime
    understanding: Understanding
    access: Access
    classification: Classification | None = None  # worked out before the transaction, see intake.prepare
    _sender: ResidentView | None = field(default=None, repr=False)
    _resident: Resident | None = field(default=None, repr=False)
    _staff: Staff | None = field(default=None, repr=False)
    _staff_looked_up: bool = field(default=False, repr=False)

    @property
    def is_staff(self) -> bool:
        """Whether the sender is a bound, active staff member (their turn may use `staff`). The community's own
        people (楼长, 单元长, 党员中心户, 党员, 志愿者) are not: they are residents with a part (`volunteer`)."""
        member = self._staff_member()
        return member is not None and member.role not in COMMUNITY_ROLES

    @property
    def staff(self) -> Staff:
        """The sender as a bound, active staff member: for staff commands, which the command table lets only staff
        run; on a resident's (or a 楼长's) turn it raises NotStaff."""
        if not self.is_staff:
            raise NotStaff("Conversation.staff on a resident's turn: check is_staff, or list the command for staff")
        member = self._staff_member()
        assert member is not None, "is_staff found them"
        return member

    @property
    def building_lead(self) -> Staff | None:
        """The sender as a bound, active 楼长 (for 代报 and the other 楼长 commands); None for anyone else."""
        member = self._staff_member()
        return member if member is not None and member.role == StaffRole.BUILDING_LEAD else None

    @property
    def volunteer(self) -> Staff | None:
        """The sender as an active member of the community's own people (any of COMMUNITY_ROLES: 领单, 我的积分);
        None for residents and grid staff."""
        member = self._staff_member()
        return member if member is not None and member.role in COMMUNITY_ROLES else None

    def _staff_member(self) -> Staff | None:
        if not self._staff_looked_up:
            staff_id = self.sender.staff_id  # already read with the sender: no query for residents
            self._staff = self.session.get(Staff, staff_id) if staff_id is not None else None
            self._staff_looked_up = True
        return self._staff

    @property
    def sender(self) -> ResidentView:
        """Who wrote, as a read-only snapshot (created on first contact): enough to route and file."""
        if self._sender is None:
            self._sender = residents.view(self.session, self.inbound.openid, self.now)
        return self._sender

    def write_dialog(self, state: dict[str, Any] | None, ttl: timedelta = residents.DIALOG_TTL) -> None:
        """Open (or with None end) the sender's dialogue state, in one statement. The snapshot takes the state as
        written rather than being read again: a message often ends one dialogue and opens another (a statement
        each), and each re-read cost a third. Read again only when the resident's row was loaded and changed."""
        written = residents.write_dialog(self.session, self.sender.id, state, self.now, ttl)
        self._sender = None if written is None else replace(self.sender, dialog_json=written[0],
                                                            dialog_expires_at=written[1])

    @property
    def resident(self) -> Resident:
        """Who wrote, as the ORM row, for handlers that change it (the snapshot is re-read after that)."""
        if self._resident is None:
            self._resident = residents.get_or_create(self.session, self.inbound.openid, self.now)
        self._sender = None
        return self._resident
