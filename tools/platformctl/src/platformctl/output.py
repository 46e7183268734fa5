"""What platformctl prints: aligned tables for people, JSON (`--json`) for scripts, a progress bar."""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from typing import Any, TextIO


def emit(data: Any, *, as_json: bool, columns: Sequence[str] = (), out: TextIO | None = None) -> None:
    """`data` as JSON, or (a list of rows) as a table of `columns`."""
    out = out or sys.stdout
    if as_json:
        out.write(json.dumps(data, indent=2, default=str) + "\n")
        return
    rows: Sequence[Mapping[str, Any]] = data
    table(rows, columns, out)


def table(rows: Sequence[Mapping[str, Any]], columns: Sequence[str], out: TextIO) -> None:
    cells = [[_cell(row.get(c)) for c in columns] for row in rows]
    widths = [max([len(c), *(len(r[i]) for r in cells)]) for i, c in enumerate(columns)]
    out.write("  ".join(c.upper().ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip() + "\n")
    for r in cells:
        out.write("  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() + "\n")


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value).replace("\n", " ")


class ProgressBar:
    """`[#####.....]  52%  5200/10000 events`: redrawn in place on a terminal, else a line per 10 %."""

    def __init__(self, label: str, out: TextIO | None = None, width: int = 30) -> None:
        self._label = label
        self._out = out or sys.stderr
        self._width = width
        self._tty = self._out.isatty()
        self._last_step = -1

    def __call__(self, done: int, total: int) -> None:
        fraction = 1.0 if total <= 0 else min(done / total, 1.0)
        step = int(fraction * 10)
        if not self._tty and step == self._last_step:
            return
        self._last_step = step
        filled = int(fraction * self._width)
        bar = "#" * filled + "." * (self._width - filled)
        line = f"{self._label} [{bar}] {fraction:4.0%}  {done}/{total} offsets"
        self._out.write(f"\r{line}" if self._tty else f"{line}\n")
        self._out.flush()

    def close(self) -> None:
        if self._tty and self._last_step >= 0:
            self._out.write("\n")
            self._out.flush()
