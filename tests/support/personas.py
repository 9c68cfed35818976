"""The people of the test street, so a test says who is speaking: `wechat.send(ZHANG, "接单 …")`.

Staff keep the openids the demo gives the same people: the session's log scan (tests/log_scan.py) looks for them in
every log, including those of the demo processes the e2e tests start.
"""

# 幸福里社区·第一网格: two grid members (网格员) and their grid leader (网格长)
ZHANG = "demo_staff_zhangwei"  # 张伟
LI = "demo_staff_lina"  # 李娜
WANG = "demo_staff_wangqiang"  # 王强, 网格长
LIU = "demo_staff_liuyang"  # 刘洋, 幸福里社区·第二网格
CHEN = "demo_staff_chenjing"  # 陈静, 和平社区·第一网格
ZHAO = "demo_staff_zhaolei"  # 赵磊, 和平社区·第二网格
OPERATOR = "demo_staff_sunli"  # 孙丽, 操作员 of 幸福里社区
BUILDING_LEAD = "demo_staff_louzhang"  # 赵阿姨, 楼长 of 阳光花园3号楼 (not grid staff: 代报, 已转达)
# The community's own people, confirmed: residents with a part (领单, 积分), not grid staff
PARTY_MEMBER = "o_party"  # 陈明, 党员 (市税务局第二党支部), lives in 阳光花园 2号楼 1单元
VOLUNTEER = "o_volunteer"  # 周敏, 志愿者, lives in 阳光花园 1号楼 2单元

# Residents, bound when the street is seeded (阳光花园 is 幸福里社区·第一网格's compound)
RESIDENT = "o1"  # 阳光花园 3号楼 1单元
NEIGHBOUR = "o5"  # 3号楼 2单元: o1's neighbour, who joins o1's appeal (我也遇到)
UNIT_NEIGHBOUR = "o6"  # 3号楼 1单元, o1's unit: o1, o5 and o6 reporting the same thing make a 聚焦办 hot spot
NEXT_DOOR = "o7"  # 1号楼 1单元, the same compound
HEPING_RESIDENT = "o2"  # 和平社区·第一网格, 和平小区 1栋 2单元
