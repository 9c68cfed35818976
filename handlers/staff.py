"""Task commands for grid members, leaders, departments and the property company: 接单, 进展, 办结, 挂起, 恢复,
转办, 退回 (我的任务 and positions in it: handlers/task_list.py). Refusals say why, in one place (`_refusal`)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from typing import Callable

from handlers import filing, one_reply, resident_texts, task_list
from handlers import staff_texts as texts
from handlers.arguments import Arguments, recipient
from handlers.community_texts import role_name
from handlers.conversation import Conversation
from handlers.duty import leave_later
from handlers.joins import sensitive_categories
from handlers.resident_texts import clock
from handlers.types import Kind, Reply
from nlp import Emergency, recognise_emergency
from nlp.chatter import Chatter, chatter_of
from storage import (
    appeals,
    attempts,
    complaints,
    contacts,
    duty,
    joins,
    lookups,
    media_files,
    org,
    outbox,
    patrol,
    queries,
    reassigning,
    tasks,
    unit_reach,
)
from storage.appeals import Action
from storage.errors import DomainError, NotAllowed, NotFound, Repeated
from storage.models import GRID_TEAM, TRANSFER_UNITS, Appeal, AppealStatus, Community, Staff, StaffRole
from storage.staff import may_read


def claim(conversation: Conversation, arguments: Arguments) -> Reply:
    """接单 <编号>: the reply carries the resident's phone and 门牌 whole, for the one now handling it."""
    ticket = arguments.ticket
    return _act(conversation, ticket, "claim", lambda s, m: tasks.claim(s, m, ticket, conversation.now),
                lambda appeal: texts.CLAIMED.format(ticket=ticket, contact=_claimed_contact(conversation, appeal))
                + _on_leave(conversation))


def _on_leave(conversation: Conversation) -> str:
    """A grid member still on leave who claims is likely back: said so, with 销假 (else 派单 passes them over)."""
    member = conversation.staff
    away = duty.duty_of(member, conversation.now)
    if away.on_duty or member.role != StaffRole.GRID_MEMBER:
        return ""
    return texts.claimed_on_leave(away.until, duty.today(conversation.now))


def _claimed_contact(conversation: Conversation, appeal: Appeal) -> str:
    if appeal.resident_id is None:
        return texts.CLAIM_REPORTED
    contact = contacts.for_reader(conversation.session, conversation.staff, appeal, sensitive_categories(conversation))
    if appeal.reporter_staff_id is not None:  # 代报: the neighbour has no WeChat; the account reaches the reporter
        return _reported_for_neighbour(conversation, appeal, contact)
    if contact is None or not contact.given:
        return texts.CLAIM_NO_CONTACT.format(ticket=appeal.ticket)
    return texts.CLAIM_CONTACT.format(contact=texts.contact_line(contact.phone, contact.door))


def _reported_for_neighbour(conversation: Conversation, appeal: Appeal, contact: contacts.Contact | None) -> str:
    reporter = conversation.session.get_one(Staff, appeal.reporter_staff_id)
    said = texts.CLAIM_FOR_NEIGHBOUR.format(who=f"{role_name(reporter.role)}{reporter.name}", ticket=appeal.ticket)
    if contact is None or not contact.given:
        return said
    return f"{texts.DETAIL_CONTACT.format(contact=texts.contact_line(contact.phone, contact.door))}\n{said}"


def progress(conversation: Conversation, arguments: Arguments) -> Reply:
    """进展 <编号> <说明>; without a number, on the member's one task in progress (two or more: which one?)."""
    found = arguments.ticket or task_list.one_in_progress(conversation, "进展")
    if isinstance(found, Reply):
        return found
    ticket, note = found, arguments.words
    return _act(conversation, ticket, "progress", lambda s, m: tasks.progress(s, m, ticket, note, conversation.now),
                lambda appeal: (texts.PROGRESS_SAVED if appeal.resident_id is not None
                                else texts.PROGRESS_SAVED_REPORTED).format(ticket=ticket))


