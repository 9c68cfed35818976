"""Log lines within a budget: a flood is logged by its first lines, and the next line allowed says how many were
left out."""

from bot.throttle import LineBudget


class Ticking:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_lines_past_the_budget_are_left_out_and_the_next_minutes_first_line_counts_them() -> None:
    clock = Ticking()
    budget = LineBudget(3, 60.0, clock)

    first_minute = [budget.take() for _ in range(10)]
    clock.now += 60
    next_minute = [budget.take() for _ in range(2)]

    assert first_minute == [0, 0, 0] + [None] * 7
    assert next_minute == [7, 0]


def test_a_quiet_stream_is_logged_whole() -> None:
    clock = Ticking()
    budget = LineBudget(3, 60.0, clock)
    taken = []
    for _ in range(10):
        taken.append(budget.take())
        clock.now += 30  # two lines a minute

    assert taken == [0] * 10
