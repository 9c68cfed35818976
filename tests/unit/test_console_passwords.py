"""Which passwords a console account may have (no database)."""

import pytest

from storage.console_users import WeakPassword, check_password, normalize_username


@pytest.mark.parametrize(("password", "reason"), [
    ("", "empty"), ("Ab1!xyz", "short"), ("x1" * 65, "long"), ("abcdefghijk", "one_kind"),
    ("12345678901", "one_kind"), ("sunli-2026-office", "has_username"), ("Password123", "common"),
])
def test_it_refuses_a_weak_password(password, reason):
    with pytest.raises(WeakPassword) as refused:
        check_password(password, "sunli")
    assert refused.value.reason == reason


@pytest.mark.parametrize("password", ["Grid-bot-2026!", "幸福里社区办公室2026", "correct horse battery 9"])
def test_it_takes_a_long_password_of_two_kinds_of_character(password):
    check_password(password, "sunli")


def test_a_username_is_compared_in_plain_lower_case():
    assert normalize_username("  ＳｕｎＬｉ ") == "sunli"


def test_the_trail_names_a_console_operator_by_the_console():
    from handlers.staff_texts import event_who

    assert event_who("console_user", "孙丽") == "（控制台 孙丽）"
    assert event_who("staff", "张伟") == "（张伟）"
    assert event_who("system", None) == ""
