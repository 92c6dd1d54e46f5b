"""Who is alive: each running job and each worker process stamps a record in the job store.

A job's record says which task runs where and when it last beat; a worker's record says since when it runs and
when it last beat. Seen from the same machine a dead process is known dead at once (its pid is gone), from
another machine once its beat is STALE_AFTER_BEATS beats old.
"""
from __future__ import annotations

import logging
import os
import socket
import threading
import time
from contextlib import contextmanager

from . import store

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = float(os.environ.get("JOB_HEARTBEAT_SECONDS", "10"))
STALE_AFTER_BEATS = 6
WORKER_PREFIX = "worker-"
# A dead worker's record is shown for a day (someone should see it died), then dropped.
FORGET_DEAD_AFTER = 24 * 3600


def job_key(kind: str, ident) -> str:
    return f"job-{kind}-{ident}"


@contextmanager
def _beating(key: str, record: dict):
    """Write ``record`` under ``key`` now, then again with a fresh beat every ``record["every"]`` seconds."""
    store.put(key, record)
    stop = threading.Event()

    def beat():
        while not stop.wait(record.get("every", HEARTBEAT_SECONDS)):
            try:
                store.put(key, {**record, "beat": time.time()})
            except Exception:  # noqa: BLE001 - a missed beat only makes the job look slower
                log.warning("could not write the heartbeat of %s", key, exc_info=True)

    thread = threading.Thread(target=beat, name=f"heartbeat {key}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


@contextmanager
def heartbeat(key: str, task: str):
    """While the block runs, keep ``key`` saying which task runs where; when it ends normally, that it finished.

    A worker killed with SIGKILL cannot say anything: its record stays unfinished and its beat goes stale,
    which is how ``interrupted`` tells a dead job from a slow one.
    """
    record = {"task": task, "host": socket.gethostname(), "pid": os.getpid(), "every": HEARTBEAT_SECONDS,
              "beat": time.time(), "finished": False}
    with _beating(key, record):
        yield
    # Only a job that recorded its own outcome is finished. One that raised (say, the database went away
    # before it could mark its batch failed) stays unfinished: once its beat is stale it reads as interrupted.
    store.put(key, {**record, "beat": time.time(), "finished": True})


def job_record(key: str) -> dict | None:
    """What the last worker to run this job said (None when no worker has started it)."""
    value = store.peek(key)
    return value if isinstance(value, dict) else None


def _dead(record: dict, now: float) -> bool:
    if now - record["beat"] > record.get("every", HEARTBEAT_SECONDS) * STALE_AFTER_BEATS:
        return True
    return record["host"] == socket.gethostname() and not process_alive(record["pid"])


def interrupted(key: str, now: float | None = None) -> bool:
    """True when a worker started this job and died before finishing it."""
    record = job_record(key)
    if record is None or record.get("finished"):
        return False
    return _dead(record, now or time.time())


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


@contextmanager
def worker_alive(threads: int):
    """Around a worker process's life: its record beats while it runs and goes when it stops cleanly."""
    key = f"{WORKER_PREFIX}{socket.gethostname()}-{os.getpid()}"
    record = {"host": socket.gethostname(), "pid": os.getpid(), "threads": threads, "started": time.time(),
              "beat": time.time(), "every": HEARTBEAT_SECONDS}
    try:
        with _beating(key, record):
            yield
    finally:
        store.forget(key)


def workers(now: float | None = None) -> list[dict]:
    """Every worker that said it runs, alive or dead, the live ones first: what the health page shows.

    Records of workers dead for more than a day are dropped here.
    """
    now = now or time.time()
    found = []
    for key, record in store.keys_starting(WORKER_PREFIX).items():
        if not isinstance(record, dict):
            continue
        dead = _dead(record, now)
        if dead and now - record["beat"] > FORGET_DEAD_AFTER:
            store.forget(key)
            continue
        found.append({**record, "alive": not dead, "silent_for": max(0.0, now - record["beat"])})
    return sorted(found, key=lambda w: (not w["alive"], w["host"], w["pid"]))
