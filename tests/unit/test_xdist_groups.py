"""The xdist groups of tests/conftest.py reach pytest-xdist: a group's tests run on one worker."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def built_once() -> object:
    """A module-wide fixture, as a server or a model is: its module's tests are one group."""
    return object()


def test_tests_sharing_a_module_wide_fixture_are_one_group_that_xdist_sees(request: pytest.FixtureRequest,
                                                                           built_once: object) -> None:
    # Under `--dist loadgroup` (python3 run.py test) the controller reads a test's group from the `@group` suffix
    # of its id: without it the test runs wherever it falls, and each worker builds the fixture again.
    group = "tests/unit/test_xdist_groups.py"
    assert request.node.get_closest_marker("xdist_group").args == (group,)
    if getattr(request.config.option, "loadgroup", False):
        assert request.node.nodeid.endswith(f"@{group}"), request.node.nodeid
