"""Photos saved before WeChat forgets them, and served behind signed, expiring links (issue 10, section 5).

The real download job runs against `gridbot fake-wechat`'s /cgi-bin/media/get (a 1×1 PNG for any media id).
"""

import base64
from pathlib import Path

import pytest
import redis as redis_lib
from sqlalchemy import select

from bot import media_store
from bot.worker import jobs, schedule
from bot.worker.rq_worker import GridbotWorker
from storage import media_files
from storage.models import Attachment
from tests.support.personas import RESIDENT
from tests.support.worker import file_and_dispatch, with_redis_refusing

pytestmark = pytest.mark.postgres
MEDIA_GET = "/cgi-bin/media/get"


def save(runtime) -> int:
    """The schedule's photo round, then a real RQ worker until the queue is empty; how many were queued."""
    queued = schedule.save_photos(runtime)
    GridbotWorker([schedule.queue(runtime)], connection=runtime.redis).work(burst=True)
    return queued


def send_photo(wechat):
    return wechat.deliver(wechat.server.image(RESIDENT, create_time=wechat.now()))


def the_photo(database) -> Attachment:
    with database.transaction() as session:
        row = session.scalars(select(Attachment).where(Attachment.kind == "image")).one()
        session.expunge(row)
        return row


def saved_files(data_dir: Path) -> list[Path]:
    return sorted(path for path in (data_dir / "media").rglob("*") if path.is_file())


def test_the_job_saves_a_photo_once_however_often_it_runs(wechat, seeded, clock, worker_runtime, fake_wechat):
    file_and_dispatch(wechat, seeded, clock)
    send_photo(wechat)
    save(worker_runtime)
    photo = the_photo(seeded)
    data_dir = worker_runtime.settings.data_dir
    (saved,) = saved_files(data_dir)
    assert saved == media_store.path_of(data_dir, photo.sha256) and saved.read_bytes().startswith(b"\x89PNG")
    assert (photo.size, photo.content_type, photo.downloaded_at) == (saved.stat().st_size, "image/png", clock())
    assert len(fake_wechat.calls(MEDIA_GET)) == 1
    assert jobs.download_media(photo.id) == "skipped"  # a second run: nothing fetched, nothing written
    assert save(worker_runtime) == 0 and len(fake_wechat.calls(MEDIA_GET)) == 1
    assert the_photo(seeded).downloaded_at == photo.downloaded_at and saved_files(data_dir) == [saved]


def test_a_job_that_died_after_writing_the_file_only_records_it(wechat, seeded, clock, worker_runtime):
    file_and_dispatch(wechat, seeded, clock)
    send_photo(wechat)
    save(worker_runtime)
    with seeded.transaction() as session:  # as if the worker stopped between the file and the row
        row = session.scalars(select(Attachment)).one()
        row.downloaded_at = row.sha256 = None
        saved_before = saved_files(worker_runtime.settings.data_dir)
        mtime = saved_before[0].stat().st_mtime_ns
    clock.advance(minutes=1)
    assert jobs.download_media(the_photo(seeded).id) == "saved"
    assert saved_files(worker_runtime.settings.data_dir) == saved_before
    assert saved_before[0].stat().st_mtime_ns == mtime and the_photo(seeded).downloaded_at == clock()


def test_a_worker_that_was_down_catches_up_within_three_days(wechat, seeded, clock, worker_runtime):
    file_and_dispatch(wechat, seeded, clock)
    send_photo(wechat)
    clock.advance(days=2, hours=23)
    assert schedule.save_photos(worker_runtime) == 1
    clock.advance(days=1)  # that job was lost, and by now WeChat has forgotten the photo
    assert schedule.save_photos(worker_runtime) == 0
    assert media_files.state(the_photo(seeded), clock()) == "failed"


def test_a_download_that_keeps_failing_is_given_up_and_reads_as_not_saved(wechat, seeded, clock, worker_runtime,
                                                                          fake_wechat, monkeypatch):
    file_and_dispatch(wechat, seeded, clock)
    send_photo(wechat)
    monkeypatch.setattr(worker_runtime.api, "download_media", lambda media_id: b"<html>not a photo</html>")
    outcomes = []
    for _ in range(media_files.MAX_ATTEMPTS):
        assert schedule.save_photos(worker_runtime) == 1
        outcomes.append(jobs.download_media(the_photo(seeded).id))
        clock.advance(hours=1)
    assert outcomes == ["retry"] * (media_files.MAX_ATTEMPTS - 1) + ["failed"]
    assert schedule.save_photos(worker_runtime) == 0
    photo = the_photo(seeded)
    assert photo.download_error.startswith("NotAnImage") and media_files.state(photo, clock()) == "failed"
    assert saved_files(worker_runtime.settings.data_dir) == []


def test_the_link_serves_the_photo_until_it_expires(wechat, client, seeded, clock, worker_runtime, settings):
    file_and_dispatch(wechat, seeded, clock)
    send_photo(wechat)
    links = settings.media_links(clock)
    path = links.photo(the_photo(seeded).public_id).removeprefix(settings.public_url)
    saving = client.get(path)
    assert saving.status_code == 404 and "图片正在保存" in saving.get_data(as_text=True)
    save(worker_runtime)
    served = client.get(path)
    assert served.status_code == 200 and served.data.startswith(b"\x89PNG") and served.mimetype == "image/png"
    assert served.headers["Cache-Control"] == "private" and served.headers["X-Content-Type-Options"] == "nosniff"
    assert served.headers["Content-Disposition"] == "inline"
    token = path.removeprefix("/media/")
    payload = base64.urlsafe_b64decode(token.split(".")[0] + "==").decode()  # signed, not encrypted: it names
    assert payload == f'"{the_photo(seeded).public_id}"'  # the random public id, no row number
    tampered = client.get("/media/" + token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
    assert tampered.status_code == 404 and "链接已过期或无效" in tampered.get_data(as_text=True)
    assert client.get("/media/" + links.token("no-such-photo")).status_code == 404
    clock.advance(days=7, seconds=1)
    expired = client.get(path)
    assert expired.status_code == 404 and "链接已过期或无效，请在公众号里重新发送“查询 编号”获取" in expired.get_data(as_text=True)
    assert expired.headers["Cache-Control"] == "private"


def test_a_photo_redis_refused_is_due_again_at_once_its_try_not_counted(wechat, seeded, clock, worker_runtime):
    file_and_dispatch(wechat, seeded, clock)
    send_photo(wechat)
    with pytest.raises(redis_lib.ConnectionError):
        schedule.save_photos(with_redis_refusing(worker_runtime))
    assert (the_photo(seeded).download_attempts, the_photo(seeded).download_due_at) == (0, clock())
    assert save(worker_runtime) == 1 and the_photo(seeded).downloaded_at == clock()
