"""`make test` audits the pinned requirements; a missing network warns, a known vulnerability fails."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "tools" / "audit_dependencies.py"


@pytest.fixture
def audit():
    spec = importlib.util.spec_from_file_location("audit_dependencies", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _report(*vulns):
    return {"dependencies": [{"name": "flask", "version": "3.1.3", "vulns": list(vulns)},
                             {"name": "babel", "version": "2.18.0", "vulns": []}]}


def test_a_known_vulnerability_fails_the_build_and_names_the_fix(audit, monkeypatch, capsys):
    monkeypatch.setattr(audit, "run_service", lambda service: _report({"id": "PYSEC-0000-1", "fix_versions": ["9.9"]}))
    assert audit.main([]) == 1
    assert "flask==3.1.3: PYSEC-0000-1 (fixed in 9.9)" in capsys.readouterr().out


def test_clean_pins_pass(audit, monkeypatch):
    monkeypatch.setattr(audit, "run_service", lambda service: _report())
    assert audit.main([]) == 0


def test_without_any_reachable_service_the_build_goes_on_with_a_clear_warning(audit, monkeypatch, capsys):
    monkeypatch.setattr(audit, "run_service", lambda service: None)
    assert audit.main([]) == 0
    assert "NOT checked for known vulnerabilities" in capsys.readouterr().err
    assert audit.main(["--strict"]) == 1


def test_the_second_service_is_tried_when_the_first_is_unreachable(audit, monkeypatch):
    tried = []
    monkeypatch.setattr(audit, "run_service", lambda service: tried.append(service) or (
        _report({"id": "GHSA-x", "fix_versions": []}) if service == "osv" else None))
    assert audit.main([]) == 1 and tried == ["pypi", "osv"]
