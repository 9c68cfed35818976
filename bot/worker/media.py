"""Saving photos before WeChat forgets them: one download, stored once, its outcome recorded once.

The policy behind the download jobs in jobs.py (storage/media_files.py keeps the tries, bot/media_store.py the
bytes). A job that runs twice finds the copy recorded and does nothing; one that dies after writing the file
leaves the row due again, and the next run finds the same bytes under the same name and only records them.
Errors are logged with the attachment's id, never whose photo it is.
"""

from __future__ import annotations

import logging

from bot import media_store
from bot.wechat.api import WeChatAPIError
from bot.worker.runtime import WorkerRuntime
from storage import media_files

log = logging.getLogger(__name__)


def download(runtime: WorkerRuntime, attachment_id: int) -> str:
    """Fetch one photo from WeChat and keep it; returns "saved", "skipped", "retry" or "failed"."""
    with runtime.database.transaction() as session:
        fetch = media_files.to_fetch(session, attachment_id)
    if fetch is None:
        return "skipped"
    try:
        kept = media_store.keep(runtime.settings.data_dir, runtime.api.download_media(fetch.media_id))
    except (WeChatAPIError, media_store.NotAnImage, OSError) as error:
        return _failed(runtime, attachment_id, f"{type(error).__name__}: {error}")
    with runtime.database.transaction() as session:
        recorded = media_files.stored(session, attachment_id, kept.sha256, kept.size, kept.content_type,
                                      runtime.clock())
    if recorded:
        log.info("attachment %s saved: %d bytes, %s", attachment_id, kept.size, kept.content_type)
    return "saved" if recorded else "skipped"


def _failed(runtime: WorkerRuntime, attachment_id: int, error: str) -> str:
    with runtime.database.transaction() as session:
        final = media_files.failed(session, attachment_id, error, runtime.clock())
    if final:
        log.error("attachment %s: photo not saved, giving up: %s", attachment_id, error)
        return "failed"
    log.warning("attachment %s: photo download failed, will retry: %s", attachment_id, error)
    return "retry"
