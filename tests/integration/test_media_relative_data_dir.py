"""A photo link works when the data directory is given relative to the working directory (GRIDBOT_DATA_DIR=var,
the default, and the demo's .gridbot-demo): Flask would look for the file under its own package folder."""

from pathlib import Path

import pytest

from tests.integration.test_media_files import save, send_photo, the_photo
from tests.support.worker import file_and_dispatch


@pytest.fixture
def settings(settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    return settings.with_(data_dir=Path("var"))


def test_a_relative_data_directory_serves_the_saved_photo(wechat, client, seeded, clock, worker_runtime, settings):
    file_and_dispatch(wechat, seeded, clock)
    send_photo(wechat)
    save(worker_runtime)
    path = settings.media_links(clock).photo(the_photo(seeded).public_id).removeprefix(settings.public_url)
    served = client.get(path)
    assert served.status_code == 200 and served.data.startswith(b"\x89PNG")
