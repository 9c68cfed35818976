"""`gridbot org codes`: each building's binding scene key, and printable posters of permanent QR codes."""

import json

import pytest
from click.testing import CliRunner

from bot.cli.gridbot import main
from tests.conftest import TEST_APPID, TEST_SECRET_KEY, TEST_TOKEN

pytestmark = pytest.mark.postgres

QRCODE_CREATE = "/cgi-bin/qrcode/create"


def codes(database_url, redis_url, fake, tmp_path, *args):
    env = {"GRIDBOT_DATABASE_URL": database_url, "GRIDBOT_REDIS_URL": redis_url, "GRIDBOT_DATA_DIR": str(tmp_path),
           "WECHAT_TOKEN": TEST_TOKEN, "WECHAT_APPID": TEST_APPID, "WECHAT_SECRET": "test-secret",
           "WECHAT_API_BASE_URL": fake.url, "GRIDBOT_SECRET_KEY": TEST_SECRET_KEY}
    result = CliRunner().invoke(main, ["org", "codes", *args], env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def test_the_list_gives_each_buildings_scene_key_as_a_scan_brings_it(seeded, database_url, redis_url, fake_wechat,
                                                                     tmp_path, wechat):
    listed = codes(database_url, redis_url, fake_wechat, tmp_path, "--scope", "和平社区·第二网格", "--json")

    assert listed.exit_code == 0, listed.output
    found = json.loads(listed.stdout)
    assert [entry["building"] for entry in found] == ["A座", "B座"]
    assert found[0]["subscribe_scene"] == "qrscene_" + found[0]["scene_key"]
    assert fake_wechat.calls(QRCODE_CREATE) == []  # listing makes no codes
    scan = wechat.server.event("o_scanner", "subscribe", found[0]["subscribe_scene"], create_time=wechat.now())
    assert "已为您绑定：和平社区·第二网格 东方名苑A座" in wechat.deliver(scan)


def test_out_makes_one_poster_per_building_and_a_rerun_makes_no_new_codes(seeded, database_url, redis_url,
                                                                         fake_wechat, tmp_path, redis_client):
    out = tmp_path / "posters"

    first = codes(database_url, redis_url, fake_wechat, tmp_path, "--scope", "幸福里社区·第一网格", "--out", str(out))

    assert first.exit_code == 0, first.output
    assert "已写好 3 张海报" in first.stdout and "新申请二维码 3 个，沿用已有的 0 个" in first.stdout
    calls = fake_wechat.calls(QRCODE_CREATE)
    assert [call["body"]["action_name"] for call in calls] == ["QR_LIMIT_STR_SCENE"] * 3
    posters = sorted(out.iterdir())
    assert [poster.name.split("_", 1)[1] for poster in posters] == [
        "幸福里社区_阳光花园_1号楼.pdf", "幸福里社区_阳光花园_2号楼.pdf", "幸福里社区_阳光花园_3号楼.pdf"]
    assert all(poster.read_bytes().startswith(b"%PDF") for poster in posters)
    written = {poster.name: poster.read_bytes() for poster in posters}

    again = codes(database_url, redis_url, fake_wechat, tmp_path, "--scope", "幸福里社区·第一网格", "--out", str(out),
                  "--json")

    assert again.exit_code == 0, again.output
    assert len(fake_wechat.calls(QRCODE_CREATE)) == 3
    assert "沿用已有的 3 个" in again.stderr
    assert {poster.name: poster.read_bytes() for poster in out.iterdir()} == written
    entries = json.loads(again.stdout)
    assert all(entry["qr_url"].startswith("http://weixin.qq.com/q/") and entry["qr_ticket"] for entry in entries)


def test_a_failing_wechat_call_keeps_the_codes_already_made(seeded, database_url, redis_url, fake_wechat, tmp_path):
    fake_wechat.fail(QRCODE_CREATE, 45009, times=1)

    failed = codes(database_url, redis_url, fake_wechat, tmp_path, "--scope", "和平社区", "--out", str(tmp_path / "p"))

    assert failed.exit_code == 1
    assert "向微信申请二维码失败" in failed.stderr and "Traceback" not in failed.output
    done = codes(database_url, redis_url, fake_wechat, tmp_path, "--scope", "和平社区", "--out", str(tmp_path / "p"))
    assert "已写好 4 张海报" in done.stdout
