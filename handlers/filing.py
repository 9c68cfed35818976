"""Filing a resident's words as an appeal: the one path free text and 转人工 share."""

from __future__ import annotations

from datetime import timedelta

from handlers import binding, joins, several
from handlers import resident_texts as texts
from handlers.conversation import Conversation
from handlers.types import Kind, Reply
from nlp import Classification, Emergency
from nlp.complaints import CATEGORY as COMPLAINT_CATEGORY
from nlp.follow_ups import calls_off
from nlp.on_behalf import for_family
from nlp.similarity import is_repeat
from storage import appeals, dispatch, emergencies, material, org, said_places, tasks
from storage import joins as joined_reports
from storage.errors import DomainError
from storage.limits import LIMITS, TextField
from storage.models import Appeal, AppealStatus
from storage.staff import duty_desks

# Words of no category of their own this soon after the sender's last appeal go on with it (`_continues`).
CONTINUE_WINDOW = timedelta(minutes=3)


def hold_problem(conversation: Conversation) -> Reply:
    """A problem typed while binding ("3号楼电梯坏了" at the 楼栋 question): held until the address is bound,
    then placed with it like an unbound resident's appeal; the question is asked again."""
    inbound = conversation.inbound
    text = inbound.text.strip()
    result = conversation.classification or conversation.understanding.classifier.classify(text)
    not_filed = _repeat_or_over_limit(conversation, text)
    if not_filed is not None:
        return Reply(f"{not_filed[0].text}\n{binding.question(conversation)}")
    filed = appeals.file_appeal(conversation.session, conversation.sender, _intake(conversation, text, inbound.kind,
                                                                                    result), conversation.now,
                                held=True)
    return Reply(texts.BIND_PROBLEM_HELD.format(ticket=filed.ticket, question=binding.question(conversation)))


def file_text(conversation: Conversation, text: str, kind: Kind, result: Classification,
              may_continue: bool = False) -> tuple[Reply, int | None]:
    """File `text` as the sender's appeal; the reply names its ticket, category, grid and time limit, and offers
    to join a neighbour's open appeal of the same problem (我也遇到) when there is one.

    Nothing new is filed when the text repeats one of the sender's open appeals (the reply names it; returns
    its id), when `may_continue` and it goes on with the appeal they filed minutes ago (`_continues`), or when the
    sender reached an intake limit (a refusal; returns None).
    """
    not_filed = _repeat_or_over_limit(conversation, text, may_continue)
    if not_filed is not None:
        return not_filed
    session, sender, now = conversation.session, conversation.sender, conversation.now
    limits = conversation.understanding.taxonomy.limits(result.category, result.subcategory)
    intake = _intake(conversation, text, kind, result)
    # "5号楼楼道灯坏了" from 3号楼: filed where the words say, for that building's grid (a complaint stays at home).
    at = None if result.category == COMPLAINT_CATEGORY else said_places.nearby(session, sender, text)
    filed = appeals.file_appeal(session, at or sender, intake, now)
    if sender.grid_label is None:
        prompt = binding.start_for_held(conversation, text)
        if conversation.resident.grid_id is not None:  # its words named the whole address: bound and released
            return Reply(prompt), filed.id
        # 我替我妈反映: the menu's "您所在的社区" must be answered with her mother's address, where the problem is.
        return Reply(texts.appeal_held(filed.ticket, prompt, for_family=for_family(text))), filed.id
    placed = org.address(session, at.grid_id, at.building_id, at.unit_id) if at is not None else None  # type: ignore[arg-type]
    received = texts.appeal_received(
        filed.ticket, result.category, placed.grid_label if placed else sender.grid_label, limits.response_hours,
        limits.resolve_hours, result.subcategory, limits.department, limits.working_days,
        dispatch.reach(session, (at or sender).grid_id, intake.department, sender.openid, now),
    )
    if placed is not None:
        received += "\n" + texts.PLACE_SAID.format(place=placed.home_label, ticket=filed.ticket)
    elif for_family(text):
        home = org.address(session, sender.grid_id, sender.building_id, sender.unit_id).home_label  # type: ignore[arg-type]
        received += "\n" + texts.FAMILY_PLACE_UNSAID.format(place=home, ticket=filed.ticket)
    # Several problems are offered apart before any is offered as a join: the join would take all of them. Both
    # are of the place filed at: its parts go there too (storage.parts), the join is with that building's reports.
    offer = (several.offer(conversation, filed, text, result.category)
             or joins.offer(conversation, filed, result.category, text, at or sender))
    return Reply(f"{received}\n{offer}" if offer else received), filed.id


