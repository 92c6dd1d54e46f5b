"""The job queue: huey on SQLite under instance/ by default (nothing else to run), on Redis when REDIS_URL is set.

Everything the web app and the workers share goes through this store: queued tasks, the records that say which
worker runs which job (``heartbeats``) and the progress of long jobs. Tasks carry ids only (``enqueue``): what
is queued is stored, and must hold neither passwords nor personal data.
"""
from __future__ import annotations

import logging
import os

from huey import RedisHuey, SqliteHuey

from ..config import ROOT

log = logging.getLogger(__name__)


def make_huey():
    """RedisHuey when REDIS_URL is set, else SqliteHuey in JOBS_DB (default instance/jobs.db).

    No result store: no caller waits for a task's return value, and kept results would pile up for ever.
    """
    if os.environ.get("REDIS_URL"):
        return RedisHuey("relance", url=os.environ["REDIS_URL"], results=False)
    filename = os.environ.get("JOBS_DB") or str(ROOT / "instance" / "jobs.db")
    os.makedirs(os.path.dirname(filename), exist_ok=True)
    return SqliteHuey("relance", filename=filename, results=False)


huey = make_huey()

ID_TYPES = (int, str, bool, type(None))


def enqueue(task, *args) -> None:
    """Queue ``task`` with ``args``: ids, tokens and flags only (they are stored in the queue as they are).

    The one way views and commands start background work; in the tests (huey's immediate mode) the task runs
    at once, in the calling thread, in its own app context.
    """
    bad = [arg for arg in args if not isinstance(arg, ID_TYPES)]
    if bad:
        raise TypeError(f"{task.name}: a task takes ids only, not {', '.join(type(a).__name__ for a in bad)}")
    task(*args)


def put(key: str, value) -> None:
    huey.put(key, value)


def peek(key: str):
    """The value stored under ``key`` (None when absent or when the store cannot be reached)."""
    try:
        return huey.get(key, peek=True)
    except Exception:  # noqa: BLE001 - storage unavailable: nothing is known
        return None


def forget(key: str) -> None:
    try:
        huey.delete(key)
    except Exception:  # noqa: BLE001 - storage unavailable: the next writer overwrites the key anyway
        log.warning("could not forget %s", key, exc_info=True)


def keys_starting(prefix: str) -> dict:
    """Every stored key (with its value) that starts with ``prefix``: the workers' own records."""
    try:
        items = huey.storage.result_items()
    except Exception:  # noqa: BLE001
        return {}
    found = {}
    for key, raw in items.items():
        key = key.decode() if isinstance(key, bytes) else key
        if key.startswith(prefix):
            found[key] = huey.serializer.deserialize(raw) if isinstance(raw, bytes) else raw
    return found


def pending_count() -> int | None:
    try:
        return huey.pending_count()
    except Exception:  # noqa: BLE001
        return None
