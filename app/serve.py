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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "5000")))
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    children = [subprocess.Popen(cmd) for cmd in background_commands()]
    web = subprocess.Popen([
        sys.executable, "-m", "gunicorn", "wsgi:app",
        "--bind", f"{args.host}:{args.port}", "--workers", str(args.workers), "--threads", "4",
        "--access-logfile", "-", "--timeout", "60",
    ])
    children.append(web)

    def stop(*_):
        for child in children:
            if child.poll() is None:
                child.terminate()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        return web.wait()
    finally:
        stop()
        for child in children:
            child.wait(timeout=10)


def background_commands() -> list[list[str]]:
    """The job worker(s) to run beside the web server (see app.jobs once it exists)."""
    import importlib.util

    if importlib.util.find_spec("app.jobs") is None:
        return []
    return [[sys.executable, "-m", "app.jobs"]]


if __name__ == "__main__":
    sys.exit(main())
