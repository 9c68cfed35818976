"""Pages a filed appeal's commit writes on SQLite, by table and index: what an index costs every message.

    python bench/write_pages.py [--messages 50] [--residents 5000] [--json]

One throwaway environment (bench/fixture.py): the real Flask app called in-process as a WSGI app, in safe mode,
on a SQLite file. After a warm-up, each message is sent alone after a full checkpoint, and the frames its commit
appended to the write-ahead log are read from the -wal file; SQLite's dbstat table names the b-tree each page
belongs to. Unlike CPU time, the count does not depend on the machine's load: it changes only with the schema and
with what the webhook writes. Each message comes from a different resident and files a new appeal.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import struct
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import fixture  # puts the repository on sys.path, before the first-party imports below
import traffic
from breakdown import _call

from bot.web.app import create_app
from bot.web.runtime import Runtime
from bot.wechat.simulator import WeChatServer
from storage.db import Database

WARMUP_MESSAGES = 200
WAL_HEADER, FRAME_HEADER = 32, 24  # bytes, https://www.sqlite.org/fileformat2.html#walformat


def measure(messages: int, residents: int) -> dict[str, Any]:
    """Frames per message, in total and by b-tree name."""
    env = fixture.create(residents, True)
    try:
        settings = env.settings
        database = Database(settings.database_url)
        app = create_app(runtime=Runtime(settings, database=database))
        wechat = WeChatServer(settings.wechat_token, settings.wechat_appid, settings.wechat_aes_key)
        signed = traffic.Traffic(wechat, env.openids, encrypted=True).signed(WARMUP_MESSAGES + messages)
        path = Path(settings.database_url.split("///", 1)[1])
        for request in signed[:WARMUP_MESSAGES]:
            _call(app, traffic.wsgi_environ(request))
        pages: Counter[int] = Counter()
        with sqlite3.connect(path) as reader:
            for request in signed[WARMUP_MESSAGES:]:
                reader.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
                _call(app, traffic.wsgi_environ(request))
                pages.update(_frames(path.with_name(path.name + "-wal")))
            owners = dict((number, name) for name, number in reader.execute("SELECT name, pageno FROM dbstat"))
        database.dispose()
    finally:
        fixture.remove(env)
    by_tree: Counter[str] = Counter()
    for number, count in pages.items():
        by_tree[owners.get(number, f"page {number} (free now)")] += count
    return {"code": fixture.code_version(), "messages": messages,
            "pages_per_message": sum(pages.values()) / messages,
            "by_btree": {name: count / messages for name, count in by_tree.most_common()}}


def _frames(wal: Path) -> list[int]:
    """The page number of each frame in the write-ahead log."""
    data = wal.read_bytes()
    if len(data) < WAL_HEADER:
        return []
    page_size = struct.unpack(">I", data[8:12])[0]
    return [struct.unpack(">I", data[offset:offset + 4])[0]
            for offset in range(WAL_HEADER, len(data) - FRAME_HEADER + 1, FRAME_HEADER + page_size)]


def render(report: dict[str, Any]) -> str:
    lines = [f"pages a filed appeal's commit writes on SQLite, {report['messages']} messages, code {report['code']}",
             f"total: {report['pages_per_message']:.1f} pages per message", ""]
    lines += [f"  {count:5.2f}  {name}" for name, count in report["by_btree"].items()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=50, help="messages counted, each after a checkpoint")
    parser.add_argument("--residents", type=int, default=5000, help="bound residents the messages come from")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    options = parser.parse_args(argv)
    if options.residents < WARMUP_MESSAGES + options.messages:
        parser.error("--residents must cover the warm-up and the counted messages: each files a new appeal")
    report = measure(options.messages, options.residents)
    print(json.dumps(report, ensure_ascii=False, indent=2) if options.json else render(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
