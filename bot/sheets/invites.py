"""Reading a street's staff ledger (姓名, 手机号, 角色, 社区, 网格) into InviteRows for `gridbot invite --from`."""

from __future__ import annotations

from pathlib import Path

from bot.sheets.table import Columns, read_table
from storage.invite_batch import COLUMNS, REQUIRED, InviteRow
from storage.org import normalised_name

# A ledger's staff table allows as many rows as a city has grid members (4,407 in seed 002), with room to spare.
MAX_ROWS = 10_000
# The other names ledgers give the columns.
HEADER_ALIASES = {
    "name": ("姓名（必填）", "人员姓名", "网格员姓名", "名字"),
    "phone": ("手机", "手机号码", "联系电话", "电话", "联系方式"),
    "role": ("岗位", "职务", "身份"),
    "street": ("所属街道", "街道名称", "街道办事处"),
    "community": ("所属社区", "社区名称", "社区居委会"),
    "grid": ("所属网格", "网格名称", "负责网格"),
}
INVITE_COLUMNS = Columns(COLUMNS, REQUIRED, HEADER_ALIASES, fill_down=("street", "community"),
                         total_words=("合计", "小计", "总计", "汇总", "共计"))


def read_invite_rows(path: Path | str) -> list[InviteRow]:
    """The people of the file, numbered as Excel or an editor shows them, names as the org import writes them;
    raises TableFileError (a file past MAX_ROWS included)."""
    return [InviteRow(line=row.line, name=row.cells.get("name", "").strip(), phone=row.cells.get("phone", "").strip(),
                      role=row.cells.get("role", "").strip(), street=normalised_name(row.cells.get("street", "")),
                      community=normalised_name(row.cells.get("community", "")),
                      grid=normalised_name(row.cells.get("grid", "")))
            for row in read_table(path, INVITE_COLUMNS, MAX_ROWS)]
