import pytest


@pytest.fixture
def job_store():
    """The job queue as a worker would find it (tasks stored, not run), emptied before and after the test."""
    from app.worker import huey
    huey.immediate = False
    huey.flush()
    yield huey
    huey.flush()