def resolve(conversation: Conversation, arguments: Arguments) -> Reply:
    """办结 <编号> <说明>; without a number, on the member's one task in progress (two or more: which one?)."""
    found = arguments.ticket or task_list.one_in_progress(conversation, "办结")
    if isinstance(found, Reply):
        return found
    ticket, note = found, arguments.words
    # A photo taken on site before typing 结 goes with the result (`_resolved`): the resident hears there is one.
    photo = patrol.photo_waiting(conversation.session, conversation.sender.id, conversation.now)
    return _act(conversation, ticket, "resolve",
                lambda s, m: tasks.resolve(s, m, ticket, note, conversation.now, photo=photo),
                lambda appeal: _resolved(conversation, appeal))


def _resolved(conversation: Conversation, appeal: Appeal) -> str:
    """办结 done; the photos and locations the member sent just before it (taken on site, then 结) go with it."""
    joined = patrol.adopt(conversation.session, conversation.staff, conversation.sender.id, appeal.id,
                          conversation.now, resident_id=appeal.resident_id)
    resident = appeal.resident_id is not None
    if joined:
        done = texts.RESOLVED_WITH_MATERIAL if resident else texts.RESOLVED_REPORTED_WITH_MATERIAL
        return done.format(ticket=appeal.ticket, count=joined)
    return (texts.RESOLVED if resident else texts.RESOLVED_REPORTED).format(ticket=appeal.ticket)


def pause(conversation: Conversation, arguments: Arguments) -> Reply:
    """挂起 <编号> <原因>."""
    ticket, reason = arguments.ticket, arguments.words
    return _act(conversation, ticket, "pause", lambda s, m: tasks.pause(s, m, ticket, reason, conversation.now),
                lambda appeal: texts.PAUSED.format(ticket=ticket) + _untold(conversation, appeal))


def resume(conversation: Conversation, arguments: Arguments) -> Reply:
    """恢复 <编号>."""
    ticket = arguments.ticket
    return _act(conversation, ticket, "resume", lambda s, m: tasks.resume(s, m, ticket, conversation.now),
                lambda appeal: _resumed(conversation, appeal) + _untold(conversation, appeal))


def _resumed(conversation: Conversation, appeal: Appeal) -> str:
    """The deadline the task now runs to, or, gone by already, how late it is: never 顺延至 a day past."""
    due, now = appeal.resolve_due_at, conversation.now
    if due is not None and due <= now:
        return texts.RESUMED_LATE.format(ticket=appeal.ticket, due=texts.due_clock(due, now),
                                         late=task_list.clock_words(appeal.status, due, now))
    return texts.RESUMED.format(ticket=appeal.ticket, due=texts.due_clock(due, now))


def _untold(conversation: Conversation, appeal: Appeal, changes: tuple[str, ...] = tasks.STATUS_CHANGES) -> str:
    """The line saying the resident was not messaged of this 挂起 or 恢复 (or, `changes` MOVES, this 转办): too many
    in the hour; or nothing."""
    if not tasks.latest_status_change_untold(conversation.session, appeal, changes):
        return ""
    return "\n" + (texts.MOVE_UNTOLD if changes == tasks.MOVES else texts.STATUS_UNTOLD)


def transfer(conversation: Conversation, arguments: Arguments) -> Reply:
    """转办 <编号> <部门>."""
    ticket, department = arguments.ticket, recipient(arguments.words)
    return _act(conversation, ticket, "transfer",
                lambda s, m: tasks.transfer(s, m, ticket, department, conversation.now,
                                            sensitive_categories(conversation)),
                lambda appeal: texts.TRANSFERRED.format(ticket=ticket, department=appeal.department)
                + _untold(conversation, appeal, tasks.MOVES),
                department=department)


def give_back(conversation: Conversation, arguments: Arguments) -> Reply:
    """退回 <编号> <原因>."""
    ticket, reason = arguments.ticket, arguments.words
    return _act(conversation, ticket, "give_back", lambda s, m: tasks.give_back(s, m, ticket, reason, conversation.now),
                texts.GIVEN_BACK.format(ticket=ticket))