def ongoing_emergency(conversation: Conversation, emergency: Emergency) -> appeals.Recent | None:
    """The sender's open 紧急 appeal of this same danger, filed within REPEAT_WINDOW, if there is one."""
    recent = appeals.recent_filings(conversation.session, conversation.sender.id, conversation.now)
    own = next((appeal for appeal in recent.open if appeal.emergency == emergency.label), None)
    if own is not None:
        return own
    joined = emergencies.joined_into(conversation.session, recent.joined_emergencies, conversation.now)
    return joined if joined is not None and joined.emergency == emergency.label else None


def more_of_emergency(conversation: Conversation, ongoing: appeals.Recent, text: str) -> str:
    """The same danger again from the same resident: never filed anew, since its cards already went to everyone
    and a sender repeating (or flooding) "着火了" must not send them again each time. Words that only repeat it
    are noted on the appeal; words that say more (着火了，我们被困在5楼) go to its responders."""
    if is_repeat(ongoing.content, text):
        appeals.note_repeat(conversation.session, ongoing, conversation.sender.id, text, conversation.now)
        appeal = conversation.session.get_one(Appeal, ongoing.id)
        told = told_of_emergency(conversation, appeal.id) if appeal.grid_id is not None else ("community",)
        return texts.emergency_already(appeal.ticket, tasks.assignee_name(conversation.session, appeal), told)
    return _emergency_words(conversation, ongoing, text)[0]


def file_emergency(conversation: Conversation, text: str, emergency: Emergency) -> appeals.Filed:
    """File `text` as a 紧急 appeal of the emergency's category, with its minutes-scale response clock, at the
    building it names if not the resident's home (a resident with one of the same danger open gets
    `more_of_emergency` instead).

    Never refused by an intake limit and never offered as a join: someone may be in danger. A resident without
    an address whose words name no building (with its compound) has it held like any appeal, and the duty desks
    are told at once (storage.staff.duty_desks).
    """
    session, sender, now = conversation.session, conversation.sender, conversation.now
    at = emergencies.place_said(session, sender, text) or sender  # "看到2号楼冒烟": where the responders must go
    filed = appeals.file_appeal(session, at, emergency_intake(conversation, text, emergency), now)
    if filed.status is AppealStatus.AWAITING_ADDRESS:  # nowhere said, no address: the duty desks hear now
        emergencies.alert_unplaced(session, filed.id, now)
    return filed


def told_of_emergency(conversation: Conversation, appeal_id: int) -> tuple[str, ...]:
    """Whom the emergency's card will reach, by role (storage.emergencies.responders, told_roles): someone told that
    the grid and the community were called, when only the street's operator has bound WeChat (or nobody), would
    wait for people who never heard of it."""
    session = conversation.session
    appeal = session.get_one(Appeal, appeal_id)
    return emergencies.told_roles(emergencies.responders(session, appeal, dispatch.grid_staff(session, appeal.grid_id)))


def told_of_unplaced_emergency(conversation: Conversation) -> tuple[str, ...]:
    """Whom an unbound resident's emergency card reached, by role (storage.staff.duty_desks): the
    street's duty desks are not the community's, and nobody at all must not be said to have been told."""
    return emergencies.told_roles(duty_desks(conversation.session))


def place_named(conversation: Conversation, filed: appeals.Filed) -> str:
    """The line telling the resident where the responders go when their emergency was filed at the building they
    named, not at their home ("看到2号楼冒烟"), so that a misread place is corrected at once; "" otherwise."""
    appeal = conversation.session.get_one(Appeal, filed.id)
    sender = conversation.sender
    if appeal.grid_id is None or (appeal.building_id, appeal.unit_id) == (sender.building_id, sender.unit_id):
        return ""
    place = org.address(conversation.session, appeal.grid_id, appeal.building_id, appeal.unit_id)
    return "\n" + texts.EMERGENCY_PLACE_NAMED.format(place=place.home_label)


