"""How the web app tells a job whose worker died from a job that is merely slow (no worker needed)."""
from __future__ import annotations

import os
import socket
import subprocess
import time

import pytest

from app.worker import heartbeats as jobs
from app.worker import huey


@pytest.fixture(autouse=True)
def memory_store():
    """huey's immediate mode keeps its store in memory."""
    huey.immediate = True
    yield
    huey.immediate = False


def record(**kw):
    return {"task": "load", "host": socket.gethostname(), "pid": os.getpid(), "every": 10, "beat": time.time(),
            "finished": False, **kw}


def dead_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def test_a_job_never_started_or_finished_is_not_interrupted():
    assert not jobs.interrupted("job-import-1")
    with jobs.heartbeat("job-import-1", "load"):
        assert not jobs.interrupted("job-import-1")
    assert jobs.job_record("job-import-1")["finished"]
    assert not jobs.interrupted("job-import-1")


def test_a_job_whose_worker_process_is_gone_is_interrupted_at_once():
    huey.put("job-import-2", record(pid=dead_pid()))
    assert jobs.interrupted("job-import-2")


def test_a_job_on_another_machine_is_interrupted_only_once_its_beat_is_stale():
    huey.put("job-import-3", record(host="worker-2.example", pid=dead_pid()))
    assert not jobs.interrupted("job-import-3")
    assert jobs.interrupted("job-import-3", now=time.time() + 61)


def test_a_job_that_raised_stays_unfinished_so_that_it_reads_as_interrupted_later():
    with pytest.raises(RuntimeError):
        with jobs.heartbeat("job-import-4", "check"):
            raise RuntimeError("the database went away before the batch could be marked failed")
    assert not jobs.job_record("job-import-4")["finished"]
    assert not jobs.interrupted("job-import-4")  # the worker is alive and the beat is fresh
    assert jobs.interrupted("job-import-4", now=time.time() + 3600)


def test_a_half_written_recap_of_a_dead_worker_is_deleted_and_one_being_written_is_kept(tmp_path):
    from app.worker.recaps import sweep_partial_exports
    dead, alive = "0123456789abcdef", "fedcba9876543210"
    huey.put(jobs.job_key("recap", dead), record(task="export", pid=dead_pid()))
    huey.put(jobs.job_key("recap", alive), record(task="export"))
    for token in (dead, alive):
        (tmp_path / f"recap-7-{token}.xlsx.part").write_bytes(b"PK\x03\x04 half a zip")
    (tmp_path / "recap-7-00000000000000aa.xlsx").write_bytes(b"a finished recap")

    assert sweep_partial_exports(str(tmp_path)) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "recap-7-00000000000000aa.xlsx", f"recap-7-{alive}.xlsx.part"]
    assert sweep_partial_exports(str(tmp_path / "missing")) == 0
