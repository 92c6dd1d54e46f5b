"""Fuzz the file readers by hand: many thousands of generated inputs, each read, its header found and its rows checked.

    .venv/bin/python bench/fuzz_readers.py                    # 20,000 inputs, 2 worker processes
    .venv/bin/python bench/fuzz_readers.py -n 100000 --seed 7 --timeout 60
    .venv/bin/python bench/fuzz_readers.py --only 1234        # replay one input and show its traceback

Input i is built from random.Random(seed, i) alone, so any finding replays with --only. Workers run in
separate processes with an address-space limit: a Rust abort, a MemoryError or an input that takes longer
than --timeout is a finding, not the end of the run. Prints how many inputs were tried, refused and read,
and every crash or hang; exits 1 when there is any.
"""
from __future__ import annotations

import argparse
import os
import random
import resource
import selectors
import subprocess
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from campaigns.errors import DomainError  # noqa: E402
from campaigns.importing import checking, header, mapping, reading  # noqa: E402
from campaigns.importing.parsing import text  # noqa: E402
from tests.hostile import files  # noqa: E402

MEMORY_LIMIT = 3 * 1024 ** 3
KINDS = ["random bytes", "truncated", "flipped", "spliced", "renamed", "text table", "hostile"]
HOSTILE = [
    ("zip bomb", lambda r: files.huge_shared_strings(r.choice([10_000_000, 300_000_000]))),
    ("lying zip", lambda r: files.lying_sizes(r.choice([10_000_000, 300_000_000]))),
    ("nested xml", lambda r: files.nested_xml(r.choice([1_000, 100_000]))),
    ("far cell", lambda r: files.far_cell(r.randrange(1, 1_048_576), r.randrange(1, 16_384))),
    ("ods repeats", lambda r: files.ods_repeated(r.choice([1, 3, 1_000, 1_000_000]), r.choice([1, 3, 900, 5_000]))),
    ("wide csv", lambda r: files.wide_csv(r.choice([500, 1_001, 10_000]))),
    ("long line", lambda r: files.one_long_line(r.choice([999_000, 2_000_000, 50_000_000]))),
    ("encodings", lambda r: r.choice(list(files.BROKEN_ENCODINGS.values()))),
]
_SAMPLES = {}


def sample(name: str) -> bytes:
    if name not in _SAMPLES:
        _SAMPLES[name] = files.sample(name)
    return _SAMPLES[name]


