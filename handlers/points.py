"""积分 in the chat: 我的积分 (anyone with a Staff row: the community's own people and grid staff) and 积分排行
(the community's own people, ranked within the sender's 小区 or community)."""

from __future__ import annotations

import unicodedata
from types import ModuleType

from handlers import community_texts, points_words, resident_texts, staff_texts
from handlers.arguments import Arguments
from handlers.conversation import Conversation
from handlers.types import Reply
from storage import enrolments, points, points_rules, points_view
from storage.models import GRID_TEAM, Staff


def my_points(conversation: Conversation, _arguments: Arguments) -> Reply:
    """我的积分: the balance, this month's points and the last entries; residents hear who earns points."""
    member = conversation.volunteer
    texts: ModuleType = community_texts
    if member is None and conversation.is_staff:
        member, texts = conversation.staff, staff_texts
    if member is None:
        return _not_for_residents(conversation)
    session = conversation.session
    figures = points.summary(session, member.id, conversation.now)
    lines = [texts.MY_POINTS.format(role=community_texts.role_name(member.role), name=member.name,
                                    balance=figures.total, month=figures.this_month)]
    if figures.recent:
        lines.append(texts.MY_POINTS_RECENT)
        lines += [texts.MY_POINTS_LINE.format(line=points_words.written(line, conversation.now))
                  for line in points_view.lines(session, figures.recent)]
    elif texts is staff_texts and member.role not in GRID_TEAM:
        lines.append(staff_texts.MY_POINTS_NOT_EARNED)
    else:
        lines.append(texts.MY_POINTS_NONE)
    if texts is community_texts or member.role in GRID_TEAM:
        lines.append(_rules_line(conversation, member, texts))
    if texts is community_texts:
        lines.append(community_texts.MY_POINTS_MORE)
    return Reply("\n".join(lines))


def _rules_line(conversation: Conversation, member: Staff, texts: ModuleType) -> str:
    """What each of the rules the member earns by is worth in their street (its own, else the district's)."""
    (street,) = points.street_names(conversation.session, [member])
    rules = points_rules.current().for_street(street)
    earned_by = points_rules.COMMUNITY_RULES if texts is community_texts else points_rules.GRID_TEAM_RULES
    worth = points_words.terms(rules[name] for name in earned_by)
    return (texts.MY_POINTS_RULES.format(street=street, terms=worth) if street
            else texts.MY_POINTS_RULES_NO_STREET.format(terms=worth))


def _not_for_residents(conversation: Conversation) -> Reply:
    """Who earns points and how to join; one whose 报到 or 报名 waits hears that it does."""
    if enrolments.waiting(conversation.session, conversation.sender.id):
        return Reply(resident_texts.POINTS_WAITING_FOR_COMMUNITY)
    return Reply(resident_texts.POINTS_NOT_FOR_RESIDENTS)


def how_to_redeem(conversation: Conversation, _arguments: Arguments) -> Reply:
    """积分兑换: who records a redemption (the community, `gridbot points redeem`) and the sender's balance."""
    member = conversation.volunteer or (conversation.staff if conversation.is_staff else None)
    if member is None:
        return _not_for_residents(conversation)
    balance = points.balance(conversation.session, member.id)
    return Reply(community_texts.REDEEM_HOW.format(balance=balance))


def ranking(conversation: Conversation, arguments: Arguments) -> Reply:
    """积分排行 [社区]: this month's top ten of the sender's 小区 (or community), and the sender's own place."""
    member = conversation.volunteer
    assert member is not None, "the command table lets only the community's own people through"
    month = points.month_of(conversation.now)
    said = unicodedata.normalize("NFKC", arguments.words.strip())
    whole_community = said in community_texts.RANKING_WORDS
    if names_a_place(said):  # 积分排行 和平社区: the sender's own community or 小区, or told which they may see
        compound, community = points_view.own_places(conversation.session, member)
        whole_community = said == community
        if not whole_community and (compound is None or _bare(said) != _bare(compound)):
            return Reply(community_texts.RANKING_OWN_PLACES_ONLY.format(compound=compound or community,
                                                                        community=community))
    board = points_view.board(conversation.session, member, month, whole_community=whole_community)
    return Reply(_board_text(board))


def _bare(compound: str) -> str:
    return compound.removesuffix(community_texts.COMPOUND_WORD)


PLACE_WORDS = 16  # a community's or compound's name said after 积分排行


def names_a_place(said: str) -> bool:
    """积分排行 和平社区, 积分排行 东方名苑小区: a 社区 or 小区 named after the verb (the sender's own, or another,
    which is told what they may see), not a sentence such as 积分排行怎么算."""
    return (said not in community_texts.RANKING_WORDS + community_texts.RANKING_COMPOUND_WORDS
            and len(said) <= PLACE_WORDS and said.endswith(community_texts.PLACE_WORDS_ENDINGS))


def _board_text(board: points_view.Board) -> str:
    texts = community_texts
    month = texts.month_words(board.month)
    if not board.rows:
        return "\n".join([texts.RANKING_EMPTY.format(where=board.where, month=month), texts.RANKING_OWN_NONE])
    lines = [texts.RANKING_HEADER.format(where=board.where, month=month, top=points_view.TOP)]
    lines += [texts.RANKING_LINE.format(place=row.place, name=row.name, role=texts.role_name(row.role),
                                        points=row.points) for row in board.rows]
    own = board.own
    lines.append(texts.RANKING_OWN.format(place=own.place, points=own.points) if own is not None
                 else texts.RANKING_OWN_NONE)
    return "\n".join(lines)
