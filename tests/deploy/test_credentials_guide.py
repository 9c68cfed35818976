"""The guide's credential files (docs/deploy.md, 配置与密钥), as IT writes them with the passwords it chose: a
password with @, /, # or % in it still reaches gridbot whole, with the host after it."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from redis.connection import parse_url
from sqlalchemy.engine import make_url

from tests.deploy.conftest import ROOT

PASSWORD = "p@ss/w#rd%1:x?密"


def credentials_block() -> str:
    guide = (ROOT / "docs" / "deploy.md").read_text()
    found = re.search(r"^cd /etc/gridbot/credentials\n(.*?)```", guide, re.MULTILINE | re.DOTALL)
    assert found, "docs/deploy.md does not say how to write the credential files"
    return found.group(1)


@pytest.mark.parametrize(("file", "placeholder"), [("database_url", "数据库密码"), ("redis_url", "Redis密码")])
def test_a_password_with_url_characters_reaches_gridbot_whole(tmp_path: Path, file: str, placeholder: str) -> None:
    # Written into the URL as typed, "p@ss/w…" made gridbot look for a database on the host "ss".
    lines = [line for line in credentials_block().splitlines()
             if line.startswith("enc()") or line.rstrip().endswith(f"> {file}")]
    script = "\n".join(lines).replace(f"'{placeholder}'", "\"$PASSWORD\"")
    subprocess.run(["bash", "-c", script], cwd=tmp_path, check=True, timeout=30, env={"PASSWORD": PASSWORD,
                                                                                      "PATH": "/usr/bin:/bin"})
    url = (tmp_path / file).read_text().strip()
    if file == "database_url":
        parsed = make_url(url)
        assert (parsed.password, parsed.host, parsed.database) == (PASSWORD, "10.0.0.31", "gridbot")
    else:
        parsed = parse_url(url)
        assert (parsed["password"], parsed["host"], parsed["db"]) == (PASSWORD, "10.0.0.32", 0)
