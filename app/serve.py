"""Serve Relance on one machine: gunicorn for the web, plus the background job worker.

``python -m app.serve --port 5000`` is what ``make run`` calls. In production run the same
pieces separately (see README): gunicorn on each app server, workers beside them.
"""
from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "5000")))
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    commands = background_commands()
    workers = [subprocess.Popen(cmd) for cmd in commands]
    web = subprocess.Popen([
        sys.executable, "-m", "gunicorn", "wsgi:app",
        "--bind", f"{args.host}:{args.port}", "--workers", str(args.workers), "--threads", "4",
        "--access-logfile", "-", "--timeout", "60",
    ])
    stopping = []

    def stop(*_):
        stopping.append(True)
        for child in [web, *workers]:
            if child.poll() is None:
                child.terminate()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        return supervise(web, workers, commands, stopping)
    finally:
        stop()
        for child in [web, *workers]:
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()


def supervise(web, workers: list, commands: list, stopping: list, every: float = 1.0) -> int:
    """Wait for the web server; meanwhile start again any job worker that died (imports, background recaps and
    the housekeeping would otherwise stop silently), waiting longer each time one dies at once."""
    restarts = [0] * len(workers)
    started = [time.monotonic()] * len(workers)
    while True:
        code = web.poll()
        if code is not None:
            return code
        for i, worker in enumerate(workers):
            if worker.poll() is None or stopping:
                continue
            quick = time.monotonic() - started[i] < 30
            restarts[i] = restarts[i] + 1 if quick else 0
            delay = min(2 ** restarts[i], 60) if quick else 0
            print(f"relance: the job worker stopped (exit {worker.returncode}); starting it again"
                  + (f" in {delay} s" if delay else ""), file=sys.stderr, flush=True)
            time.sleep(delay)
            workers[i] = subprocess.Popen(commands[i])
            started[i] = time.monotonic()
        time.sleep(every)


def background_commands() -> list[list[str]]:
    """The job worker to run beside the web server."""
    return [[sys.executable, "-m", "app.worker"]]


if __name__ == "__main__":
    sys.exit(main())
