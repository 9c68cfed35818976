import pytest

pytestmark = pytest.mark.postgres


def test_a_bound_resident_gets_a_ticket_category_and_grid(wechat):
    reply = wechat.send("o1", "3号楼电梯坏了，物业一直不来修")
    assert "编号：G261122" in reply
    assert "物业服务" in reply
    assert "幸福里社区·第一网格" in reply