def report(conversation: Conversation, arguments: Arguments) -> Reply:
    """上报 <内容>: a problem found on patrol becomes an appeal of the member's grid, with the photos and locations
    the member sent in the half hour before (storage/patrol.py); ending in 我来办, it is theirs, claimed."""
    content, own = _own_report(arguments.words)
    member = conversation.staff
    understanding = conversation.understanding
    limit = understanding.limits.reports_per_hour
    if appeals.reported_by(conversation.session, member, conversation.now) >= limit:
        return Reply(texts.REPORT_LIMIT.format(limit=limit))
    earlier = appeals.reported_again(conversation.session, member, content, conversation.now)
    if earlier is not None:
        return Reply(texts.REPORTED_AGAIN.format(ticket=earlier))
    emergency = recognise_emergency(understanding.taxonomy, content)
    if emergency is not None:  # found on patrol or told at the door: the whole grid and the operators, at once
        return _report_emergency(conversation, content, emergency, own)
    result = understanding.classifier.classify(content)
    limits = understanding.taxonomy.limits(result.category, result.subcategory)
    intake = appeals.Intake(
        content=content, channel=appeals.Channel.GRID_REPORT, category=result.category,
        subcategory=result.subcategory,
        confidence=result.confidence, keywords=result.keywords, raw_message=dict(conversation.inbound.raw),
        response_hours=limits.response_hours, resolve_hours=limits.resolve_hours, department=limits.department,
        working_days=limits.working_days, second_category=result.second,
    )
    try:
        filed, joined = _file_report(conversation, content, intake, own)
    except NotAllowed:
        return Reply(_report_refused(conversation))
    done, grid = (texts.REPORTED_OWN, "") if own else _reported(conversation, limits.department, filed.id)
    return Reply(done.format(ticket=filed.ticket, category=result.category, department=limits.department, grid=grid)
                 + texts.report_material_count(joined, filed.ticket))


def _report_emergency(conversation: Conversation, content: str, emergency: Emergency, own: bool) -> Reply:
    """上报 of a danger (上报 3号楼2单元着火了): filed 紧急 like a resident's, its 【紧急】 card to the whole grid and
    the community's operators; the reply leads with the number to call."""
    intake = replace(filing.emergency_intake(conversation, content, emergency), channel=appeals.Channel.GRID_REPORT)
    try:
        filed, joined = _file_report(conversation, content, intake, own)
    except NotAllowed:
        return Reply(_report_refused(conversation))
    advice = resident_texts.EMERGENCY_ADVICE.format(call=emergency.call, advice=emergency.advice)
    done, grid = texts.REPORTED_OWN if own else texts.REPORTED_EMERGENCY, ""
    if not own and conversation.staff.role not in GRID_TEAM:  # a 物业 clerk: the grid's team claims it
        grid_id = conversation.session.get_one(Appeal, filed.id).grid_id
        done = texts.REPORTED_EMERGENCY_TO_GRID_TEAM
        grid = org.grid_label(conversation.session, grid_id) if conversation.staff.grid_id is None else "本网格"
    return Reply(f"{advice}\n" + done.format(ticket=filed.ticket, category=intake.category,
                                             minutes=emergency.response_minutes, grid=grid)
                 + texts.report_material_count(joined, filed.ticket))


def _file_report(conversation: Conversation, content: str, intake: appeals.Intake,
                 own: bool) -> tuple[appeals.Filed, int]:
    """File the 上报 at the building its words name, with the photos sent before; claimed when it is the
    member's own. Raises NotAllowed for a member of no grid (a clerk of a whole community: its words name none
    of the community's buildings, or two alike)."""
    member, session = conversation.staff, conversation.session
    building = org.building_named(session, member.grid_id, content) if member.grid_id is not None \
        else org.one_named(org.community_buildings(session, member.community_id), content) \
        if member.community_id is not None else None
    filed = appeals.report(conversation.session, member, intake, conversation.now,
                           building_id=building.id if building else None)
    joined = patrol.adopt(conversation.session, member, conversation.sender.id, filed.id, conversation.now)
    if own:
        patrol.take_own(conversation.session, member, filed.id, conversation.now)
    return filed, joined


