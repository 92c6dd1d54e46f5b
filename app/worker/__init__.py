"""The job worker: large imports, background recaps and the periodic housekeeping, built from the app's
configuration and run by ``python -m app.worker`` (``python -m app.jobs`` is the same).

Views and commands start work with ``enqueue(task, *ids)``; tasks run in an app context (``context.py``).
"""
from .store import enqueue, forget, huey, peek, put  # noqa: F401
from . import housekeeping, imports, mail, notices, recaps  # noqa: E402,F401  - registers every task with huey
