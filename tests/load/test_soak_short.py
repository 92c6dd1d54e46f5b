"""A short soak (bench/soak.py): a few agents for about fifteen seconds on a small campaign, served by gunicorn
on PostgreSQL, with an update file of payments loaded halfway. Correctness only, never timings."""
from __future__ import annotations

import pytest

from bench.soak import Options, run
from tests.conftest import PG_ADMIN_URL, _postgres_reachable


@pytest.fixture(scope="module")
def soak(tmp_path_factory):
    reason = _postgres_reachable()
    if reason:
        pytest.skip(reason)
    return run(Options(agents=4, minutes=0.25, debtors=2000, workers=2, processes=1, think=0.3, poll=2.0,
                       quiet=True, out=tmp_path_factory.mktemp("soak"), pg_admin=PG_ADMIN_URL))


def test_agents_record_calls_over_http_while_payments_arrive(soak):
    figures = soak.report["figures"]
    assert figures["acknowledged"] > 20, soak.report
    assert soak.report["update_file"]["ok"], soak.report["update_file"]
    assert figures["paid_since_start_cents"] > 0


def test_no_server_error_and_no_agent_stopped(soak):
    assert soak.failures["5xx or connection errors"] == []
    assert soak.failures["simulated agents stopped by a problem"] == []


def test_every_acknowledged_outcome_is_recorded_exactly_once(soak):
    assert soak.failures["outcomes lost"] == []
    assert soak.failures["outcomes doubled or unknown"] == []
    assert soak.failures["outcomes recorded for another debtor or agent"] == []


def test_no_debtor_is_held_by_two_agents_at_once(soak):
    assert soak.failures["debtor held by two agents (answers)"] == []
    assert soak.failures["debtor called by two agents at once (call attempts)"] == []


def test_the_money_reconciles_with_both_files(soak):
    assert soak.failures["totals reconcile"] == []
    assert soak.ok, soak.failures
