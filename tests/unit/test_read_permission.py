"""Who may read which appeal: one function, `storage.staff.can_read`, over roles × places × sensitivity."""

import pytest

from storage.models import Staff, StaffRole
from storage.staff import Readable, can_read

GRID, OTHER_GRID, FAR_GRID = 1, 2, 3  # grids 1 and 2 are in community 10, grid 3 in community 20
COMMUNITY, FAR_COMMUNITY = 10, 20
ASSIGNEE, REPORTER = 7, 8


STREET, FAR_STREET = 100, 200  # community 10's street, and another street of the district


def person(role, grid=None, community=None, department=None, staff_id=99, street=None):
    return Staff(id=staff_id, role=role, grid_id=grid, community_id=community, department=department, active=True,
                 street_id=street)


def appeal(sensitive, departments=()):
    """An appeal of grid 1, claimed by staff 7, reported by staff 8, transferred to the named departments."""
    return Readable(GRID, COMMUNITY, assignee_staff_id=ASSIGNEE, reporter_staff_id=REPORTER,
                    departments=frozenset(departments), sensitive=sensitive, street_id=STREET)


MEMBER, LEADER, PROPERTY = StaffRole.GRID_MEMBER, StaffRole.GRID_LEADER, StaffRole.PROPERTY
DEPARTMENT, OPERATOR = StaffRole.DEPARTMENT, StaffRole.OPERATOR

# reader, the appeal's departments, may read it: (an ordinary category, a sensitive one)
TABLE = [
    ("网格员 of its grid", person(MEMBER, GRID, COMMUNITY), (), (True, False)),
    ("网格员, its assignee", person(MEMBER, GRID, COMMUNITY, staff_id=ASSIGNEE), (), (True, True)),
    ("网格员 who reported it (上报)", person(MEMBER, GRID, COMMUNITY, staff_id=REPORTER), (), (True, True)),
    ("网格员 of another grid, same community", person(MEMBER, OTHER_GRID, COMMUNITY), (), (False, False)),
    ("网格员 of another community", person(MEMBER, FAR_GRID, FAR_COMMUNITY), (), (False, False)),
    ("网格长 of its grid", person(LEADER, GRID, COMMUNITY), (), (True, True)),
    ("网格长 of another grid, same community", person(LEADER, OTHER_GRID, COMMUNITY), (), (False, False)),
    ("物业 of its grid", person(PROPERTY, GRID, COMMUNITY, "阳光物业"), (), (True, False)),
    ("物业 of another community", person(PROPERTY, FAR_GRID, FAR_COMMUNITY, "和美物业"), (), (False, False)),
    # The same company's clerk of another compound: not theirs (storage.unit_reach), whatever the name says.
    ("物业 of another community, transferred to its company", person(PROPERTY, FAR_GRID, FAR_COMMUNITY, "和美物业"),
     ("和美物业",), (False, False)),
    ("物业 of its grid, transferred to its company", person(PROPERTY, GRID, COMMUNITY, "和美物业"), ("和美物业",),
     (True, False)),
    ("部门 it is or was transferred to", person(DEPARTMENT, department="城管"), ("城管", "市政"), (True, False)),
    ("部门 of its street it was transferred to", person(DEPARTMENT, department="城管", street=STREET), ("城管",),
     (True, False)),
    ("部门 of the same name, another street", person(DEPARTMENT, department="城管", street=FAR_STREET), ("城管",),
     (False, False)),
    ("部门 of its community", person(DEPARTMENT, community=COMMUNITY, department="城管"), ("城管",), (True, False)),
    ("部门 of another community", person(DEPARTMENT, community=FAR_COMMUNITY, department="城管"), ("城管",),
     (False, False)),
    ("部门 it never went to", person(DEPARTMENT, department="环保"), ("城管",), (False, False)),
    ("楼长 of a building of its grid", person(StaffRole.BUILDING_LEAD, GRID, COMMUNITY), (), (False, False)),
    ("楼长 who filed it for a neighbour (代报)", person(StaffRole.BUILDING_LEAD, GRID, COMMUNITY, staff_id=REPORTER),
     (), (True, True)),
    ("部门 without a department name", person(DEPARTMENT), ("城管",), (False, False)),
    ("部门, its assignee", person(DEPARTMENT, department="城管", staff_id=ASSIGNEE), ("城管",), (True, True)),
    ("网格员 whose name matches a department", person(MEMBER, FAR_GRID, FAR_COMMUNITY, "城管"), ("城管",),
     (False, False)),
    ("操作员 of its community", person(OPERATOR, community=COMMUNITY), (), (True, True)),
    ("操作员 of another community", person(OPERATOR, community=FAR_COMMUNITY), (), (False, False)),
    ("操作员 of the street (no community)", person(OPERATOR), (), (True, True)),
]


@pytest.mark.parametrize("reader, departments, expected", [row[1:] for row in TABLE], ids=[row[0] for row in TABLE])
@pytest.mark.parametrize("sensitive", [False, True], ids=["ordinary", "sensitive"])
def test_who_may_read_an_appeal(reader, departments, expected, sensitive):
    assert can_read(reader, appeal(sensitive, departments)) is expected[sensitive]


def test_an_appeal_not_yet_placed_is_read_only_by_the_street():
    unplaced = Readable(None, None)
    assert can_read(person(OPERATOR), unplaced)
    assert not can_read(person(OPERATOR, community=COMMUNITY), unplaced)
    assert not can_read(person(MEMBER), unplaced)  # a member bound to no grid is not "in" an unplaced appeal's grid
    assert not can_read(person(LEADER), unplaced)
    assert not can_read(person(MEMBER, GRID, COMMUNITY, staff_id=None), Readable(GRID, COMMUNITY, sensitive=True))