def build(seed: int, index: int) -> tuple[str, str, bytes]:
    """(kind, file name, bytes) of input ``index``."""
    r = random.Random(f"{seed}:{index}")
    kind = KINDS[index % len(KINDS)]
    name = r.choice(files.SAMPLES)
    data = sample(name)
    if kind == "random bytes":
        head = r.choice([b"", b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\xff\xfe", b"\xef\xbb\xbf", b"%PDF"])
        return kind, name, head + r.randbytes(r.choice([1, 10, 100, 1000, 20_000]))
    if kind == "truncated":
        return kind, name, data[:r.randrange(len(data))]
    if kind == "flipped":
        out = bytearray(data)
        for _ in range(r.choice([1, 2, 5, 20, 100])):
            out[r.randrange(len(out))] = r.randrange(256)
        return kind, name, bytes(out)
    if kind == "spliced":
        at, length = r.randrange(len(data)), r.randrange(1, 500)
        return kind, name, data[:at] + r.randbytes(length) + data[at + r.choice([0, length]):]
    if kind == "renamed":
        other = r.choice([n for n in files.SAMPLES if n != name] + ["not_a_spreadsheet.pdf"])
        return kind, name, sample(other)
    if kind == "text table":
        return kind, "clients.csv", text_table(r)
    label, make = HOSTILE[index // len(KINDS) % len(HOSTILE)]
    return f"hostile: {label}", "clients.xlsx", make(r)


def text_table(r: random.Random) -> bytes:
    alphabet = "abcXYZ019 ;,|\t\"'\r\n\x00=+-@€éàü.,/()<>&" + "".join(chr(r.randrange(0x20, 0x3000)) for _ in range(8))
    sep = r.choice(";,\t|")
    head = sep.join(["Code client", "Raison sociale", "Téléphone", "N° facture", "Date échéance", "Montant"])
    rows = ["".join(r.choice(alphabet) for _ in range(r.randrange(0, 80))) for _ in range(r.randrange(1, 60))]
    body = "\n".join([head, *rows])
    return body.encode(r.choice(["utf-8", "utf-8-sig", "cp1252", "utf-16", "latin-1"]), errors="replace")


def run_one(data: bytes, name: str) -> str:
    """What the upload and mapping pages do with a file, then the check of every row."""
    try:
        grid = reading.read_file(data, name)
        index = header.find_header(grid.rows)
        names = [text(c) or f"#{i + 1}" for i, c in enumerate(grid.rows[index])]
        body = [[text(c) for c in row] for row in grid.rows[index + 1:index + 51]]
        chosen = mapping.suggest(names, body)
        if not mapping.missing_required(chosen):
            checking.check([*grid.rows[:index], names, *grid.rows[index + 1:]], index, chosen)
    except DomainError as exc:
        assert exc.message, "a refusal without a message"
        return "refused"
    return "read"


def worker(seed: int, start: int, stop: int) -> None:
    """Report "index outcome" per input on stdout; a crash is reported with its traceback's last line."""
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    for index in range(start, stop):
        kind, name, data = build(seed, index)
        try:
            result = run_one(data, name)
        except BaseException as exc:  # noqa: BLE001 - every escape is a finding
            result = f"crash {type(exc).__name__}: {str(exc)[:150]!r}"
        print(index, result, flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=20_000, help="inputs to try")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=60, help="seconds one input may take")
    parser.add_argument("--only", type=int, help="replay one input in this process")
    parser.add_argument("--worker", nargs=3, type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(*args.worker)
        return 0
    if args.only is not None:
        kind, name, data = build(args.seed, args.only)
        print(f"input {args.only}: {kind}, {name}, {len(data)} bytes")
        try:
            print(run_one(data, name))
        except BaseException:  # noqa: BLE001
            traceback.print_exc()
            return 1
        return 0
    return supervise(args)


def supervise(args) -> int:
    started = time.monotonic()
    counts = {"read": 0, "refused": 0}
    findings: list[str] = []
    per_kind: dict[str, dict[str, int]] = {}
    bounds = [(args.n * j // args.jobs, args.n * (j + 1) // args.jobs) for j in range(args.jobs)]
    selector = selectors.DefaultSelector()
    reported = 0

    def spawn(start, stop):
        if start >= stop:
            return
        proc = subprocess.Popen([sys.executable, __file__, "--seed", str(args.seed), "--worker", str(args.seed),
                                 str(start), str(stop)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                                cwd=ROOT, env={**os.environ, "RUST_BACKTRACE": "0"})
        os.set_blocking(proc.stdout.fileno(), False)
        selector.register(proc.stdout, selectors.EVENT_READ,
                          {"proc": proc, "next": start, "stop": stop, "since": time.monotonic(), "buffer": ""})

    for start, stop in bounds:
        spawn(start, stop)
    while selector.get_map():
        for key, _ in selector.select(timeout=1):
            state = key.data
            chunk = key.fileobj.read() or ""
            state["buffer"] += chunk
            *lines, state["buffer"] = state["buffer"].split("\n")
            for line in lines:
                index, result = line.split(" ", 1)
                index = int(index)
                kind = build(args.seed, index)[0] if result.startswith("crash") else KINDS[index % len(KINDS)]
                tally = per_kind.setdefault(kind if not kind.startswith("hostile") else "hostile", {})
                outcome = "crash" if result.startswith("crash") else result
                tally[outcome] = tally.get(outcome, 0) + 1
                if outcome == "crash":
                    findings.append(f"input {index} ({kind}): {result}")
                else:
                    counts[outcome] += 1
                state["next"], state["since"] = index + 1, time.monotonic()
            if not chunk and state["proc"].poll() is not None:
                _finish(selector, key, state, findings, spawn, "died (abort or memory)", args)
        for key in list(selector.get_map().values()):
            state = key.data
            if time.monotonic() - state["since"] > args.timeout:
                state["proc"].kill()
                state["proc"].wait()
                _finish(selector, key, state, findings, spawn, f"hang: no answer within {args.timeout:.0f} s", args)
        done = counts["read"] + counts["refused"] + len(findings)
        if done // 2000 > reported:
            reported = done // 2000
            print(f"... {done} inputs", file=sys.stderr, flush=True)

    tried = counts["read"] + counts["refused"] + len(findings)
    print(f"inputs tried: {tried}  refused: {counts['refused']}  read: {counts['read']}  "
          f"crashes or hangs: {len(findings)}  ({time.monotonic() - started:.0f} s, seed {args.seed})")
    for kind in sorted(per_kind):
        print(f"  {kind:14} " + "  ".join(f"{k}: {v}" for k, v in sorted(per_kind[kind].items())))
    for finding in findings:
        print("FINDING", finding)
    return 1 if findings else 0


def _finish(selector, key, state, findings, spawn, why, args):
    """A worker ended: if it stopped early, its current input is a finding and the rest goes to a new worker."""
    selector.unregister(key.fileobj)
    key.fileobj.close()
    index = state["next"]
    if index < state["stop"]:
        kind = build(args.seed, index)[0]
        findings.append(f"input {index} ({kind}): {why}")
        spawn(index + 1, state["stop"])


if __name__ == "__main__":
    sys.exit(main())
