"""A complaint about a staff member: "我要投诉网格员张伟，上门态度很差还骂人" is recognised before it is classified.

Pure: the words and the names of the staff the sender may mean in, a `StaffComplaint` out (or None). A complaint
needs both a complaint word (投诉, 举报, 态度很差, 骂人…) and someone it is about: a staff member's name (the
caller passes the names, from the staff table) or a role word (网格员, 网格长…). 物业 names a company as often as
a person ("投诉物业乱收费" is about a service), so it counts only with words about a person's conduct ("物业的人骂人"),
not with a service left undone ("物业不作为", "物业推诿": the property company's work, 物业服务).
Such an appeal goes to the named person's leader and the operators, never to the person (storage.complaints).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Collection

from nlp.cleaning import to_simplified
from nlp.taxonomy import STAFF_COMPLAINT, normalize_text

CATEGORY = STAFF_COMPLAINT  # what complaints are filed under: private, outside the taxonomy file
LEADER_ROLE = "网格长"
# Words that accuse whoever the message names.
ACCUSING = ("投诉", "举报", "控告")
# Words about how someone behaved: they make "物业" a person too.
CONDUCT = ("态度差", "态度很差", "态度太差", "态度恶劣", "态度不好", "态度极差", "骂人", "骂我", "辱骂", "凶我",
           "吼我", "打人", "威胁", "刁难", "吃拿卡要", "索要", "收红包", "收好处", "不作为", "推诿", "踢皮球")
# Conduct words that say a job was left undone: about a staff member they are a complaint, about 物业 a service.
SERVICE_FAILURES = ("不作为", "推诿", "踢皮球")
PERSONAL_CONDUCT = tuple(word for word in CONDUCT if word not in SERVICE_FAILURES)
STAFF_ROLES = ("网格员", LEADER_ROLE, "社区工作人员", "工作人员", "社区干部")
CONDUCT_ONLY_ROLES = ("物业",)
_NOISE = re.compile(r"\s+")  # voice recognition spaces words out
# A complaint that names neither whom nor what: 我要投诉网格员, 投诉网格员, 我要投诉, 我要投诉物业 (punctuation dropped
# first).
_WITHOUT_DETAILS = re.compile(r"(我|本人)?(要|想|想要|需要|必须|得)?(投诉|举报|控告)(一下|下)?(你们|你们的|这个|这里的|这边的)?"
                              r"(" + "|".join((*STAFF_ROLES, *CONDUCT_ONLY_ROLES, "物业公司")) + r")?(的?人)?(吗|呢|啊|呀)?")
_PUNCTUATION = re.compile(r"[\W_]+")


@dataclass(frozen=True)
class StaffComplaint:
    """Whom a complaint is about: the staff names it contains and the role words it uses (either may be empty,
    not both)."""

    names: tuple[str, ...]
    roles: tuple[str, ...]

    @property
    def about_a_leader(self) -> bool:
        """The message calls someone 网格长 (the named person's role is the staff table's to say)."""
        return LEADER_ROLE in self.roles


def _folded(text: str) -> str:
    """Half-width, lower case, simplified (投訴網格員張偉 is 投诉网格员张伟: staff names are stored simplified), no spaces."""
    return _NOISE.sub("", to_simplified(normalize_text(text)))


def may_accuse(text: str) -> bool:
    """Whether `text` has a complaint or conduct word at all: only then are staff names worth looking up."""
    folded = _folded(text)
    return any(word in folded for word in ACCUSING) or any(word in folded for word in CONDUCT)


def without_details(text: str, names: Collection[str] = ()) -> bool:
    """Whether `text` only says the sender wants to complain (我要投诉网格员), perhaps about one of `names` (投诉网格员
    张伟): what happened is still to be asked, nothing is filed."""
    folded = _PUNCTUATION.sub("", _folded(text))
    for name in sorted(names, key=len, reverse=True):
        folded = folded.replace(name, "", 1) if name else folded
    return _WITHOUT_DETAILS.fullmatch(folded) is not None


def recognise(text: str, staff_names: Collection[str]) -> StaffComplaint | None:
    """The complaint about staff `text` makes, or None. `staff_names` are the names of the staff it may be about."""
    folded = _folded(text)
    accuses = any(word in folded for word in ACCUSING)
    conduct = any(word in folded for word in CONDUCT)
    if not (accuses or conduct):
        return None
    names = tuple(name for name in dict.fromkeys(staff_names) if len(name) >= 2 and name in folded)
    roles = tuple(role for role in STAFF_ROLES if role in folded)
    if any(word in folded for word in PERSONAL_CONDUCT):
        roles += tuple(role for role in CONDUCT_ONLY_ROLES if role in folded)
    if not (names or roles):
        return None
    return StaffComplaint(names, roles)
