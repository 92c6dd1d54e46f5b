"""``python -m app.worker``: one worker process (JOB_WORKERS threads) on the job store of the environment."""
from __future__ import annotations

import logging
import os
import sys


def main() -> int:
    from huey.consumer import Consumer

    from flask_babel import force_locale

    from app import worker
    from app.worker.context import task_app
    from app.worker.heartbeats import worker_alive

    app = task_app()
    log = logging.getLogger("app.worker")
    log.setLevel(os.environ.get("LOG_LEVEL", "INFO"))
    with app.app_context(), force_locale("fr"):
        # A worker killed mid-job left its batch "loading" for ever, or a half-written recap: deal with them now.
        found = worker.imports.sweep_interrupted()
        if found:
            log.warning("%s import(s) interrupted by a dead worker marked as failed", found)
        folder = app.config["EXPORT_FOLDER"]
        if worker.recaps.sweep_partial_exports(folder):
            log.warning("half-written recaps of dead workers deleted from %s", folder)
    threads = int(os.environ.get("JOB_WORKERS", "1"))
    with worker_alive(threads):
        Consumer(worker.huey, workers=threads, worker_type="thread").run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
