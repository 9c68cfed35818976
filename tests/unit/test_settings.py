"""Configuration comes only from the environment; a bad value stops the process naming the variable."""

import pytest

from bot.settings import DEMO_TOKEN, Settings, SettingsError

BASE = {"WECHAT_TOKEN": "t", "WECHAT_APPID": "wx1"}


def test_the_minimum_is_a_token_and_an_appid():
    settings = Settings.from_env(BASE)
    assert settings.wechat_aes_key is None and settings.database_url == "sqlite:///var/gridbot.db"


@pytest.mark.parametrize("env, variable", [
    ({"WECHAT_APPID": "wx1"}, "WECHAT_TOKEN"),
    ({"WECHAT_TOKEN": "t"}, "WECHAT_APPID"),
    (BASE | {"WECHAT_AES_KEY": "short"}, "WECHAT_AES_KEY"),
    (BASE | {"WECHAT_AES_KEY": "!" * 43}, "WECHAT_AES_KEY"),
    (BASE | {"WECHAT_API_BASE_URL": "ftp://x"}, "WECHAT_API_BASE_URL"),
    (BASE | {"GRIDBOT_OUTBOX_POLL_MS": "fast"}, "GRIDBOT_OUTBOX_POLL_MS"),
    (BASE | {"GRIDBOT_TIMESTAMP_TOLERANCE": "-5"}, "GRIDBOT_TIMESTAMP_TOLERANCE"),
    (BASE | {"GRIDBOT_SQLITE_SYNCHRONOUS": "off"}, "GRIDBOT_SQLITE_SYNCHRONOUS"),
    (BASE | {"GRIDBOT_REQUEST_DB_WAIT_MS": "0"}, "GRIDBOT_REQUEST_DB_WAIT_MS"),
    (BASE | {"GRIDBOT_REQUEST_DB_WAIT_MS": "5000"}, "GRIDBOT_REQUEST_DB_WAIT_MS"),
])
def test_a_bad_value_names_its_variable(env, variable):
    with pytest.raises(SettingsError, match=variable):
        Settings.from_env(env)


def test_the_database_and_redis_come_from_their_variables():
    settings = Settings.from_env(BASE | {"GRIDBOT_DATABASE_URL": "postgresql+psycopg://db/x",
                                         "GRIDBOT_REDIS_URL": "redis://r:6379/0",
                                         "WECHAT_API_BASE_URL": "http://127.0.0.1:8001/"})
    assert settings.database_url == "postgresql+psycopg://db/x"
    assert settings.redis_url == "redis://r:6379/0"
    assert settings.wechat_api_base_url == "http://127.0.0.1:8001"


def test_the_demo_fills_only_what_the_environment_leaves_out():
    assert Settings.for_demo({}).wechat_token == DEMO_TOKEN
    own = Settings.for_demo({"WECHAT_TOKEN": "mine", "WECHAT_APPID": "wxmine"})
    assert (own.wechat_token, own.wechat_appid) == ("mine", "wxmine")
    assert own.wechat_aes_key is not None and str(own.data_dir) == ".gridbot-demo"


def test_the_classifier_comes_from_its_variables(tmp_path):
    from nlp import SHIPPED_MODEL

    assert Settings.nlp_from_env({}) == {"taxonomy_path": None, "nlp_model": SHIPPED_MODEL, "userdicts": ()}
    taxonomy, words, more = tmp_path / "t.toml", tmp_path / "a.txt", tmp_path / "b.txt"
    for path in (taxonomy, words, more):
        path.write_text("", encoding="utf-8")
    configured = Settings.nlp_from_env({"GRIDBOT_TAXONOMY": str(taxonomy), "GRIDBOT_NLP_MODEL": "none",
                                        "GRIDBOT_USERDICT": f"{words}:{more}"})
    assert configured == {"taxonomy_path": taxonomy, "nlp_model": None, "userdicts": (words, more)}
    for variable, value in (("GRIDBOT_TAXONOMY", str(tmp_path / "absent.toml")),
                            ("GRIDBOT_NLP_MODEL", str(tmp_path / "absent")),
                            ("GRIDBOT_USERDICT", str(tmp_path / "absent.txt"))):
        with pytest.raises(SettingsError, match=variable):
            Settings.nlp_from_env({variable: value})
