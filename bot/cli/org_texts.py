"""What the organisation's commands print (org list/export/move-building/codes, import org --prune, grid list and
mode): every sentence in one place."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from storage.building_codes import BuildingCode
    from storage.chain import Post
    from storage.grids import GridLine
    from storage.org_ledger import CommunityNode, Missing, Pruned
    from storage.org_moves import MovePlan

MODE_NAMES = {"grab": "抢单", "assign": "派单"}
DATABASE_FAILED = "数据库操作失败（{reason}），没有改动。请检查 GRIDBOT_DATABASE_URL 后重试。"
JSON_OR_CSV = "--json 和 --csv 只能选一个。"
NOTHING_IN_SCOPE = "这个范围内没有在用的网格。"
MAX_NAMED = 20  # missing buildings named one by one; the rest are counted

EXPORT_DONE = "已导出 {rows} 行（{buildings} 栋楼）到 {path}；这个文件可以原样用 gridbot import org 导回。"
# Re-imported, a grid's ledger is one of its community: the community's other grids are reported as missing.
EXPORT_ONE_GRID = ("注意：这只是 {grid} 一个网格的台账。导回时，本社区的其他网格会被报告为“台账中缺少”，不要加 --prune"
                   "（那会停用它们）；要改整个社区，请用 --scope {community} 导出。")
EXPORT_NOT_XLSX = "导出文件名请以 .xlsx 结尾，收到的是“{path}”。"
EXPORT_UNWRITABLE = "无法写入 {path}（{reason}）。"

MOVE_PLAN = ("将把“{building}”从 {from_grid} 划到 {to_grid}：\n"
             "  {residents} 位居民随楼栋划过去，以后反映的问题派给 {to_grid}；\n"
             "  {appeals} 件未办结的诉求{tickets}。")
MOVE_TICKETS = "（{tickets}）"
MOVE_APPEALS = {
    "keep": "仍由现在的办理人办完（--appeals keep）",
    "move": "重新派给 {to_grid}，原办理人和居民都会收到通知（--appeals move）",
}
MOVE_ASK = "未办结的诉求怎么办？keep = 仍由现在的办理人办完，move = 重新派给新网格"
MOVE_NEEDS_CHOICE = ("有 {appeals} 件未办结的诉求，请用 --appeals keep（仍由现在的办理人办完）或 --appeals move"
                     "（重新派给新网格）说明怎么办；非交互运行时不会替您决定。")
MOVE_CONFIRM = "确定划转吗？"
MOVE_ABORTED = "已取消，没有改动。"
MOVE_DONE = "已把“{building}”划到 {to_grid}：{residents} 位居民随之划转，{appeals} 件诉求{how}。"
MOVE_DONE_HOW = {"keep": "仍由原办理人办理", "move": "已重新派发"}
MOVE_TO_NOBODY = ("注意：{to_grid} 现在没有在岗的网格员，重新派发的诉求没有人收到任务卡；"
                  "请先邀请网格员，或用 gridbot reassign 编号 改派给有人的网格或网格员。")
MOVE_ALREADY_THERE = "“{building}”已经在 {grid}，没有改动。"
MOVE_NAME_TAKEN = "{grid} 已经有“{building}”，不能再划入同名楼栋。"

CODES_HEADER = "楼栋\t场景值\t关注时的二维码参数"
CODES_LINE = "{label}\t{key}\t{prefix}{key}"
CODES_WRITTEN = "已写好 {count} 张海报到 {directory}（新申请二维码 {created} 个，沿用已有的 {reused} 个）。"
CODES_NO_BUILDINGS = "这个范围内没有在用的楼栋。"
CODES_API_FAILED = "向微信申请二维码失败（{reason}）；已写好的 {done} 张海报和已申请的二维码都已保存，重新运行会接着做。"
CODES_OUT_UNWRITABLE = "无法写入目录 {directory}（{reason}）。"
CODES_NEED_LIBRARIES = "生成海报需要 segno 和 reportlab，请先安装：pip install segno reportlab"

GRID_LIST_HEADER = "网格\t模式\t在岗/成员\t未办结"
GRID_LIST_LINE = "{label}\t{mode}\t{on_duty}/{members}\t{open}"
GRID_MODE_ARGUMENTS = ("用法：gridbot grid mode 网格 抢单|派单，或 gridbot grid mode 抢单|派单 --community 社区，"
                       "或 gridbot grid mode 抢单|派单 --street 街道（--community 和 --street 只写一个）")
GRID_COMMUNITY_MODE = "{community} 的 {count} 个网格设为{mode}模式（其中 {changed} 个原来不是）：{how}"
GRID_STREET_MODE = "{street} {communities} 个社区的 {count} 个网格设为{mode}模式（其中 {changed} 个原来不是）：{how}"


def missing(gone: Missing) -> str:
    """台账中缺少 N 个楼栋：… (and grids, units)."""
    lines = []
    if gone.grids:
        lines.append(f"台账中缺少 {len(gone.grids)} 个网格：{'、'.join(gone.grids[:MAX_NAMED])}"
                     + (" 等" if len(gone.grids) > MAX_NAMED else ""))
    if gone.buildings:
        lines.append(f"台账中缺少 {len(gone.buildings)} 个楼栋：{'、'.join(gone.buildings[:MAX_NAMED])}"
                     + (" 等" if len(gone.buildings) > MAX_NAMED else ""))
    if gone.units:
        lines.append(f"台账中缺少 {gone.units} 个单元（所在楼栋仍在台账中）。")
    return "\n".join(lines)


PRUNE_HINT = "它们仍在使用中；确认已撤销的话，加 --prune 重新导入即可停用（诉求不会删除）。"


def pruned(done: Pruned) -> str:
    """What --prune deactivated, and what stays."""
    text = f"已停用 {done.grids} 个网格、{done.buildings} 个楼栋、{done.units} 个单元：居民绑定时不再看到它们。"
    if done.residents or done.open_appeals:
        text += (f"\n{done.residents} 位居民仍绑定在这些楼栋，住址和诉求都保留，反映问题照常派给原网格；"
                 f"{done.open_appeals} 件未办结的诉求照常办理。需要时请用 gridbot org move-building 划转楼栋。")
    return text


def tree(communities: list[CommunityNode]) -> str:
    """社区 → 网格（模式，成员）→ 小区 → 楼栋（单元，居民）."""
    lines = []
    for community in communities:
        lines.append(f"{community.name}（{community.street}）")
        for grid in community.grids:
            lines.append(f"  {grid.name}（{MODE_NAMES.get(grid.mode, grid.mode)}，{grid.members} 名成员）")
            for compound, buildings in grid.compounds().items():
                indent = "    "
                if compound:
                    lines.append(f"    {compound}")
                    indent = "      "
                for building in buildings:
                    lines.append(f"{indent}{building.name}（{building.units} 个单元，{building.residents} 位居民，"
                                 f"ID {building.id}）")
    return "\n".join(lines)


def move_plan(plan: MovePlan, appeals: str | None) -> str:
    """What the move will do, said before it is done."""
    tickets = MOVE_TICKETS.format(tickets="、".join(plan.open_tickets)) if plan.open_tickets else ""
    text = MOVE_PLAN.format(building=plan.building, from_grid=plan.from_grid, to_grid=plan.to_grid,
                            residents=plan.residents, appeals=len(plan.open_tickets), tickets=tickets)
    if plan.open_tickets and appeals:
        text += "\n  这些诉求将" + MOVE_APPEALS[appeals].format(to_grid=plan.to_grid) + "。"
    return text


def code_line(code: BuildingCode, prefix: str) -> str:
    """楼栋, 场景值 and what a new follower's scan brings, tab-separated."""
    return CODES_LINE.format(label=code.label, key=code.scene_key, prefix=prefix)


