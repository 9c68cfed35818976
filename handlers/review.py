"""待分类 and 分类: operators and grid leaders look at the appeals the classifier was unsure of and correct them."""

from __future__ import annotations

from handlers import staff_texts as texts
from handlers.arguments import Arguments
from handlers.conversation import Conversation, Understanding
from handlers.resident_texts import clock
from handlers.staff import hidden
from handlers.types import Reply
from nlp import UNCLASSIFIED
from nlp.cleaning import as_read
from nlp.taxonomy import Limits, Taxonomy
from storage import queries, review, tasks
from storage.errors import IllegalTransition, NotAllowed, NotFound
from storage.models import StaffRole

REVIEW_SHOWN = 10  # appeals one 待分类 reply lists, oldest first


def waiting(conversation: Conversation, _arguments: Arguments) -> Reply:
    """待分类: the open appeals in the reviewer's grid or community that wait for a category, with a guess."""
    member = conversation.staff
    if member.role not in (StaffRole.OPERATOR, StaffRole.GRID_LEADER):
        return Reply(texts.NOT_A_REVIEWER)
    # One more than is shown, to tell whether more wait behind the list.
    found = queries.review_queue(conversation.session, queries.Scope.overseen_by(member), limit=REVIEW_SHOWN + 1)
    if not found:
        return Reply(texts.REVIEW_EMPTY)
    # Oldest first, they may be last year's: a day of another year says its year, as everywhere in the chat.
    lines = [texts.REVIEW_LINE.format(ticket=appeal.ticket, at=clock(appeal.created_at, conversation.now),
                                      content=_excerpt(appeal.content), guess=_guess(conversation, appeal.content))
             for appeal in found[:REVIEW_SHOWN]]
    more = [texts.REVIEW_MORE] if len(found) > REVIEW_SHOWN else []
    return Reply("\n".join([texts.REVIEW_HEADER, *lines, *more, texts.REVIEW_FOOTER]))


def reclassify(conversation: Conversation, arguments: Arguments) -> Reply:
    """分类 <编号> <类别>."""
    member = conversation.staff
    taxonomy = conversation.understanding.taxonomy
    ticket, name = arguments.ticket, named(taxonomy, as_read(arguments.words))  # 分類 … 政策諮詢 names 政策咨询
    if name not in (*taxonomy.names, UNCLASSIFIED):
        return Reply(texts.UNKNOWN_CATEGORY.format(name=name, names="、".join(taxonomy.names)))
    category = taxonomy.category(name)  # 待分类: back to the queue, with the default time limits
    new = new_category(taxonomy, name)
    assert new is not None, "the name is one of the taxonomy's, or 待分类"
    try:
        appeal = review.reclassify(conversation.session, member, ticket, new, conversation.now)
    except NotFound:
        return Reply(texts.TASK_NOT_FOUND.format(ticket=ticket))
    except NotAllowed as refused:
        if hidden(conversation, ticket):
            return Reply(texts.TASK_NOT_FOUND.format(ticket=ticket))
        return Reply(texts.COMPLAINT_NOT_RECLASSIFIED.format(ticket=ticket) if refused.reason == "complaint"
                     else texts.NOT_A_REVIEWER)
    except IllegalTransition as refused:
        if hidden(conversation, ticket):
            return Reply(texts.TASK_NOT_FOUND.format(ticket=ticket))
        status = texts.status_name(refused.status)
        return Reply(texts.WRONG_STATE.format(ticket=ticket, status=status, action="改分类"))
    if name == UNCLASSIFIED:
        return Reply(texts.BACK_TO_REVIEW.format(ticket=ticket))
    if appeal.status in review.FINISHED:
        return Reply(texts.RECLASSIFIED_FINISHED.format(ticket=ticket, category=name))
    before = review.overridden(conversation.session, appeal, member, conversation.now)
    also = "" if before is None else "\n" + texts.OVERRIDDEN.format(
        by=before.by or texts.SOMEONE, at=clock(before.at, conversation.now), category=before.category, new=name)
    department = category.limits(appeal.subcategory).department
    # Suggest the 转办 only to a unit serving the appeal's place (storage.unit_reach): another street's is refused.
    if department is not None and department not in tasks.departments(conversation.session, appeal.grid_id):
        return Reply(texts.RECLASSIFIED_TO_UNSERVED_DEPARTMENT.format(ticket=ticket, category=name,
                                                                      department=department) + also)
    if department is not None:
        return Reply(texts.RECLASSIFIED_TO_DEPARTMENT.format(ticket=ticket, category=name, department=department)
                     + also)
    return Reply(texts.RECLASSIFIED.format(ticket=ticket, category=name) + also)


def named(taxonomy: Taxonomy, words: str) -> str:
    """The category the reviewer's words name: its full name, or a part of one name alone (物业 is 物业服务; 服务,
    part of two, names none and is refused with the list). 物业服务·电梯, as cards and 查询 show it, names its category:
    the subcategory follows from the appeal's words."""
    words = words.split("·", 1)[0].strip() if "·" in words else words
    if words in (*taxonomy.names, UNCLASSIFIED) or not words:
        return words
    matching = [name for name in taxonomy.names if words in name]
    return matching[0] if len(matching) == 1 else words


def new_category(taxonomy: Taxonomy, name: str) -> review.NewCategory | None:
    """The taxonomy's category of that name with its time limits, as `storage.review.reclassify` takes it; None
    when the taxonomy has no such category (待分类 has the default limits). The chat's 分类 and the console's 改分类
    both use it."""
    if name not in (*taxonomy.names, UNCLASSIFIED):
        return None
    category = taxonomy.category(name)
    return review.NewCategory(category.name, category.response_hours, category.resolve_hours,
                              category.subcategory_of, lambda sub: _hours(category.limits(sub)),
                              category.working_days)


def guess(understanding: Understanding, content: str) -> str | None:
    """The classifier's best category for the text today (the model may have been retrained since); None when it
    has none to offer."""
    result = understanding.classifier.classify(content)
    return (result.category if result.category != UNCLASSIFIED else result.runner_up) or None


def _hours(limits: Limits) -> tuple[int, int]:
    return limits.response_hours, limits.resolve_hours


def _guess(conversation: Conversation, content: str) -> str:
    return guess(conversation.understanding, content) or "—"


def _excerpt(content: str, limit: int = 30) -> str:
    return content if len(content) <= limit else content[:limit] + "…"
