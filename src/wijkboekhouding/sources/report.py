"""Validation reports: data problems are collected as data, not raised.

Each :class:`Problem` has a stable ``type`` slug, a severity, the file, row and column
it concerns, a message and what to do about it.  A report with any error means the
import writes nothing.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field, asdict

ERROR, WARNING, INFO = "error", "warning", "info"


@dataclass(frozen=True)
class Problem:
    type: str  # stable kebab-case slug, e.g. "wrong-type", "unknown-area"
    severity: str  # error | warning | info
    file: str
    row: int | None  # 1-based line number in the file (header is line 1), None for the whole file
    column: str | None
    message: str
    fix: str  # what to do about it

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column {self.column!r}"
        return f"{where}: {self.message} {self.fix}".strip()


@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)

    def add(self, type, severity, file, row, column, message, fix=""):
        self.problems.append(Problem(type, severity, str(file), row, column, message, fix))

    def error(self, type, file, row, column, message, fix=""):
        self.add(type, ERROR, file, row, column, message, fix)

    def warning(self, type, file, row, column, message, fix=""):
        self.add(type, WARNING, file, row, column, message, fix)

    def info(self, type, file, row, column, message, fix=""):
        self.add(type, INFO, file, row, column, message, fix)

    def extend(self, other: "Report") -> None:
        self.problems.extend(other.problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == WARNING]

    @property
    def valid(self) -> bool:
        return not self.errors

    def to_csv(self) -> str:
        out = io.StringIO()
        names = ["severity", "type", "file", "row", "column", "message", "fix"]
        writer = csv.DictWriter(out, fieldnames=names, lineterminator="\n")
        writer.writeheader()
        for p in self.problems:
            writer.writerow({k: asdict(p)[k] for k in names})
        return out.getvalue()

    def format(self, limit: int = 50) -> str:
        """Human-readable text: errors first, then warnings, then notes."""
        order = {ERROR: 0, WARNING: 1, INFO: 2}
        lines = []
        shown = sorted(self.problems, key=lambda p: order[p.severity])
        for p in shown[:limit]:
            lines.append(f"{p.severity.upper():7} [{p.type}] {p}")
        if len(shown) > limit:
            lines.append(f"... and {len(shown) - limit} more (see the full report file)")
        return "\n".join(lines)
