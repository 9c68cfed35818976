"""bench/fixture.py: the environment every bench starts `gridbot serve` and `gridbot worker` in."""

from bot.cli import preflight
from tests.support.bench import bench_modules


def test_a_bench_environment_passes_the_servers_check_for_published_secrets(tmp_path):
    with bench_modules("fixture") as (fixture,):
        env = fixture.create(1, safe=True, parent=tmp_path)
    assert len(env.settings.wechat_aes_key) == 43
    assert preflight.unpublished_secrets(env.settings) == []  # webhook_load.py's server faces no fake API
