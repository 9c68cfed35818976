"""Hypothesis profiles for the fuzzing pass: cheap and the same every run in CI, deeper on request.

`HYPOTHESIS_PROFILE=long` runs many more examples, randomised (`python3 run.py test tests/fuzz` or pytest directly);
the default profile is derandomised (the same examples every run, so CI can't fail by chance), writes no example
database into the repository, and keeps the whole directory within a minute on two cores.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis.configuration import set_hypothesis_home_dir

# Hypothesis keeps caches (Unicode tables, the constants it found in our code) in .hypothesis/ of the working
# directory even without an example database: outside the repository instead, shared by the runs of this user.
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / f"gridbot-hypothesis-{os.getuid()}")

# The fixtures (a seeded database, a logged-in browser) are built once per test and shared by its examples on
# purpose: each example checks its own before/after, and what earlier examples left behind is more input.
_SHARED = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large,
           HealthCheck.filter_too_much]
settings.register_profile("ci", max_examples=20, derandomize=True, deadline=None, database=None,
                          suppress_health_check=_SHARED, print_blob=True)
settings.register_profile("long", max_examples=200, deadline=None, database=None, suppress_health_check=_SHARED,
                          print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

CI = settings.default.max_examples <= 20


def fewer_in_ci(examples: int) -> settings:
    """A test's own smaller count in CI, for one whose every example is slow (a process's start, a classifier)."""
    return settings(max_examples=examples) if CI else settings()


# The chat fuzz draws a command of the table (some fifty) and an audience for each example, after one fixed example
# per command.
CHAT_EXAMPLES = 45 if CI else 600
