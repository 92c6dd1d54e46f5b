"""Python's cycle collector paused while an import builds its hundreds of thousands of small objects.

CPython runs a full collection each time the objects that survived grow by a quarter: while a check builds
100k invoice drafts on top of a grid of 100k rows, that is several passes over every one of them, about a
tenth of an import (``bench/import_bench.py``: 4.4 s -> 4.0 s for 100k rows on SQLite). Rows and drafts hold no
reference cycles, so nothing waits to be freed meanwhile. Imports may overlap in one process (the web's threads,
a worker's): the collector starts again when the last of them ends, even on an error.
"""
from __future__ import annotations

import gc
import threading
from contextlib import contextmanager
from functools import wraps

_lock = threading.Lock()
_running = 0
_resume = False          # whether the collector ran before the first of the imports under way


@contextmanager
def paused():
    global _running, _resume
    with _lock:
        if _running == 0:
            _resume = gc.isenabled()
            gc.disable()
        _running += 1
    try:
        yield
    finally:
        with _lock:
            _running -= 1
            if _running == 0 and _resume:
                gc.enable()


def while_paused(function):
    """``function`` runs with the collector paused (see ``paused``)."""
    @wraps(function)
    def run(*args, **kwargs):
        with paused():
            return function(*args, **kwargs)
    return run
