"""A FEC of N lines (default 1,000,000) read as open receivables, against pandas.read_csv of the same file.

Run by hand on a quiet machine (check `uptime`): .venv/bin/python bench/fec_bench.py [--lines N]
Prints both times, their ratio (target: at most 3x) and the peak memory of each (target: under 1 GB),
each measured in a fresh process; and a second read of the same upload, from the open items kept beside it
(campaigns/importing/ledger_cache.py).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time

HEAD = ("JournalCode|JournalLib|EcritureNum|EcritureDate|CompteNum|CompteLib|CompAuxNum|CompAuxLib|PieceRef|"
        "PieceDate|EcritureLib|Debit|Credit|EcritureLet|DateLet|ValidDate|Montantdevise|Idevise")


def write(path: str, lines: int) -> None:
    rng = random.Random(7)
    with open(path, "w", encoding="utf-8") as out:
        out.write(HEAD + "\n")
        n = written = 0
        while written < lines:
            n += 1
            customer = f"C{rng.randrange(20_000):05d}"
            day = f"2026{rng.randrange(1, 12):02d}{rng.randrange(1, 28):02d}"
            ttc = rng.randrange(1_000, 500_000)
            ht = ttc * 100 // 120
            paid = rng.random() < 0.7
            code = f"L{n}" if paid else ""
            out.write(f"VE|Ventes|{n}|{day}|411000|Clients|{customer}|Client {customer}|F{n}|{day}|Facture F{n}|"
                      f"{ttc // 100},{ttc % 100:02d}|0,00|{code}|{'20261120' if paid else ''}|{day}||\n")
            out.write(f"VE|Ventes|{n}|{day}|706000|Ventes|||F{n}|{day}|Facture F{n}|0,00|{ht // 100},{ht % 100:02d}||||\n")
            tva = ttc - ht
            out.write(f"VE|Ventes|{n}|{day}|445710|TVA|||F{n}|{day}|Facture F{n}|0,00|{tva // 100},{tva % 100:02d}||||\n")
            written += 3
            if paid:
                out.write(f"BQ|Banque|P{n}|20261120|512000|Banque|||V{n}|20261120|Règlement|{ttc // 100},{ttc % 100:02d}|0,00||||\n")
                out.write(f"BQ|Banque|P{n}|20261120|411000|Clients|{customer}|Client {customer}|V{n}|20261120|Règlement|"
                          f"0,00|{ttc // 100},{ttc % 100:02d}|{code}|20261120||\n")
                written += 2


CHILD = r"""
import json, resource, sys, time
path, how = sys.argv[1], sys.argv[2]
data = open(path, "rb").read()
started = time.perf_counter()
if how == "pandas":
    import io, pandas as pd
    frame = pd.read_csv(io.BytesIO(data), sep="|", dtype=str, keep_default_na=False)
    rows = len(frame)
elif how == "ledger":
    sys.path.insert(0, ".")
    from campaigns.importing import reading
    grid = reading.read_file(data, "552100554FEC20261130.txt")
    rows = len(grid.rows)
else:       # "cached": a second read of the same upload (the mapping page visited again, the check)
    sys.path.insert(0, ".")
    from campaigns.importing import ledger, ledger_cache
    args = (path, data, "552100554FEC20261130.txt", None, None, ledger.CUSTOMER_PREFIXES)
    ledger_cache.read_stored(*args)
    started = time.perf_counter()
    rows = len(ledger_cache.read_stored(*args).rows)
print(json.dumps({"seconds": time.perf_counter() - started, "rows": rows,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=1_000_000)
    args = parser.parse_args()
    print("load:", os.getloadavg())
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "552100554FEC20261130.txt")
        write(path, args.lines)
        results = {how: json.loads(subprocess.run([sys.executable, "-c", CHILD, path, how], capture_output=True,
                                                  text=True, check=True).stdout) for how in ("pandas", "ledger", "cached")}
    for how, r in results.items():
        print(f"{how:7} {r['seconds']:7.2f} s  {r['rows']:>9} rows  peak {r['peak_mb']:7.0f} MB")
    print(f"ratio ledger / pandas.read_csv: {results['ledger']['seconds'] / results['pandas']['seconds']:.2f} "
          f"(target <= 3)")


if __name__ == "__main__":
    main()