def grid_line(line: GridLine) -> str:
    """网格, 模式, 在岗/成员, 未办结, tab-separated."""
    return GRID_LIST_LINE.format(label=line.label, mode=MODE_NAMES.get(line.mode, line.mode),
                                 on_duty=line.on_duty, members=line.members, open=line.open_appeals)


# --- the chain (党建引领): org branch, org posts (bot/cli/org_chain.py, storage/chain.py) ------------------------

NONE = "无"
BRANCH_SAVED = {True: "已建立 {community}·{compound} 的{name}", False: "已更新 {community}·{compound} 的{name}"}
BRANCH_SECRETARY = "，书记：{secretary}。"
BRANCH_NO_SECRETARY_YET = "，尚未指定书记（--secretary 姓名）。"
BRANCH_UNKNOWN_COMPOUND = "{community}没有小区“{compound}”。这个社区的小区：{compounds}。请按 社区/小区 写，例如 幸福里社区/阳光花园。"
BRANCH_NO_SECRETARY = ("“{typed}”不是住在这个小区的党员或党员中心户，不能任书记。住在这里的：{candidates}。"
                       "党员请先在公众号发送“党员报到”并经确认（或 gridbot invite --role 党员）。")
BRANCH_AMBIGUOUS_SECRETARY = "这个小区有多位“{typed}”（编号 {ids}），请用编号：--secretary 编号。"
POSTS_NONE = "这个范围内还没有楼长、单元长、党员中心户、党员或志愿者。"
POSTS_EXPORTED = "已导出 {n} 条职务到 {path}。"
POST_NAMES = {"secretary": "支部书记", "building_lead": "楼长", "unit_lead": "单元长", "party_household": "党员中心户",
              "party_member": "党员", "volunteer": "志愿者"}