def _reported(conversation: Conversation, department: str | None, appeal_id: int) -> tuple[str, str]:
    """Where a 上报 goes and what the reporter does next: its category's department claims it when one of them
    serving the grid it was filed in is bound (dispatch routes it there); otherwise the grid's team, whom only a
    team member is among. With the text, the grid's name for a clerk of a whole community, told which grid's."""
    grid_id = conversation.session.get_one(Appeal, appeal_id).grid_id
    if department and unit_reach.officers(conversation.session, department, grid_id):
        return texts.REPORTED_TO_DEPARTMENT, ""
    if conversation.staff.grid_id is None and grid_id is not None:
        return texts.REPORTED_TO_BUILDINGS_GRID, org.grid_label(conversation.session, grid_id)
    if conversation.staff.role not in GRID_TEAM:
        return texts.REPORTED_TO_GRID_TEAM, ""
    return texts.REPORTED, ""


def _report_refused(conversation: Conversation) -> str:
    """Why a 上报 filed nothing: a clerk of a whole community named no building of it (or two alike), how to."""
    member, session = conversation.staff, conversation.session
    buildings = org.community_buildings(session, member.community_id) if member.community_id is not None else ()
    if member.grid_id is not None or not buildings:
        return texts.REPORT_NEEDS_GRID
    example = next((building for building in buildings if building.compound), buildings[0])
    return texts.REPORT_NEEDS_BUILDING.format(community=session.get_one(Community, member.community_id).name,
                                              example=f"{example.compound}{example.name}")


def _own_report(words: str) -> tuple[str, bool]:
    """The report's words without a closing 我来办 / 自己办, and whether the member said it."""
    text = words.rstrip(_TRAILING)
    for phrase in texts.OWN_REPORT_WORDS:
        if text.endswith(phrase) and text[: -len(phrase)].rstrip(_TRAILING):
            return text[: -len(phrase)].rstrip(_TRAILING), True
    return words, False


_TRAILING = " ，,。.！!；;、"


def is_staff_chat(conversation: Conversation) -> bool:
    """Free text or voice from staff: not an appeal (they have 指令 for their work). A 楼长's is their own appeal,
    as any resident's."""
    return conversation.inbound.kind in (Kind.TEXT, Kind.VOICE) and conversation.is_staff


def staff_chat_hint(conversation: Conversation) -> Reply:
    """Point staff at their commands; words around one ticket (先挂起 G… 等配件, 转给物业 G…) get that ticket's
    commands written out, ready to send."""
    tickets = {match.group(1) for match in _TICKET_IN_WORDS.finditer(unicodedata.normalize("NFKC",
                                                                                           conversation.inbound.text))}
    if len(tickets) == 1:
        return Reply(_ticket_formats(conversation, texts.STAFF_TICKET_UNCLEAR, f"G{tickets.pop()}"))
    later = leave_later(conversation)  # 我明天请假: not a command, but plainly about leave
    if later is not None:
        return later
    if chatter_of(conversation.inbound.text) in _ACKNOWLEDGING:  # 收到, 好的, 谢谢 to a notice: not the command list
        return Reply(texts.STAFF_ACKNOWLEDGED)
    return Reply(texts.STAFF_FREE_TEXT)


_ACKNOWLEDGING = (Chatter.OK, Chatter.THANKS)


def resident_verb_on_task(conversation: Conversation, verb: str, ticket: str) -> Reply | None:
    """A resident's 撤销 / 催办 / 补充 / 评价 sent by staff on an appeal they may read but did not file: its
    commands for staff, written out; None for their own appeal (or one they follow), or one they may not read."""
    session, sender = conversation.session, conversation.sender
    try:
        appeals.own_appeal(session, sender, ticket)
        return None
    except NotFound:
        if joins.followed_through(session, sender.id, ticket) is not None or hidden(conversation, ticket):
            return None
    return Reply(_ticket_formats(conversation, texts.STAFF_RESIDENT_VERB, ticket, verb=verb))


