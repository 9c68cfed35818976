"""Phone and ID-card numbers never reach a resident whole: what staff wrote may name a neighbour's.

The masking itself lives in storage/privacy.py, beside the openid mask, so the domain can mask a resident's
phone on a card it writes for someone who is not the appeal's handler; the conversation imports it from here.
"""

from __future__ import annotations

from storage.privacy import STARS, mask_personal_numbers

__all__ = ["STARS", "mask_personal_numbers"]
