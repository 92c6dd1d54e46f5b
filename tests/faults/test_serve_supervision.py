"""Under ``make run`` (python -m app.serve), a job worker that dies is started again: large imports,
background recaps and the housekeeping do not stop silently."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def children(pid: int) -> dict[int, str]:
    """{pid: command line} of a process's children (from /proc)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            if ppid == pid:
                found[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, ValueError, IndexError):
            continue
    return found


def job_worker(pid: int) -> int | None:
    return next((child for child, cmd in children(pid).items() if "app.worker" in cmd), None)


def wait_for(test, seconds: float = 30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = test()
        if value:
            return value
        time.sleep(0.2)
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_job_worker_killed_under_make_run_is_started_again(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path}/relance.db", "JOBS_DB": str(tmp_path / "jobs.db"),
           "UPLOAD_FOLDER": str(tmp_path / "uploads"), "EXPORT_FOLDER": str(tmp_path / "exports")}
    env.pop("REDIS_URL", None)
    serve = subprocess.Popen([sys.executable, "-m", "app.serve", "--port", str(free_port()), "--workers", "1"],
                             cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        first = wait_for(lambda: job_worker(serve.pid))
        assert first, "no job worker started beside the web server"
        os.kill(first, signal.SIGKILL)
        second = wait_for(lambda: (w := job_worker(serve.pid)) and w != first and w)
        assert second, "the killed job worker was not started again"
        assert serve.poll() is None                                   # the web server kept running
    finally:
        serve.terminate()
        try:
            _out, err = serve.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            serve.kill()
            _out, err = serve.communicate()
    assert b"the job worker stopped (exit -9); starting it again" in err
    assert not job_worker(serve.pid)