def _ticket_formats(conversation: Conversation, lead: str, ticket: str, **words: str) -> str:
    """`lead` and the commands a member may send on `ticket`; 改派 and 督办 too for the 网格长 and operators."""
    said = lead.format(ticket=ticket, pause=_pause_line(conversation, ticket).format(ticket=ticket), **words)
    if conversation.staff.role in (StaffRole.GRID_LEADER, StaffRole.OPERATOR):
        said += texts.STAFF_TICKET_UNCLEAR_REASSIGN.format(ticket=ticket)
    return said


def _pause_line(conversation: Conversation, ticket: str) -> str:
    """挂起 for an appeal that may be paused; 恢复 for one paused; nothing for an emergency (never paused). One the
    member may not read gets 挂起, as any: the hint must not tell of it."""
    if hidden(conversation, ticket):
        return texts.STAFF_TICKET_PAUSE
    appeal = tasks.find(conversation.session, ticket)
    if appeal.emergency is not None:
        return ""
    return texts.STAFF_TICKET_RESUME if appeal.status == AppealStatus.PAUSED else texts.STAFF_TICKET_PAUSE


_TICKET_IN_WORDS = re.compile(r"(?<![0-9A-Za-z])[Gg]?\s?(\d{10})(?!\d)")


def _act(conversation: Conversation, ticket: str, action: str, change: Callable[..., Appeal],
         done: str | Callable[[Appeal], str], department: str = "") -> Reply:
    member = conversation.staff
    try:
        appeal = change(conversation.session, member)
    except DomainError as refused:
        return Reply(_refusal(conversation, refused, ticket, action, department))
    return Reply(done if isinstance(done, str) else done(appeal))


def _refusal(conversation: Conversation, refused: DomainError, ticket: str, action: str, department: str) -> str:
    if isinstance(refused, Repeated):
        return texts.PROGRESS_REPEATED.format(ticket=ticket, at=texts.clock(refused.at, conversation.now))
    moved = _moved_away(conversation, ticket)
    if moved is not None:
        return _moved_text(conversation, ticket, moved)
    if isinstance(refused, NotFound) or hidden(conversation, ticket):
        if tasks.card_left_behind(conversation.session, conversation.staff, ticket):
            return texts.CARD_LEFT_BEHIND.format(ticket=ticket)
        return texts.TASK_NOT_FOUND.format(ticket=ticket)
    appeal = tasks.find(conversation.session, ticket)
    if action in _CLAIM_FIRST and _claimable_by(conversation, appeal):
        return texts.CLAIM_FIRST.format(ticket=ticket, action=texts.ACTION_NAMES[action])
    if action == "resume" and _claimable_by(conversation, appeal):  # not "不是您负责的任务": theirs to claim
        return texts.RESUME_UNCLAIMED.format(ticket=ticket)
    holder = tasks.assignee_name(conversation.session, appeal)
    if isinstance(refused, NotAllowed) and refused.reason == "not_your_task" and holder:
        # The member may read it (not hidden): who has it is whom to call, not only that it is not theirs.
        colleague = conversation.staff.role in TRANSFER_UNITS and appeal.department == conversation.staff.department
        return (texts.HELD_BY_COLLEAGUE if colleague else texts.HELD_BY_OTHER).format(ticket=ticket, name=holder)
    # Not theirs only because it left the grid: where it stands says why; any other reason is said as it is.
    if isinstance(refused, NotAllowed) and not (refused.reason == "not_your_task"
                                                and _left_the_grid(conversation, appeal)):
        named = tasks.departments_holding(conversation.session, department, appeal.grid_id) \
            if refused.reason == "ambiguous_department" else tasks.departments(conversation.session, appeal.grid_id)
        departments = "、".join(named) or "（暂无）"
        return texts.NOT_ALLOWED[refused.reason].format(ticket=ticket, department=department, departments=departments,
                                                        unit=appeal.department)
    # Refused by its state (退回 twice lands here too: where it stands, not "不是您负责的任务"). Re-read: a
    # colleague may have just claimed it (the compare-and-set lost the race).
    conversation.session.refresh(appeal)
    taken_by = tasks.assignee_name(conversation.session, appeal)
    if action == "claim" and appeal.status in (AppealStatus.ACCEPTED, AppealStatus.PAUSED) and taken_by:
        if appeal.assignee_staff_id == conversation.staff.id:
            return texts.ALREADY_YOURS.format(ticket=ticket)
        if conversation.staff.openid:  # this reply is the news: the 已由某某接单 waiting for them would repeat it
            outbox.drop_unsent_taken(conversation.session, appeal.id, conversation.staff.openid)
        return texts.ALREADY_TAKEN.format(ticket=ticket, name=taken_by)
    repeated = _repeated(conversation, appeal, action)
    if repeated is not None:
        return repeated
    if action in ("resolve", "transfer", "give_back") and appeal.status == AppealStatus.PAUSED:
        return texts.RESUME_FIRST.format(ticket=ticket, action=texts.ACTION_NAMES[action])
    status = texts.status_name(appeals.shown_status(conversation.session, appeal))  # lapsed: not 居民已撤销
    return texts.WRONG_STATE.format(ticket=ticket, status=status, action=texts.ACTION_NAMES[action])


