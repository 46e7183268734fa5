"""Round trips per registration, counted by PostgreSQL itself: `python -m bench.roundtrips LOG`.

LOG is the log of a cluster that ran registrations with `log_statement = 'all'` and
`log_line_prefix = '%m %a %p %v '` (application name, backend pid, virtual transaction id). Each
logged statement is one client round trip: asyncpg sends Bind/Execute/Sync per statement, and a
simple-protocol query carrying several statements ("BEGIN; INSERT ...") is logged once. Prepares are
not logged; after the first requests each connection reuses its prepared statements.
A registration is a dealreg transaction that inserted a deal.
"""

from __future__ import annotations

import re
import statistics
import sys
from collections import Counter
from pathlib import Path

_LINE = re.compile(
    r"^\S+ \S+ \S+ (?P<app>\S*) (?P<pid>\d+) (?P<vxid>\S+) LOG:  (?:statement|execute [^:]*): (?P<sql>.*)$"
)


def transactions(lines: list[str], app: str) -> dict[tuple[str, str], list[str]]:
    by_txn: dict[tuple[str, str], list[str]] = {}
    for line in lines:
        m = _LINE.match(line)
        if m is not None and m["app"] == app:
            by_txn.setdefault((m["pid"], m["vxid"]), []).append(m["sql"])
    return by_txn


def main() -> None:
    lines = Path(sys.argv[1]).read_text(errors="replace").splitlines()
    app = sys.argv[2] if len(sys.argv) > 2 else "dealreg"
    registrations = [s for s in transactions(lines, app).values() if any("INSERT INTO deals" in q for q in s)]
    if not registrations:
        raise SystemExit("no registration transactions in the log")
    counts = [len(s) for s in registrations]
    print(f"registrations: {len(counts)}; round trips each: median {statistics.median(counts)}, "
          f"min {min(counts)}, max {max(counts)}")  # fmt: skip
    shape = Counter(tuple(q[:40] for q in s) for s in registrations).most_common(1)[0][0]
    print("the most common sequence:")
    for q in shape:
        print(f"  {q}")


if __name__ == "__main__":
    main()