def join_same_danger(conversation: Conversation, filed: appeals.Filed, text: str) -> str | None:
    """A neighbour reported the same danger at the same building minutes ago (three households, one fire): the new
    report joins theirs, its words go to the responders already on the way; returns that appeal's ticket, or None
    when there is none to join (the report is then dispatched on its own)."""
    session, resident_id, now = conversation.session, conversation.sender.id, conversation.now
    target = joined_reports.same_danger(session, resident_id, filed.id, now)
    if target is None:
        return None
    sensitive = conversation.understanding.taxonomy.sensitive
    try:
        joined_reports.join_emergency(session, resident_id, filed.id, target.id, sensitive, now)
    except DomainError:
        return None
    material.add_words(session, resident_id, target, text[:LIMITS[TextField.APPEAL]], now, sensitive)
    return target.ticket


def _emergency_words(conversation: Conversation, ongoing: appeals.Recent, text: str) -> tuple[str, str | None]:
    """What the resident adds to their ongoing emergency, told to its responders: the reply's sentence, and the
    number to call (None when the taxonomy no longer names the danger)."""
    session = conversation.session
    added = material.add_words(session, conversation.sender.id, session.get_one(Appeal, ongoing.id),
                               text[:LIMITS[TextField.APPEAL]], conversation.now,
                               conversation.understanding.taxonomy.sensitive)
    emergency = conversation.understanding.taxonomy.emergency_labelled(ongoing.emergency or "")
    return texts.words_added(ongoing.ticket, added, emergency=True), emergency.call if emergency else None


def emergency_intake(conversation: Conversation, text: str, emergency: Emergency) -> appeals.Intake:
    """`text` as a 紧急 appeal of the emergency's category, with its minutes-scale response clock."""
    category = conversation.understanding.taxonomy.category(emergency.category)
    words = text[:LIMITS[TextField.APPEAL]]  # a long cry for help is filed, cut, rather than refused
    subcategory = category.subcategory_of(words)
    limits = category.limits(subcategory)
    return appeals.Intake(
        content=words,
        channel=appeals.Channel.VOICE if conversation.inbound.kind is Kind.VOICE else appeals.Channel.TEXT,
        category=category.name,
        subcategory=subcategory,
        confidence=1.0,
        keywords=(),
        raw_message=dict(conversation.inbound.raw),
        response_hours=limits.response_hours,
        resolve_hours=limits.resolve_hours,
        department=limits.department,
        working_days=limits.working_days,
        emergency=emergency.label,
        response_minutes=emergency.response_minutes,
    )


def _intake(conversation: Conversation, text: str, kind: Kind, result: Classification) -> appeals.Intake:
    return conversation.understanding.intake(text, result, kind, dict(conversation.inbound.raw))


def _repeat_or_over_limit(conversation: Conversation, text: str,
                          may_continue: bool = False) -> tuple[Reply, int | None] | None:
    """The reply when `text` files nothing: more about the sender's ongoing emergency (told to its responders),
    a repeat of an open appeal of the last 24 h, the rest of the one filed minutes ago (`may_continue`), or a
    limit reached.

    Repeats are looked for before the limits: a resident resending their words is told where they stand, not
    refused.
    """
    session, sender, now = conversation.session, conversation.sender, conversation.now
    recent = appeals.recent_filings(session, sender.id, now)
    ongoing = _emergency_going_on(conversation, recent)
    if ongoing is not None:
        return _told_responders(conversation, ongoing, text), ongoing.id
    for earlier in recent.open:
        if is_repeat(earlier.content, text):
            appeals.note_repeat(session, earlier, sender.id, text, now)
            return Reply(texts.already_filed(earlier.ticket, earlier.content)), earlier.id
    latest = recent.open[0] if recent.open else None  # newest first
    if may_continue and latest is not None and latest.created_at >= now - CONTINUE_WINDOW:
        return _continues(conversation, latest, text), latest.id
    over = over_limit(conversation, recent, texts.LIMIT_PER_HOUR, texts.LIMIT_PER_DAY)
    return (over, None) if over is not None else None