_AFTER_CLAIM = ("progress", "resolve", "pause")  # what only the one who claimed a task does
# A department or property company claims before 退回 or 转办 too (a grid member may do those straight from the
# card, so is never refused for want of a claim).
_CLAIM_FIRST = (*_AFTER_CLAIM, "give_back", "transfer")


def _moved_text(conversation: Conversation, ticket: str, moved: reassigning.Moved) -> str:
    """Where the task went from the member; given back (退回) since by whom it went to, the community has it."""
    if tasks.find(conversation.session, ticket).status == AppealStatus.RETURNED:
        how = texts.ACTION_NAMES["transfer" if moved.transferred else "reassign"]
        return texts.MOVED_THEN_RETURNED.format(ticket=ticket, how=how, to=moved.to)
    return (texts.TRANSFERRED_AWAY if moved.transferred else texts.MOVED_AWAY).format(ticket=ticket, to=moved.to)


def _moved_away(conversation: Conversation, ticket: str) -> reassigning.Moved | None:
    """Where the member's task went, when 改派 or 转办 took it from them (not "not found" or "not yours" for a task
    they had a moment ago, and were told of or moved themselves)."""
    try:
        appeal = tasks.find(conversation.session, ticket)
    except NotFound:
        return None
    return reassigning.moved_from(conversation.session, appeal, conversation.staff.id)


def _repeated(conversation: Conversation, appeal: Appeal, action: str) -> str | None:
    """What stands when the step was taken already (办结, 挂起 or 恢复 sent twice, or a task the 网格长 closed
    meanwhile); None for any other refusal."""
    ticket = appeal.ticket
    if action == "pause" and appeal.status == AppealStatus.PAUSED:
        return texts.PAUSED_ALREADY.format(ticket=ticket)
    if action == "resume" and appeal.status == AppealStatus.ACCEPTED:
        return texts.RESUMED_ALREADY.format(ticket=ticket)
    if action in _AFTER_CLAIM and appeal.status in (AppealStatus.RESOLVED, AppealStatus.CLOSED):
        by = tasks.resolver(conversation.session, appeal)
        if by is not None and by.id == conversation.staff.id and action == "resolve":
            return texts.RESOLVED_ALREADY.format(ticket=ticket)
        if by is not None and by.id != conversation.staff.id:
            return texts.RESOLVED_BY_OTHER.format(ticket=ticket, name=by.name)
    return None


def _left_the_grid(conversation: Conversation, appeal: Appeal) -> bool:
    """Nobody holds it and it waits for no one in the grid (退回 to the community, 撤销 by the resident…): the
    member may read it, so saying where it stands tells nothing new and explains the refusal."""
    return (appeal.assignee_staff_id is None and appeal.status != AppealStatus.DISPATCHED
            and complaints.accused(conversation.session, appeal.id) is None)


