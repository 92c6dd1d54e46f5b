import pytest


@pytest.fixture(autouse=True)
def jobs_run_at_once():
    """huey's immediate mode: the background load runs inside the confirming request."""
    from app.worker import huey
    huey.immediate = True
    yield
    huey.immediate = False