def continued_if_recent(conversation: Conversation, text: str) -> Reply | None:
    """`text` added to the appeal the sender filed within CONTINUE_WINDOW ("2号楼1单元" right after "楼道灯不亮":
    where it is), as `_continues` adds words; None when there is none."""
    now = conversation.now
    recent = appeals.recent_filings(conversation.session, conversation.sender.id, now)
    latest = recent.open[0] if recent.open else None
    return _continues(conversation, latest, text) if latest is not None and latest.created_at >= now - CONTINUE_WINDOW \
        else None


def _continues(conversation: Conversation, latest: appeals.Recent, text: str) -> Reply:
    """Words the classifier finds nothing in, minutes after the sender filed an appeal: the rest of it, said over
    several messages as people talk ("一直往下漏水", then "厨房顶上都湿了"), added to it for its holders (补充)
    rather than a second appeal of half a sentence for the review queue."""
    session = conversation.session
    added = material.add_words(session, conversation.sender.id, session.get_one(Appeal, latest.id),
                               text[:LIMITS[TextField.APPEAL]], conversation.now,
                               conversation.understanding.taxonomy.sensitive)
    return Reply(texts.continued(latest.ticket, latest.content, added))


def _emergency_going_on(conversation: Conversation, recent: appeals.RecentFilings) -> appeals.Recent | None:
    """The sender's open 紧急 appeal filed within emergencies.FOLLOW_UP, or the neighbour's their report of it
    joined: what they say next is about it."""
    now = conversation.now
    own = next((appeal for appeal in recent.open if appeal.emergency is not None
                and appeal.created_at >= now - emergencies.FOLLOW_UP), None)
    return own or emergencies.joined_into(conversation.session, recent.joined_emergencies, now)


def told_in_emergency(conversation: Conversation, text: str) -> Reply | None:
    """Words too short to file or to ask about (502, 门口, 快点, 在吗) while the sender's emergency goes on: where
    they are or that they still wait, told to its responders like anything else they say then; None when no
    emergency goes on."""
    recent = appeals.recent_filings(conversation.session, conversation.sender.id, conversation.now)
    ongoing = _emergency_going_on(conversation, recent)
    return _told_responders(conversation, ongoing, text) if ongoing is not None else None


def _told_responders(conversation: Conversation, ongoing: appeals.Recent, text: str) -> Reply:
    said, call = _emergency_words(conversation, ongoing, text)
    own = conversation.session.get_one(Appeal, ongoing.id).resident_id == conversation.sender.id
    if own and calls_off(text):  # "误报": not "情况危急请立即拨打 119", but how to withdraw it
        return Reply(texts.EMERGENCY_CALLED_OFF.format(said=said, ticket=ongoing.ticket))
    return Reply(texts.emergency_follow_up(said, call))


def voice_unheard_in_emergency(conversation: Conversation) -> str | None:
    """The reply to a voice message nothing was recognised of while the sender's emergency goes on: not "we will
    file it" but write it down, and the number to call again; None when no emergency goes on."""
    recent = appeals.recent_filings(conversation.session, conversation.sender.id, conversation.now)
    ongoing = _emergency_going_on(conversation, recent)
    if ongoing is None:
        return None
    emergency = conversation.understanding.taxonomy.emergency_labelled(ongoing.emergency or "")
    return texts.emergency_voice_unheard(emergency.call if emergency else None)


def over_limit(conversation: Conversation, recent: appeals.RecentFilings, per_hour: str, per_day: str) -> Reply | None:
    """The refusal (`per_hour` or `per_day`, given the limit) when the sender's appeals of the last hour or 24
    hours reached GRIDBOT_APPEALS_PER_HOUR / _PER_DAY; None while they may file another."""
    limits = conversation.understanding.limits
    if recent.last_hour >= limits.appeals_per_hour:
        return Reply(per_hour.format(limit=limits.appeals_per_hour))
    if recent.last_day >= limits.appeals_per_day:
        return Reply(per_day.format(limit=limits.appeals_per_day))
    return None