POSTS_CSV_HEADER = ["社区", "小区", "小区党支部", "楼栋", "单元", "职务", "姓名", "编号", "党组织或单位"]
NO_BRANCH = "（未建小区党支部）"
NO_COMPOUND = "（未分小区）"


def branch_saved(created: bool, community: str, compound: str, name: str, secretary: str | None) -> str:
    """What `org branch` prints: made or updated, and its secretary (or how to name one)."""
    head = BRANCH_SAVED[created].format(community=community, compound=compound or NO_COMPOUND, name=name)
    return head + (BRANCH_SECRETARY.format(secretary=secretary) if secretary else BRANCH_NO_SECRETARY_YET)


def post_row(post: Post) -> list[object]:
    return [post.community, post.compound, post.branch or "", post.building or "", post.unit or "",
            POST_NAMES[post.post], post.name, post.staff_id, post.organisation or ""]


def post_json(post: Post) -> dict[str, object]:
    return {"community": post.community, "compound": post.compound, "branch": post.branch,
            "building": post.building, "unit": post.unit, "post": POST_NAMES[post.post], "name": post.name,
            "id": post.staff_id, "organisation": post.organisation}


def posts_tree(posts: list[Post]) -> str:
    """社区 → 小区 (its branch and secretary, party members) → 楼栋 楼长 → 单元 单元长 / 党员中心户, then volunteers."""
    lines: list[str] = []
    place: tuple[str, str] | None = None
    for post in posts:
        if place is None or place[0] != post.community:
            lines.append(post.community)
        if place != (post.community, post.compound):
            lines.append(f"  {post.compound or NO_COMPOUND} {post.branch or NO_BRANCH}")
            place = (post.community, post.compound)
        where = " ".join(part for part in (post.building, post.unit) if part)
        extra = f"（{post.organisation}）" if post.organisation and post.post in ("party_member", "secretary") else ""
        lines.append(f"    {where + ' ' if where else ''}{POST_NAMES[post.post]}：{post.name} [{post.staff_id}]{extra}")
    return "\n".join(lines)
