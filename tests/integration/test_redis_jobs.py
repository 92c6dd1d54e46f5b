"""With REDIS_URL set, the job queue lives in Redis: the package is installed and a queued task is there for
any worker machine to take (run in a child process: the queue is chosen when app.worker is imported)."""
from __future__ import annotations

import socket
import subprocess
import sys
import textwrap

import pytest

REDIS = ("127.0.0.1", 6379)


def redis_reachable() -> bool:
    try:
        socket.create_connection(REDIS, timeout=1).close()
        return True
    except OSError:
        return False


@pytest.mark.skipif(not redis_reachable(), reason="no Redis on 127.0.0.1:6379 (CI and this machine have one)")
def test_with_redis_url_the_queue_is_redis_and_holds_a_queued_task_by_id(tmp_path):
    code = textwrap.dedent("""
        from app import worker
        assert type(worker.huey).__name__ == "RedisHuey", type(worker.huey)
        worker.huey.flush()
        worker.enqueue(worker.imports.check_import, 42)    # queued, not run: no worker here
        [task] = worker.huey.pending()
        assert (task.name, task.args) == ("check_import", (42,)), (task.name, task.args)
        worker.huey.flush()
        print("ok")
    """)
    env = {"REDIS_URL": "redis://127.0.0.1:6379/15", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path),
           "DATABASE_URL": f"sqlite:///{tmp_path}/relance.db"}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60,
                          cwd=str(__import__("pathlib").Path(__file__).resolve().parents[2]))
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-3000:]
