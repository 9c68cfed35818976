"""代报 <单元或门牌> <内容> (红色代办): a 楼长, 单元长, 党员中心户 or 党员 files an appeal for a neighbour of their
building who does not use WeChat (storage.building_leads).

The words are classified like a resident's and the appeal is filed, limited and dispatched like one; the reporter
hears back for the neighbour.
"""

from __future__ import annotations

from handlers import chasing, complaining, filing, resident_texts
from handlers import community_texts as texts
from handlers.arguments import Arguments
from handlers.conversation import Conversation
from handlers.types import Kind, Reply
from nlp import recognise_emergency
from nlp.complaints import without_details
from nlp.follow_ups import asks_after_a_report
from nlp.similarity import is_repeat
from storage import appeals, building_leads, org
from storage.errors import NotAllowed
from storage.limits import TextField, excess
from storage.models import Staff, Unit


def report_for_neighbour(conversation: Conversation, arguments: Arguments) -> Reply:
    """代报: the neighbour's home (a unit of the reporter's building, or a 门牌) and their problem, filed as an
    appeal."""
    member = conversation.volunteer
    assert member is not None, "the command table lets only NEIGHBOUR_REPORTERS run 代报"
    session = conversation.session
    try:
        home, problem = _home_and_problem(conversation, member, arguments.words)
    except building_leads.UnknownHome as unknown:
        if asks_after_a_report(arguments.words):  # 代报的进度: how the one she filed is going, as 我代报的那个怎么样了
            return chasing.ask_after(conversation, f"代报{arguments.words}") or Reply(texts.unknown_home(
                unknown.typed, unknown.units))
        return Reply(texts.unknown_home(unknown.typed, unknown.units))
    except building_leads.OtherBuilding as other:
        return Reply(texts.other_building(other.typed, other.building))
    except building_leads.NothingToReport:
        return Reply(texts.nothing(_unit_names(conversation)))
    except NotAllowed:
        return Reply(texts.DAIBAO_BUILDING_GONE)
    understanding = conversation.understanding
    emergency = recognise_emergency(understanding.taxonomy, problem)
    if emergency is not None:  # someone may be in danger: never refused by a limit, filed as 紧急
        intake = filing.emergency_intake(conversation, problem, emergency)
        filed = building_leads.file_for_neighbour(session, member, conversation.sender.id, home, intake,
                                                  conversation.now)
        complaint = complaining.complaint_in(conversation, home.grid_id, problem)
        if complaint is not None:  # the accused never gets its 【紧急】 card, nor reads or claims it
            complaining.mark(conversation, home.grid_id, filed.id, complaint)
        advice = resident_texts.EMERGENCY_ADVICE.format(call=emergency.call, advice=emergency.advice)
        told = filing.told_of_emergency(conversation, filed.id)
        return Reply(f"{advice}\n" + texts.filed_emergency(filed.ticket, home.label, emergency.response_minutes, told))
    too_long = excess(TextField.APPEAL, problem)
    if too_long is not None:
        return Reply(texts.DAIBAO_TOO_LONG.format(limit=too_long.limit, length=too_long.length))
    recent = appeals.recent_filings(session, conversation.sender.id, conversation.now)
    earlier = _reported_before(conversation, member, recent, home, problem)
    if earlier is not None:  # sent twice by mistake: one appeal, one card, the points once
        appeals.note_repeat(session, earlier, conversation.sender.id, problem, conversation.now)
        return Reply(texts.already_reported(earlier.ticket, home.label, earlier.content))
    refused = filing.over_limit(conversation, recent, texts.DAIBAO_LIMIT_PER_HOUR, texts.DAIBAO_LIMIT_PER_DAY)
    if refused is not None:
        return refused
    # A neighbour's complaint about staff is one like a resident's: the accused must not get its card.
    complaint = complaining.complaint_in(conversation, home.grid_id, problem)
    if without_details(problem, complaint.names if complaint else ()):  # 代报 2单元 投诉网格员张伟: what happened?
        return Reply(texts.daibao_complaint_details(_as_typed(conversation, home)))
    result = complaining.AS_COMPLAINT if complaint else understanding.classifier.classify(problem)
    intake = understanding.intake(problem, result, Kind.TEXT, dict(conversation.inbound.raw))
    filed = building_leads.file_for_neighbour(session, member, conversation.sender.id, home, intake,
                                              conversation.now)
    reply = texts.filed(filed.ticket, home.label, result.category, result.subcategory,
                        org.grid_label(session, home.grid_id))
    if complaint is None:
        return Reply(reply)
    complaining.mark(conversation, home.grid_id, filed.id, complaint)
    who = complaining.handlers_named(conversation, filed.id)
    return Reply(f"{reply}\n{texts.DAIBAO_COMPLAINT_HANDLED_BY.format(who=who)}")


def _reported_before(conversation: Conversation, member: Staff, recent: appeals.RecentFilings,
                     home: building_leads.Home, problem: str) -> appeals.Recent | None:
    """The open 代报 of the last day for the same neighbour with nearly the same words, if this is it again."""
    for earlier in recent.open:
        if is_repeat(earlier.content, problem) and building_leads.filed_at(conversation.session, member, earlier.id,
                                                                           home):
            return earlier
    return None


def _home_and_problem(conversation: Conversation, member: Staff, words: str) -> tuple[building_leads.Home, str]:
    """The neighbour's home and problem; a danger without a home that can be read (代报 王奶奶家着火了, 代报 5号楼2单元
    502着火了) is not sent back for its format: it is the building's, all the words its problem."""
    try:
        return building_leads.neighbour_home(conversation.session, member, words)
    except (building_leads.UnknownHome, building_leads.OtherBuilding):
        if recognise_emergency(conversation.understanding.taxonomy, words) is None:
            raise
        return building_leads.whole_building(conversation.session, member), words.strip()


def _as_typed(conversation: Conversation, home: building_leads.Home) -> str:
    """The neighbour's home as a 代报 names it again: the 门牌, else the unit (2单元)."""
    if home.door:
        return home.door
    unit = conversation.session.get(Unit, home.unit_id) if home.unit_id is not None else None
    return unit.name if unit is not None else ""


def _unit_names(conversation: Conversation) -> list[str]:
    member = conversation.volunteer
    if member is None or member.building_id is None:
        return []
    return [unit.name for unit in org.units_of(conversation.session, member.building_id)]