def _claimable_by(conversation: Conversation, appeal: Appeal) -> bool:
    """Waiting to be claimed, and the member may claim it: 结 1 已修好 on it means 接单 was skipped."""
    member = conversation.staff
    return (appeal.status == AppealStatus.DISPATCHED and appeal.assignee_staff_id in (None, member.id)
            and appeal.department == member.department
            and (member.department is not None or appeal.grid_id == member.grid_id)
            and complaints.accused(conversation.session, appeal.id) is None)  # a complaint is its handlers'


def _home(conversation: Conversation, appeal: Appeal) -> str:
    if appeal.grid_id is None:  # held for its resident's address (an emergency's duty desks read it): not a 上报
        return texts.DETAIL_UNPLACED
    return org.address(conversation.session, appeal.grid_id, appeal.building_id, appeal.unit_id).home_label



def hidden(conversation: Conversation, ticket: str) -> bool:
    """Whether the appeal is not there or not the member's to read: a refusal must then not tell of it."""
    member = conversation.staff
    try:
        appeal = tasks.find(conversation.session, ticket)
    except NotFound:
        return True
    return not may_read(conversation.session, member, appeal, sensitive_categories(conversation))


def show(conversation: Conversation, ticket: str, page: int = 1) -> Reply:
    """查询 <编号> for staff: the whole timeline, internal notes included, of an appeal they may read, with its
    photos (signed links, or where their copies stand) and locations (map links); a record too long for one reply
    ends with its latest lines, and 查询 <编号> 2 (3, …) gives the earlier ones.

    Out of their scope reads exactly like a ticket that does not exist; each read of an appeal that is not their
    own task is counted and audited (storage/lookups.py), and who read it is shown to operators.
    """
    session = conversation.session
    member = conversation.staff
    limit = conversation.access.lookups_per_hour
    try:
        appeal = lookups.look_up(session, member, ticket, sensitive_categories(conversation), conversation.now, limit)
    except NotFound:
        return Reply(texts.TASK_NOT_FOUND.format(ticket=ticket))
    except attempts.TooMany as limited:
        return Reply(texts.LOOKUP_LIMIT.format(limit=limit, until=clock(limited.retry_at, conversation.now)))
    operator = member.role == StaffRole.OPERATOR
    lines = [
        texts.EVENT_LINE.format(
            at=clock(event.at, conversation.now), action=texts.EVENT_NAMES.get(event.action, event.action), who=texts.event_who(event.actor_kind, name),
            note=f"：{texts.event_note(event.action, event.note)}" if event.note else "",
        )
        for event, name in queries.timeline_with_names(session, appeal) if operator or event.action != Action.VIEWED
    ]
    place = _home(conversation, appeal)
    # look_up has checked and audited the read: whole for the handler, masked for anyone else.
    contact = contacts.for_admitted(session, member, appeal)
    if contact is not None and contact.given:
        place = f"{place}\n{texts.DETAIL_CONTACT.format(contact=texts.contact_line(contact.phone, contact.door))}"
    shown = media_files.material(session, appeal.id, conversation.now)
    material = texts.material_lines(tuple(link for link, _ in shown.photos), shown.places,
                                    tuple(state for _, state in shown.photos))
    content, parts = appeal.content or "", lookups.parts_of(appeal)
    if parts:  # too long for one reply: its start here, the whole in parts right after
        sent_now = lookups.send_words(session, member, appeal, conversation.now)
        content = texts.content_continued(lookups.opening(appeal), len(content), parts, sent_now)
    category = texts.category_label(appeal.category, appeal.subcategory, appeal.second_category)
    urgent = texts.TASK_URGENT.format(emergency=appeal.emergency) if appeal.emergency else ""  # as its card says
    return Reply(one_reply.within_one_reply(lines, lambda events: texts.STAFF_DETAIL.format(
        urgent=urgent, ticket=appeal.ticket, category=category, status=texts.status_name(appeals.shown_status(session, appeal)),
        place=place or "（网格员上报）", content=content, material=material, events=events,
    ), texts.EARLIER_EVENTS, page, ticket=appeal.ticket))
