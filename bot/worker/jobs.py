"""RQ job entry points: load the worker's runtime and hand over to the delivery policy, nothing else.

RQ stores a job's function by its dotted path (bot.worker.jobs.deliver_batch). A job queued under a path that no
longer imports (an older version's bot.jobs) fails in RQ without sending; its rows stay queued, and the schedule
hands them out again after storage.outbox.REQUEUE_AFTER.
"""

from __future__ import annotations

from bot.worker import delivery, media, notices
from bot.worker.runtime import current


def deliver_batch(outbox_ids: list[int]) -> dict[str, int]:
    """Send outbox rows on the worker's send lanes, each as `deliver` does; returns how many ended how.

    One job per relay round instead of one per row: RQ's own work per job costs more than a send. The rows are
    claimed together and each is marked in Redis just before its own call (call_marks.py): of a worker that dies
    mid-batch, the relay sends the rows it never called, records those it sent, and fails only the one each lane was
    calling as outcome unknown.
    """
    return delivery.deliver_rows(current(), outbox_ids)


def deliver(outbox_id: int) -> str:
    """Send one outbox row by its channel, at most once: a second run finds it claimed and does nothing.

    The claim (queued -> sending) and the choice of channel commit before any call; the channel is recorded
    again before the template fallback. A worker that dies during the call leaves the row `sending`, and the relay
    later marks it failed without sending it again (see storage.outbox): WeChat cannot tell whether it arrived.
    """
    (outcome,) = deliver_batch([outbox_id])  # a batch of one has one outcome
    return outcome


def download_media(attachment_id: int) -> str:
    """Save one photo before WeChat's three days are up (bot/worker/media.py): at most once, whoever runs it."""
    return media.download(current(), attachment_id)


def send_notice_chunk(chunk_id: int) -> str:
    """Send one chunk of a broadcast notice (bot/worker/notices.py): claimed first, so a second run of the same
    job, or one queued again after a worker died, does not send anyone the notice twice."""
    return notices.send_chunk(current(), chunk_id)
