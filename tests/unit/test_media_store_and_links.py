"""Which bytes are kept as a photo, and what a photo link's token accepts."""

from datetime import datetime, timedelta, timezone

import pytest

from bot import media_store
from bot.media_links import MediaLinks
from storage import media_files

SECRET = "a-test-secret-key-of-at-least-32-characters"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 16


@pytest.mark.parametrize("data, kind", [
    (b"\xff\xd8\xff\xe0" + b"\0" * 8, "image/jpeg"),
    (PNG, "image/png"),
    (b"GIF89a" + b"\0" * 8, "image/gif"),
    (b"RIFF\0\0\0\0WEBPVP8 ", "image/webp"),
])
def test_images_are_known_by_their_first_bytes(data, kind):
    assert media_store.content_type(data) == kind


@pytest.mark.parametrize("data, why", [
    (b"", "empty"),
    (b"<html><script>", "not an image"),
    (b"\xff\xd8\xff" + b"\0" * media_store.MAX_BYTES, "limit"),
])
def test_anything_else_is_refused(data, why):
    with pytest.raises(media_store.NotAnImage, match=why):
        media_store.content_type(data)


def test_the_same_bytes_are_written_once(tmp_path):
    first, again = media_store.keep(tmp_path, PNG), media_store.keep(tmp_path, PNG)
    assert (first.written, again.written) == (True, False) and first.sha256 == again.sha256
    assert [path.name for path in (tmp_path / "media").rglob("*") if path.is_file()] == [first.sha256]


def test_a_link_names_its_photo_until_it_expires():
    now = [datetime(2026, 12, 3, tzinfo=timezone.utc)]
    links = MediaLinks(SECRET, "https://gridbot.example.gov.cn/", 7, lambda: now[0])
    link = links.photo("Zq3-randomid")
    assert link.startswith("https://gridbot.example.gov.cn/media/")
    token = link.rsplit("/", 1)[1]
    assert links.public_id(token) == "Zq3-randomid"
    assert MediaLinks("another-secret-key-of-at-least-32-chars", clock=lambda: now[0]).public_id(token) is None
    now[0] += timedelta(days=7, seconds=1)
    assert links.public_id(token) is None


def test_links_default_to_serves_address():
    assert MediaLinks(SECRET).photo("x").startswith("http://127.0.0.1:8000/media/")


def test_a_map_link_is_amaps_marker_with_the_label():
    assert media_files.map_link(39.91, 116.4, "阳光花园 3号楼") == (
        "https://uri.amap.com/marker?position=116.4,39.91&name=%E9%98%B3%E5%85%89%E8%8A%B1%E5%9B%AD%203%E5%8F%B7%E6%A5%BC")
    assert media_files.map_link(None, 116.4, "x") is None
