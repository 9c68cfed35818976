"""Whether a message reports a problem for someone of the family ("我替我妈反映，她家楼道灯坏了"): pure text in,
yes or no. A daughter without an address of her own in the street reports for her mother: the address the problem
needs is her mother's, and she must be told so before the menu asks "您所在的社区"."""

from __future__ import annotations

import re

from nlp.chatter import as_said

_FAMILY = "(?:老?妈|老?爸|爸妈|母亲|父亲|父母|奶奶|爷爷|姥姥|姥爷|外婆|外公|婆婆|公公|岳母|岳父|丈母娘|老人|家里老人|家人|亲戚)"
# 替我妈, 帮我爸, 代我父母: reporting for them; 我妈家, 我妈住, 我爸那边: their home, where the problem is.
_FOR_FAMILY = re.compile(rf"(?:替|帮|代)(?:我|我们)?(?:的)?{_FAMILY}|我(?:的)?{_FAMILY}(?:家|住|那边|那儿|那里)")


def for_family(text: str) -> bool:
    """Whether the message says the problem is a family member's, at their home (我替我妈反映, 我妈家楼道灯坏了)."""
    return _FOR_FAMILY.search(as_said(text)) is not None
