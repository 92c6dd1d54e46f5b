"""Check the pinned requirements against the known-vulnerability databases (pip-audit), for `make test`.

    .venv/bin/python tools/audit_dependencies.py

Tries the PyPI advisory service, then OSV. A known vulnerability not explained in ``EXPLAINED`` fails
(exit 1). When neither service can be reached or neither knows the packages (a machine without internet,
or behind a mirror), the audit cannot run: a clear warning is printed and the build goes on (exit 0),
because a missing network is not a vulnerability. ``--strict`` makes that case fail too (for CI with
network access).
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REQUIREMENTS = ROOT / "requirements-dev.txt"   # includes requirements.txt
SERVICES = ("pypi", "osv")

# Vulnerability id -> why it does not affect Relance (reviewed by a person; keep the reason short and dated).
EXPLAINED: dict[str, str] = {}


def run_service(service: str) -> dict | None:
    """pip-audit's JSON report from one service, or None when the service could not be used."""
    command = [sys.executable, "-m", "pip_audit", "-r", str(REQUIREMENTS), "--no-deps", "--disable-pip",
               "-s", service, "-f", "json", "--progress-spinner", "off", "--timeout", "20"]
    for vuln_id in EXPLAINED:
        command += ["--ignore-vuln", vuln_id]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    except (OSError, subprocess.TimeoutExpired) as exc:
        print(f"pip-audit ({service}): {exc}", file=sys.stderr)
        return None
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        print(f"pip-audit ({service}) could not run: {last}", file=sys.stderr)
        return None
    audited = [d for d in report.get("dependencies", []) if "skip_reason" not in d]
    if not audited:
        print(f"pip-audit ({service}): the service knows none of the packages (no network or a mirror)",
              file=sys.stderr)
        return None
    return report


def main(argv: list[str]) -> int:
    strict = "--strict" in argv
    for service in SERVICES:
        report = run_service(service)
        if report is None:
            continue
        deps = report["dependencies"]
        skipped = [d["name"] for d in deps if "skip_reason" in d]
        found = [(d["name"], d["version"], v["id"], ", ".join(v.get("fix_versions") or []) or "no fix yet")
                 for d in deps if "skip_reason" not in d for v in d.get("vulns", [])]
        print(f"pip-audit ({service}): {len(deps) - len(skipped)} pinned packages audited, "
              f"{len(found)} known vulnerabilities, {len(EXPLAINED)} explained and ignored")
        if skipped:
            print(f"  not audited: {', '.join(skipped)}")
        for name, version, vuln_id, fixes in found:
            print(f"  {name}=={version}: {vuln_id} (fixed in {fixes})")
        if found:
            print("Upgrade the pin, or explain why it does not affect Relance in tools/audit_dependencies.py.")
            return 1
        return 1 if strict and skipped else 0
    print("WARNING: the dependency audit could not reach any vulnerability service (PyPI, OSV): "
          "the pinned requirements were NOT checked for known vulnerabilities.", file=sys.stderr)
    return 1 if strict else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
